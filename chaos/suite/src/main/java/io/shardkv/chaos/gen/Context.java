package io.shardkv.chaos.gen;

import io.shardkv.chaos.history.Op;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * What a generator sees when asked: the time (nanoseconds since the run began), the worker threads
 * with the logical process each runs now, and which threads are free. Client threads are
 * {@code 0..concurrency-1}; the nemesis thread is {@link #NEMESIS_THREAD} with process
 * {@link Op#NEMESIS}. A client thread's process changes after an indeterminate op (Jepsen: the
 * crashed process never returns; a new one, {@code old + concurrency}, takes its place).
 *
 * @param time nanoseconds since the start of the run
 * @param processes thread → current process, for every thread visible to the generator
 * @param free the visible threads that have no op outstanding
 */
public record Context(long time, SortedMap<Integer, Long> processes, NavigableSet<Integer> free) {
  public static final int NEMESIS_THREAD = -1;

  public Context {
    processes = Collections.unmodifiableSortedMap(new TreeMap<>(processes));
    free = Collections.unmodifiableNavigableSet(new TreeSet<>(free));
  }

  /** A fresh context: {@code concurrency} client threads and the nemesis, all free. */
  public static Context initial(int concurrency) {
    TreeMap<Integer, Long> p = new TreeMap<>();
    p.put(NEMESIS_THREAD, Op.NEMESIS);
    for (int t = 0; t < concurrency; t++) {
      p.put(t, (long) t);
    }
    return new Context(0, p, p.navigableKeySet());
  }

  public Context withTime(long t) {
    return new Context(t, processes, free);
  }

  /** The same context seen through a filter: only the threads {@code keep} accepts. */
  public Context restrict(IntPredicate keep) {
    TreeMap<Integer, Long> p = new TreeMap<>();
    processes.forEach((t, proc) -> {
      if (keep.test(t)) {
        p.put(t, proc);
      }
    });
    TreeSet<Integer> f = new TreeSet<>();
    free.forEach(t -> {
      if (keep.test(t)) {
        f.add(t);
      }
    });
    return new Context(time, p, f);
  }

  /** True when no visible thread has an op outstanding. */
  public boolean allFree() {
    return free.size() == processes.size();
  }

  /** The process of the lowest free thread, or null when every thread is busy. */
  public Long someFreeProcess() {
    return free.isEmpty() ? null : processes.get(free.first());
  }

  /** Number of client threads visible (the nemesis thread excluded). */
  public int clientThreads() {
    return (int) processes.keySet().stream().filter(t -> t >= 0).count();
  }

  public Map<Integer, Long> processMap() {
    return processes;
  }
}
