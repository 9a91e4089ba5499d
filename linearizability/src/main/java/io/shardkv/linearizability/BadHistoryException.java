package io.shardkv.linearizability;

/**
 * A history (or one of its lines) cannot be checked: unparseable text, an unknown operation, a
 * completion without an invoke. The message says what is wrong and how to fix it; {@link #line()}
 * says where (0 when unknown). The CLI turns this into exit status 3 and one line naming file and line.
 */
public final class BadHistoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int line;

  public BadHistoryException(int line, String message) {
    super(message);
    this.line = line;
  }

  public BadHistoryException(int line, String message, Throwable cause) {
    super(message, cause);
    this.line = line;
  }

  /** 1-based line in the source, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** {@code file:line: message}, the form every tool prints. */
  public String describe(String file) {
    return file + (line > 0 ? ":" + line : "") + ": " + getMessage();
  }
}
