package io.shardkv.driver.client;

/**
 * A client operation that did not complete with an answer. {@link #definite()} says whether it
 * certainly did not take effect (safe to retry as a new operation) or may have (a Jepsen
 * {@code :info}: a write that timed out after some attempt may have reached the servers).
 */
public final class KvException extends Exception {
  private final boolean definite;
  private final boolean rejected;

  public KvException(boolean definite, String message) {
    this(definite, false, message);
  }

  /** {@code rejected}: the cluster answered that the request is invalid (definite, do not retry unchanged). */
  public KvException(boolean definite, boolean rejected, String message) {
    super(message);
    this.definite = definite;
    this.rejected = rejected;
  }

  /** True when a server rejected the request itself (bad request); false for unavailability or timeouts. */
  public boolean rejected() {
    return rejected;
  }

  /** True: the operation did not and will not take effect. False: it may have taken effect. */
  public boolean definite() {
    return definite;
  }
}
