package io.shardkv.linearizability;

import io.shardkv.linearizability.search.Budget;
import io.shardkv.linearizability.search.LinearizationSearch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks a history against a model.
 *
 * <p>P-compositionality (Herlihy &amp; Wing's locality; Horn &amp; Kroening): a history is linearizable iff
 * each partition — the ops on one independent object, as given by {@link Model#partition} — is. So
 * each partition is prepared ({@link Model#prepare}), reduced ({@link Model#simplify}), and searched
 * on its own, in parallel on {@link CheckOptions#threads()} workers, largest first. Unless
 * {@link CheckOptions#decideAll()} is set, the first illegal partition cancels the others (they
 * report UNKNOWN "cancelled", and the history is NOT_LINEARIZABLE anyway).
 */
public final class Checker {
  private Checker() {}

  /** Checks {@code history}; throws {@link BadHistoryException} for ops the model cannot run. */
  public static CheckResult check(Model<?> model, History history, CheckOptions options) {
    long started = System.nanoTime();
    Map<Object, List<Operation>> parts = partition(model, history);
    long deadline = started + options.timeout().toNanos();
    if (deadline == Long.MAX_VALUE) {
      deadline--;
    }
    Budget budget = new Budget(deadline, options.memoryCapBytes(), options.stepLimit());
    List<Map.Entry<Object, List<Operation>>> work = new ArrayList<>(parts.entrySet());
    work.sort(Comparator.comparingInt((Map.Entry<Object, List<Operation>> e) -> -e.getValue().size()));

    List<PartitionResult> results = new ArrayList<>();
    int threads = Math.min(options.threads(), Math.max(1, work.size()));
    if (threads <= 1) {
      for (Map.Entry<Object, List<Operation>> e : work) {
        results.add(checkPartition(model, e.getKey(), e.getValue(), options, budget));
      }
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(null, r, "checker", 256L << 20);
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<PartitionResult>> futures = new ArrayList<>();
        for (Map.Entry<Object, List<Operation>> e : work) {
          futures.add(pool.submit(() -> checkPartition(model, e.getKey(), e.getValue(), options, budget)));
        }
        for (Future<PartitionResult> f : futures) {
          results.add(f.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    results.sort(Comparator.comparingInt((PartitionResult p) -> rank(p.verdict()))
        .thenComparing(p -> String.valueOf(p.key())));
    Verdict verdict = Verdict.LINEARIZABLE;
    for (PartitionResult p : results) {
      verdict = verdict.and(p.verdict());
    }
    return new CheckResult(verdict, List.copyOf(results), history.size(),
        (System.nanoTime() - started) / 1_000_000);
  }

  private static int rank(Verdict v) {
    return switch (v) {
      case NOT_LINEARIZABLE -> 0;
      case UNKNOWN -> 1;
      case LINEARIZABLE -> 2;
    };
  }

  /** Prepares every op with the model and groups the kept ones by partition, in history order. */
  static Map<Object, List<Operation>> partition(Model<?> model, History history) {
    Map<Object, List<Operation>> parts = new LinkedHashMap<>();
    for (Operation op : history.ops()) {
      Operation kept = model.prepare(op);
      if (kept == null) {
        continue;
      }
      parts.computeIfAbsent(new PartKey(model.partition(kept)), k -> new ArrayList<>()).add(kept);
    }
    if (parts.isEmpty()) {
      parts.put(new PartKey(null), new ArrayList<>());
    }
    Map<Object, List<Operation>> unwrapped = new LinkedHashMap<>();
    parts.forEach((k, v) -> unwrapped.put(((PartKey) k).key(), v));
    return unwrapped;
  }

  /** Null-safe map key. */
  private record PartKey(Object key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof PartKey p && Objects.equals(key, p.key);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(key);
    }
  }

  /** Runs the search; a JVM out of heap despite the memory cap still yields UNKNOWN, not a crash. */
  private static LinearizationSearch.Outcome search(Model<?> model, List<Operation> local,
      CheckOptions options, Budget budget) {
    try {
      return new LinearizationSearch(model, local, options.optimized(), budget).run();
    } catch (OutOfMemoryError e) {
      return new LinearizationSearch.Outcome(Verdict.UNKNOWN, new int[0], -1,
          "out of heap memory (raise -Xmx or lower the memory cap)", 0);
    }
  }

  private static PartitionResult checkPartition(Model<?> model, Object key, List<Operation> ops,
      CheckOptions options, Budget budget) {
    long t0 = System.nanoTime();
    List<Operation> checked = options.optimized() ? model.simplify(ops) : ops;
    List<Operation> local = new ArrayList<>(checked.size());
    for (int i = 0; i < checked.size(); i++) {
      local.add(checked.get(i).withId(i));
    }
    LinearizationSearch.Outcome out = budget.cancelled() && !options.decideAll()
        ? new LinearizationSearch.Outcome(Verdict.UNKNOWN, new int[0], -1,
            "cancelled: another partition is not linearizable", 0)
        : search(model, local, options, budget);
    if (out.verdict() == Verdict.NOT_LINEARIZABLE && !options.decideAll()) {
      budget.cancel();
    }
    return new PartitionResult(key, out.verdict(), List.copyOf(local), out.linearization(),
        out.failingOp(), out.reason(), out.configurations(), (System.nanoTime() - t0) / 1_000_000);
  }
}
