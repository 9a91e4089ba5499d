package io.shardkv.server.statemachine;

/** The last-applied-index bookkeeping every state machine shares (see the apply order contract). */
public final class AppliedIndex {
  private long last;

  public long get() {
    return last;
  }

  /** Records {@code index} as applied, rejecting a non-increasing index as the caller bug it is. */
  public void advanceTo(long index) {
    if (index <= last) {
      throw new IllegalStateException("apply out of order: index " + index
          + " is not above the last applied index " + last);
    }
    last = index;
  }

  public void restore(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("negative applied index " + index);
    }
    last = index;
  }
}
