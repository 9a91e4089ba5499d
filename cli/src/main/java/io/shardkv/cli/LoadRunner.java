package io.shardkv.cli;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The closed-loop load of {@code shardkv bench}, for any store behind a {@link Session}: used by
 * {@link BenchCommand} for ShardKV and by the benchmark-only harness {@code scripts/bench-etcd}
 * (module bench/) for etcd, so both measure by the same rules.
 *
 * <ul>
 *   <li>Each client is one platform thread with exactly one operation in flight: it sends the next
 *       operation when the previous one answered (a client of an asynchronous API waits on the
 *       operation's future). N clients are N concurrent operations, never more.
 *   <li>Client {@code t} draws keys {@code <prefix><k>}, {@code k} uniform in {@code [0, --keys)}, and
 *       a get with probability {@code --read-ratio} (else a put of {@code --value-size} bytes) from a
 *       {@link SplittableRandom} seeded by {@code t}: the same run of operations for every store.
 *   <li>Only the load window is timed: with {@code --duration S}, the operations that completed
 *       within S seconds of the start, over S; an operation still running at the end is neither
 *       counted nor recorded. With {@code --ops N}, N operations over the time until the last one
 *       completed.
 *   <li>Before the clock starts, one session puts the first 20 keys (connections and leaders are
 *       learned outside the window), then the same load runs unmeasured for {@code --warmup} seconds
 *       (default 2), so no store is timed while its JVMs compile or a fresh cluster's leaders spread
 *       (ShardKV's leader balancing), and every load — the first on a fresh cluster too — starts warm.
 * </ul>
 *
 * <p>An operation that throws counts as an error (the last error's message goes to stderr at the
 * end); the client goes on with its next operation. Every key index a put was sent for is
 * remembered, so the caller can delete what the run wrote ({@link #writtenKeys()}).
 */
public final class LoadRunner {
  /** One client's session with the store under test; used by one thread only. */
  public interface Session extends AutoCloseable {
    /** A linearizable read of {@code key} (whatever it finds). */
    void get(String key) throws Exception;

    /** A durable write, acknowledged by the store. */
    void put(String key, String value) throws Exception;

    @Override
    default void close() {}
  }

  /** Opens one client's session; called on the client's own thread, and once for the warm-up. */
  @FunctionalInterface
  public interface Sessions {
    Session open() throws Exception;
  }

  private static final int WARM_UP_KEYS = 20;

  private final String tool;
  private final LoadOptions options;
  private final String prefix;
  private final BitSet written = new BitSet();

  /**
   * @param tool the command's name, in front of its stderr lines ({@code bench}, {@code bench-etcd})
   * @param prefix the key prefix of this run, e.g. {@code bench-<base36 time>-}
   */
  public LoadRunner(String tool, LoadOptions options, String prefix) {
    this.tool = tool;
    this.options = options;
    this.prefix = prefix;
  }

  /** The key indices this runner sent puts for so far (acknowledged or not), in increasing order. */
  public int[] writtenKeys() {
    synchronized (written) {
      return written.stream().toArray();
    }
  }

  /**
   * Runs one load of {@code clientCount} clients, each on a session from {@code sessions}, with a
   * live progress line on stderr.
   */
  public BenchFigures run(String name, int clientCount, Sessions sessions) throws InterruptedException {
    warmUp(sessions, "x".repeat(options.valueSize()));
    if (options.warmup() > 0) drive(name + " [warm-up]", clientCount, sessions, options.warmup(), null);
    return drive(name, clientCount, sessions, options.duration(), options.ops());
  }

  /**
   * {@code clientCount} closed-loop clients for {@code seconds} (or until {@code opLimit} operations
   * when not null); what completed within the window.
   */
  private BenchFigures drive(String name, int clientCount, Sessions sessions, int seconds, Long opLimit)
      throws InterruptedException {
    String value = "x".repeat(options.valueSize());
    int keys = options.keys();
    double readRatio = options.readRatio();
    Recorder recorder = new Recorder(3);
    Histogram total = new Histogram(3);
    AtomicLong claimed = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastCompletion = new AtomicLong();
    AtomicLong unopened = new AtomicLong();
    AtomicReference<String> lastError = new AtomicReference<>();
    long limit = opLimit == null ? Long.MAX_VALUE : opLimit;
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    // The load window: operations that complete after it are neither counted nor recorded.
    long end = opLimit == null ? start + seconds * 1_000_000_000L : Long.MAX_VALUE;
    for (int t = 0; t < clientCount; t++) {
      final int tid = t;
      Thread th = new Thread(() -> {
        SplittableRandom rnd = new SplittableRandom(tid * 7919L + 1);
        try (Session s = sessions.open()) {
          while (System.nanoTime() < end && claimed.getAndIncrement() < limit) {
            int k = rnd.nextInt(keys);
            boolean read = rnd.nextDouble() < readRatio;
            long t0 = System.nanoTime();
            try {
              if (read) {
                s.get(prefix + k);
              } else {
                markWritten(k);
                s.put(prefix + k, value);
              }
              long t1 = System.nanoTime();
              if (t1 <= end) {
                recorder.recordValue(Math.max(1, t1 - t0));
                done.incrementAndGet();
                lastCompletion.accumulateAndGet(t1, Math::max);
              }
            } catch (InterruptedException e) {
              return;
            } catch (Exception e) {
              if (System.nanoTime() <= end) errors.incrementAndGet();
              lastError.set(String.valueOf(e.getMessage()));
            }
          }
        } catch (Exception e) {
          unopened.incrementAndGet();
          lastError.set("cannot open a session: " + e.getMessage());
        }
      }, tool + "-client-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    for (Thread alive = firstAlive(threads); alive != null; alive = firstAlive(threads)) {
      long now = System.nanoTime();
      // Wake at the end of the window exactly, so progress lines never include time after it (or
      // as soon as the clients are done).
      long sleepMs = now >= end ? 100 : Math.max(1, Math.min(1000, (end - now) / 1_000_000));
      alive.join(sleepMs);
      Histogram interval = recorder.getIntervalHistogram();
      total.add(interval);
      System.err.printf("\r%s: %.0fs %d ops, p50 %.2f ms, errors %d   ", name,
          (Math.min(System.nanoTime(), end) - start) / 1e9, done.get(),
          interval.getTotalCount() == 0 ? 0.0 : interval.getValueAtPercentile(50) / 1e6, errors.get());
    }
    total.add(recorder.getIntervalHistogram());
    System.err.println();
    if (unopened.get() > 0) System.err.println(tool + ": " + unopened.get() + " client(s) could not open a session");
    if (lastError.get() != null) System.err.println(tool + ": last error: " + lastError.get());
    double secs = opLimit == null ? seconds : Math.max(1, lastCompletion.get() - start) / 1e9;
    return new BenchFigures(name, clientCount, done.get(), errors.get(), secs, total);
  }

  private static Thread firstAlive(List<Thread> threads) {
    return threads.stream().filter(Thread::isAlive).findFirst().orElse(null);
  }

  /** Puts the first keys from one session; a failure that persists shows up as errors in the load. */
  private void warmUp(Sessions sessions, String value) throws InterruptedException {
    try (Session warm = sessions.open()) {
      for (int i = 0; i < Math.min(WARM_UP_KEYS, options.keys()); i++) {
        try {
          markWritten(i);
          warm.put(prefix + i, value);
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          // counted in the load if it persists
        }
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      // the clients' sessions will fail the same way and say so
    }
  }

  private void markWritten(int k) {
    synchronized (written) {
      written.set(k);
    }
  }
}
