package io.shardkv.linearizability;

/** How an operation completed, as Jepsen classifies it. */
public enum Status {
  /** The operation happened, exactly once, between its call and its return. */
  OK,
  /** The operation did not happen, unless the model defines a failed op as a completed one. */
  FAIL,
  /** Indeterminate: it may have taken effect at any instant after its call, or never. */
  INFO;

  /** The Jepsen keyword name ({@code ok}, {@code fail}, {@code info}). */
  public String keyword() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
