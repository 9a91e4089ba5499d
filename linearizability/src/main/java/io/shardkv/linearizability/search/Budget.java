package io.shardkv.linearizability.search;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits shared by the searches of one check: a deadline, a memory cap on the memo caches, and a
 * cancel flag (set when another partition is already illegal and not every partition must be
 * decided). Running out of any of them makes a search answer UNKNOWN — never a verdict.
 */
public final class Budget {
  private final long deadlineNanos;
  private final long memoryCapBytes;
  private final AtomicLong memoryUsed = new AtomicLong();
  private final AtomicBoolean cancelled = new AtomicBoolean();

  public Budget(long deadlineNanos, long memoryCapBytes) {
    this.deadlineNanos = deadlineNanos;
    this.memoryCapBytes = memoryCapBytes;
  }

  /** No limits except the given cap; used by tests and single searches. */
  public static Budget unlimited() {
    return new Budget(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  public boolean timedOut() {
    return deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0;
  }

  /** Reserves {@code bytes} of cache; false (and nothing reserved) when the cap would be exceeded. */
  public boolean reserve(long bytes) {
    long now = memoryUsed.addAndGet(bytes);
    if (now > memoryCapBytes) {
      memoryUsed.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  public void release(long bytes) {
    memoryUsed.addAndGet(-bytes);
  }

  public void cancel() {
    cancelled.set(true);
  }

  public boolean cancelled() {
    return cancelled.get();
  }
}
