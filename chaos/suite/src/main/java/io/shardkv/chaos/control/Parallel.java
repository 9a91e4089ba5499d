package io.shardkv.chaos.control;

import io.shardkv.chaos.ChaosException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/** Runs one action per host at the same time, as Jepsen's {@code on-nodes} does. */
public final class Parallel {
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "chaos-on-hosts");
    t.setDaemon(true);
    return t;
  });

  private Parallel() {}

  /** {@code fn} applied to every item, in parallel; the results in the items' order. */
  public static <T, R> Map<T, R> map(Collection<T> items, Function<T, R> fn) {
    Map<T, Future<R>> futures = new LinkedHashMap<>();
    for (T item : items) futures.put(item, POOL.submit(() -> fn.apply(item)));
    Map<T, R> results = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    Throwable first = null;
    for (Map.Entry<T, Future<R>> e : futures.entrySet()) {
      try {
        results.put(e.getKey(), e.getValue().get());
      } catch (ExecutionException ex) {
        Throwable c = ex.getCause();
        if (first == null) first = c;
        failures.add(c.getMessage() == null ? c.toString() : c.getMessage());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        futures.values().forEach(f -> f.cancel(true));
        throw new ChaosException("interrupted", ex);
      }
    }
    if (first != null) {
      if (failures.size() == 1 && first instanceof RuntimeException re) throw re;
      throw new ChaosException(failures.size() + " of " + items.size() + " failed: " + String.join("; ", failures), first);
    }
    return results;
  }

  /** {@code fn} on every item, in parallel; throws once all finished if any failed. */
  public static <T> void forEach(Collection<T> items, Consumer<T> fn) {
    map(items, t -> {
      fn.accept(t);
      return Boolean.TRUE;
    });
  }
}
