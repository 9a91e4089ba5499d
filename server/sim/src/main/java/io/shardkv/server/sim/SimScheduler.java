package io.shardkv.server.sim;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * The virtual clock and the event queue of one simulation. Time is in simulated milliseconds and
 * only moves when the loop takes the next event. Events run in order of (time, sequence number):
 * two events due at the same millisecond run in the order they were scheduled, so ties never depend
 * on anything but the program itself.
 *
 * <p>Single-threaded by design: everything in a simulated world runs inside {@link #step()}.
 */
public final class SimScheduler {

  /** A scheduled action; {@link #cancel()} keeps it from running (it stays queued, inert). */
  public static final class Timer implements Comparable<Timer> {
    private final long time;
    private final long seq;
    private final Runnable action;
    private boolean cancelled;

    private Timer(long time, long seq, Runnable action) {
      this.time = time;
      this.seq = seq;
      this.action = action;
    }

    public long time() { return time; }
    public void cancel() { cancelled = true; }
    public boolean isCancelled() { return cancelled; }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Timer> queue = new PriorityQueue<>();
  private long now;
  private long nextSeq;
  private long executed;

  /** Current simulated time in milliseconds. */
  public long now() { return now; }

  /** Number of events run so far (cancelled ones excluded). */
  public long executedEvents() { return executed; }

  /** Runs {@code action} {@code delayMs} after now ({@code delayMs >= 0}). */
  public Timer after(long delayMs, Runnable action) {
    if (delayMs < 0) throw new IllegalArgumentException("negative delay " + delayMs + " ms");
    return at(now + delayMs, action);
  }

  /** Runs {@code action} at simulated time {@code time}, which must not be in the past. */
  public Timer at(long time, Runnable action) {
    if (time < now) {
      throw new IllegalArgumentException("cannot schedule in the past: at " + time + " ms, now " + now + " ms");
    }
    Timer t = new Timer(time, nextSeq++, action);
    queue.add(t);
    return t;
  }

  /** Runs the next live event, advancing the clock to its time. False when the queue is empty. */
  public boolean step() {
    while (true) {
      Timer t = queue.poll();
      if (t == null) return false;
      if (t.cancelled) continue;
      now = t.time;
      executed++;
      t.action.run();
      return true;
    }
  }

  /** Runs every event due at or before {@code time}, then sets the clock to {@code time}. */
  public void runUntil(long time) {
    while (true) {
      Timer head = peekLive();
      if (head == null || head.time > time) break;
      step();
    }
    if (time > now) now = time;
  }

  /** Runs for {@code durationMs} of simulated time. */
  public void runFor(long durationMs) {
    runUntil(now + durationMs);
  }

  /**
   * Runs events until {@code condition} holds (checked before each event) or the clock would pass
   * {@code deadline}. Returns whether the condition held.
   */
  public boolean runUntil(BooleanSupplier condition, long deadline) {
    while (true) {
      if (condition.getAsBoolean()) return true;
      Timer head = peekLive();
      if (head == null || head.time > deadline) {
        if (deadline > now) now = deadline;
        return condition.getAsBoolean();
      }
      step();
    }
  }

  private Timer peekLive() {
    Timer head = queue.peek();
    while (head != null && head.cancelled) {
      queue.poll();
      head = queue.peek();
    }
    return head;
  }
}
