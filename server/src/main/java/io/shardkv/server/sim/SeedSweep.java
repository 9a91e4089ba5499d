package io.shardkv.server.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * Runs one independent simulation per seed on a pool of threads. Each task must build its own
 * simulated world from its seed and share nothing mutable with the others, so parallelism cannot
 * change any run's outcome — only how soon it is known. Results come back in seed order.
 */
public final class SeedSweep {
  private SeedSweep() { }

  /** A seed range {@code from..to}, both inclusive. */
  public record Range(long from, long to) {
    public Range {
      if (to < from) throw new IllegalArgumentException("empty seed range " + from + ".." + to);
    }

    public long count() { return to - from + 1; }

    /**
     * Parses {@code A..B} (inclusive) or a single seed {@code A}.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static Range parse(String text) {
      String t = text.trim();
      int dots = t.indexOf("..");
      try {
        if (dots < 0) {
          long s = Long.parseLong(t);
          return new Range(s, s);
        }
        return new Range(Long.parseLong(t.substring(0, dots).trim()), Long.parseLong(t.substring(dots + 2).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("seed range '" + text + "' is not of the form A..B (e.g. 1..200)");
      }
    }
  }

  /** Runs {@code task} for every seed of {@code range} on {@code threads} threads. */
  public static <R> List<R> run(Range range, int threads, LongFunction<R> task) {
    if (threads <= 1) {
      List<R> out = new ArrayList<>();
      for (long s = range.from(); s <= range.to(); s++) out.add(task.apply(s));
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "sim-seed-sweep");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (long s = range.from(); s <= range.to(); s++) {
        long seed = s;
        futures.add(pool.submit(() -> task.apply(seed)));
      }
      List<R> out = new ArrayList<>();
      for (Future<R> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a seed's run threw instead of returning a result", e.getCause());
        }
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("seed sweep interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The sweep's digest: SHA-256, as lowercase hex, over one line {@code seed=digest\n} per result in
   * seed order, so two sweeps over the same range and options print the same digest.
   */
  public static <R> String combinedDigest(List<R> results, ToLongFunction<R> seed, Function<R, String> digest) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    for (R r : results) {
      sha.update((seed.applyAsLong(r) + "=" + digest.apply(r) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
