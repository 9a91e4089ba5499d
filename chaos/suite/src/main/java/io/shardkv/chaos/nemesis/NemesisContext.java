package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.Testbed;
import io.shardkv.chaos.db.Db;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * What the nemeses act on: the testbed (hosts, database, network and clock primitives), the
 * cluster's own status, the run's log, and the campaign seed (each nemesis derives its own random
 * stream from it, so the faults a seed chooses are reproducible).
 */
public record NemesisContext(Testbed testbed, ClusterStatus status, Consumer<String> log, long seed) {
  public Db db() {
    return testbed.db();
  }

  public List<String> nodes() {
    return testbed.db().nodes();
  }

  /** A random stream for one nemesis, derived from the campaign seed and {@code salt}. */
  public Random random(String salt) {
    return new Random(seed * 31 + salt.hashCode());
  }

  /**
   * Runs {@code action} on every host at once (one thread each) and waits for all; if any failed,
   * throws a ChaosException naming each failure.
   */
  public static void onNodes(Collection<String> nodes, Consumer<String> action) {
    List<Thread> threads = new ArrayList<>();
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (String n : nodes) {
      Thread t = new Thread(() -> {
        try {
          action.accept(n);
        } catch (RuntimeException e) {
          errors.add(n + ": " + e.getMessage());
        }
      }, "nemesis-" + n);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChaosException("interrupted while waiting for the nemesis on " + nodes);
      }
    }
    if (!errors.isEmpty()) {
      throw new ChaosException(String.join("; ", errors));
    }
  }
}
