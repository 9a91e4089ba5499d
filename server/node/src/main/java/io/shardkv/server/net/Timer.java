package io.shardkv.server.net;

/** A task scheduled on an {@link EventLoop}. */
public final class Timer implements Comparable<Timer> {
  final long deadlineNanos;
  final long sequence;
  final Runnable task;
  private volatile boolean cancelled;

  Timer(long deadlineNanos, long sequence, Runnable task) {
    this.deadlineNanos = deadlineNanos;
    this.sequence = sequence;
    this.task = task;
  }

  /** Prevents the task from running if it has not started yet. Safe from any thread. */
  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public int compareTo(Timer o) {
    int c = Long.compare(deadlineNanos, o.deadlineNanos);
    return c != 0 ? c : Long.compare(sequence, o.sequence);
  }
}
