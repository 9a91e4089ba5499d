package io.shardkv.linearizability.search;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits shared by the searches of one check: a deadline, a memory cap on the memo caches, a step
 * limit per search, and a cancel flag (set when another partition is already illegal and not every
 * partition must be decided). Running out of any of them makes a search answer UNKNOWN — never a
 * verdict. Of these only the step limit is independent of the machine's speed and load: a caller
 * that must reproduce its verdict bit for bit (the simulator) bounds the search by steps, not time.
 */
public final class Budget {
  private final long deadlineNanos;
  private final long memoryCapBytes;
  private final long stepLimit;
  private final AtomicLong memoryUsed = new AtomicLong();
  private final AtomicBoolean cancelled = new AtomicBoolean();

  public Budget(long deadlineNanos, long memoryCapBytes) {
    this(deadlineNanos, memoryCapBytes, Long.MAX_VALUE);
  }

  /** {@code stepLimit}: candidate steps one partition's search may take (Long.MAX_VALUE: no limit). */
  public Budget(long deadlineNanos, long memoryCapBytes, long stepLimit) {
    this.deadlineNanos = deadlineNanos;
    this.memoryCapBytes = memoryCapBytes;
    this.stepLimit = stepLimit;
  }

  /** No limits except the given cap; used by tests and single searches. */
  public static Budget unlimited() {
    return new Budget(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  public boolean timedOut() {
    return deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0;
  }

  /** True once a search has taken more than the step limit's candidate steps. */
  public boolean stepsExhausted(long steps) {
    return steps > stepLimit;
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
