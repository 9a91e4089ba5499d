package io.shardkv.linearizability.format;

/** An EDN keyword such as {@code :ok}; {@code name} has no leading colon. */
public record Keyword(String name) {
  public static Keyword of(String name) {
    return new Keyword(name);
  }

  @Override
  public String toString() {
    return ":" + name;
  }
}
