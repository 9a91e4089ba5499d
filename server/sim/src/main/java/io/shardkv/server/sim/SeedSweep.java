package io.shardkv.server.sim;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
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

  /**
   * Runs {@code task} for every seed of {@code range} on {@code threads} threads and returns every
   * result, in seed order. Keeps all results in memory: for small ranges (tests). Sweeps use
   * {@link #forEach}.
   */
  public static <R> List<R> run(Range range, int threads, LongFunction<R> task) {
    List<R> out = new ArrayList<>();
    forEach(range, threads, task, out::add);
    return out;
  }

  /**
   * Runs {@code task} for every seed of {@code range} on {@code threads} threads and hands each
   * result to {@code inSeedOrder} on the calling thread, in seed order, as soon as it and all
   * earlier seeds are done. Flat memory: at most {@code 4 * threads} seeds are in flight or waiting
   * for an earlier seed, and nothing is kept once the consumer returns, so a sweep of any length
   * needs the memory of a few runs (issue 10: a list of every result ran out of a 1 GiB heap at
   * ~40,000 seeds).
   */
  public static <R> void forEach(Range range, int threads, LongFunction<R> task, Consumer<R> inSeedOrder) {
    forEachUntil(range, threads, task, r -> {
      inSeedOrder.accept(r);
      return true;
    });
  }

  /**
   * As {@link #forEach}, but stops once {@code inSeedOrder} returns false: no later seed is handed
   * over (seeds already running are abandoned), so "sweep until the first failing seed" reports the
   * lowest failing seed of the range whatever the thread count.
   */
  public static <R> void forEachUntil(Range range, int threads, LongFunction<R> task, Predicate<R> inSeedOrder) {
    if (threads <= 1) {
      for (long s = range.from(); s <= range.to(); s++) {
        if (!inSeedOrder.test(task.apply(s))) return;
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "sim-seed-sweep");
      t.setDaemon(true);
      return t;
    });
    int window = 4 * threads;
    ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();
    try {
      long next = range.from();
      while (next <= range.to() || !inFlight.isEmpty()) {
        while (next <= range.to() && inFlight.size() < window) {
          long seed = next++;
          inFlight.addLast(pool.submit(() -> task.apply(seed)));
        }
        Future<R> oldest = inFlight.pollFirst();
        R result;
        try {
          result = oldest.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("a seed's run threw instead of returning a result", e.getCause());
        }
        if (!inSeedOrder.test(result)) return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("seed sweep interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * What the sweep commands print per seed, kept in one place: counts the seeds and failures, feeds
   * the {@link Digest}, prints a {@code FAIL seed=N: ...} line with its detail lines as each failing
   * seed comes in, and — with planted bugs, where the question is how soon a seed catches them —
   * asks the sweep to stop at the first failure.
   */
  public static final class Tally {
    private final PrintWriter out;
    private final boolean untilFirstFailure;
    private final Digest digest = new Digest();
    private long seeds;
    private long failed;
    private long firstFailing = -1;

    public Tally(PrintWriter out, boolean untilFirstFailure) {
      this.out = out;
      this.untilFirstFailure = untilFirstFailure;
    }

    /**
     * Takes the next seed's outcome (seed order); {@code failure} is null for a passed seed, and
     * {@code details} (e.g. replay command, trace file) is asked for only for a failed one.
     *
     * @return whether the sweep goes on (the consumer of {@link SeedSweep#forEachUntil})
     */
    public boolean add(long seed, String seedDigest, Throwable failure, Supplier<List<String>> details) {
      seeds++;
      digest.add(seed, seedDigest);
      if (failure != null) {
        failed++;
        if (firstFailing < 0) firstFailing = seed;
        out.println("FAIL seed=" + seed + ": " + failure.getMessage());
        for (String line : details.get()) out.println("  " + line);
        out.flush();
      }
      return !(untilFirstFailure && firstFailing >= 0);
    }

    /** The line of a sweep with planted bugs {@code names}: the first catching seed, or that none caught them. */
    public void printUnsafeOutcome(String names, Range range) {
      out.println(firstFailing >= 0
          ? "unsafe " + names + ": caught at seed " + firstFailing + " (seed " + seeds + " of the sweep)"
          : "unsafe " + names + ": NOT caught in seeds " + range.from() + ".." + range.to());
    }

    public long seeds() { return seeds; }

    public long failed() { return failed; }

    public long passed() { return seeds - failed; }

    /** The sweep's digest; call once, at the end. */
    public String digestHex() { return digest.hex(); }
  }

  /** The sweep's digest (see {@link #combinedDigest}), fed one result at a time. */
  public static final class Digest {
    private final MessageDigest sha;

    public Digest() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-256", e);
      }
    }

    /** Adds the next result; results must come in seed order. */
    public void add(long seed, String digest) {
      sha.update((seed + "=" + digest + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Lowercase hex; call once, at the end. */
    public String hex() {
      return HexFormat.of().formatHex(sha.digest());
    }
  }

  /**
   * The sweep's digest: SHA-256, as lowercase hex, over one line {@code seed=digest\n} per result in
   * seed order, so two sweeps over the same range and options print the same digest.
   */
  public static <R> String combinedDigest(List<R> results, ToLongFunction<R> seed, Function<R, String> digest) {
    Digest d = new Digest();
    for (R r : results) d.add(seed.applyAsLong(r), digest.apply(r));
    return d.hex();
  }
}
