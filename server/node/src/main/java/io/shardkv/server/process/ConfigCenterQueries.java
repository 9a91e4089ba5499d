package io.shardkv.server.process;

import io.shardkv.driver.client.StatusMembers;
import io.shardkv.driver.client.Wiring;
import io.shardkv.driver.protocol.ClientConnection;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.LeaderTracker;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A server's line to the config center, shared by the shard groups it hosts: answers
 * {@code ShardGroupOutputs.fetchConfig} with one QUERY at a time, choosing the server with the
 * driver's {@link LeaderTracker} (the client's rule): it follows WRONG_LEADER hints, to a server
 * outside the config file's addresses too (a config-center member added by a membership change,
 * docs/membership.md; found by {@code sim shardkv --membership} seed 1), otherwise rotates; and once
 * a full round gave no lead, asks a server that answered for the members it knows (STATUS
 * {@code members}) instead of the next query, so that it finds the current members when the
 * configured ones were all removed (they answer WRONG_LEADER without a hint; seed 5847).
 *
 * <p>Requests for the same configuration number are coalesced: groups asking for the same number
 * while a query is out (the usual case: every group of a cluster moves through the same
 * configurations) are all answered by one QUERY. Answers are handed to each asker on the caller's
 * event loop (via {@code executor}). No answer is fine: the migration planner asks again on its
 * next round.
 *
 * <p>Polls for a configuration that does not exist yet are paced: once the config center answered a
 * QUERY for number N with an older configuration (nothing new: the usual answer to the leaders'
 * planner rounds, every 50 ms per hosted group leader), N is not asked again for
 * {@link #NO_NEWS_QUIET_NANOS}; those rounds get no answer. A new configuration is thus noticed at
 * most ~100 ms after it is made instead of ~50 ms, and each group leader costs the config center
 * half as many QUERYs (each a ReadIndex round there, and a client round trip here) — a cost that
 * grows with the number of groups, not with the load (issue 13: 3 groups cost ~4× the query CPU
 * per operation of 1 group).
 */
final class ConfigCenterQueries implements AutoCloseable {
  /** Used by the worker thread only (the tracker is not thread-safe). */
  private final LeaderTracker tracker;
  private final Map<String, ClientConnection> connections = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.Executor executor;
  /** Configuration number → who asked for it since its last query went out (guarded by this). */
  private final java.util.TreeMap<Integer, java.util.LinkedHashSet<Consumer<ShardConfig>>> wanted = new java.util.TreeMap<>();
  /** The worker is draining {@link #wanted} (guarded by this). */
  private boolean draining;
  /** A number the config center did not have yet, and until when (clock nanos) it is not asked again (guarded by this). */
  private final Map<Integer, Long> quietUntil = new java.util.HashMap<>();
  /** How long a number answered with an older configuration is not asked again: just under two 50 ms planner rounds. */
  static final long NO_NEWS_QUIET_NANOS = 90_000_000L;
  private final java.util.function.LongSupplier nanoClock;
  private final java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "config-center-query");
    t.setDaemon(true);
    return t;
  });

  /** Queries shared by several askers: {@link #fetch(int, Consumer)}. */
  ConfigCenterQueries(List<String> addresses, java.util.concurrent.Executor executor) {
    this(addresses, executor, System::nanoTime);
  }

  /** With the clock that paces polls for configurations not made yet (tests). */
  ConfigCenterQueries(List<String> addresses, java.util.concurrent.Executor executor,
      java.util.function.LongSupplier nanoClock) {
    this.executor = executor;
    this.nanoClock = nanoClock;
    this.tracker = new LeaderTracker(addresses);
  }

  private ClientConnection connection(String address) {
    return connections.computeIfAbsent(address, a -> {
      int c = a.lastIndexOf(':');
      return new ClientConnection(new InetSocketAddress(a.substring(0, c), Integer.parseInt(a.substring(c + 1))),
          new ClientConnection.Options(Duration.ofMillis(500), io.shardkv.driver.protocol.Wire.DEFAULT_MAX_PAYLOAD_BYTES, Duration.ofSeconds(15)));
    });
  }

  /**
   * Asks for configuration {@code num}; {@code to} gets it on the executor if the config center
   * answers with it. Asking again for a number already wanted adds nothing (an asker should pass the
   * same instance each time). Any thread.
   */
  void fetch(int num, Consumer<ShardConfig> to) {
    fetch(num, to, 0);
  }

  /**
   * {@link #fetch(int, Consumer)}, and when {@code quietNanos > 0}, {@code num} is not asked again
   * for that long whatever the answer: the caller has another source that will see the
   * configuration sooner (the config-center replica hosted in this process,
   * {@code HostedReplica#fetchConfig}); this query is only its backstop. Any thread.
   */
  void fetch(int num, Consumer<ShardConfig> to, long quietNanos) {
    synchronized (this) {
      long now = nanoClock.getAsLong();
      Long quiet = quietUntil.get(num);
      if (quiet != null) {
        if (now - quiet < 0) return; // answered "not yet" (or asked as a backstop) moments ago: no answer this round
        quietUntil.remove(num);
      }
      if (quietNanos > 0) quietUntil.put(num, now + quietNanos);
      wanted.computeIfAbsent(num, k -> new java.util.LinkedHashSet<>()).add(to);
      if (draining) return;
      draining = true;
    }
    try {
      worker.execute(this::drain);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      synchronized (this) {
        wanted.clear();
        draining = false;
      }
    }
  }

  /** Worker thread: one QUERY (or, when the tracker asks for it, one members ask) per wanted number, until nothing is wanted. */
  private void drain() {
    while (true) {
      java.util.Map.Entry<Integer, java.util.LinkedHashSet<Consumer<ShardConfig>>> w;
      synchronized (this) {
        w = wanted.pollFirstEntry();
        if (w == null || Thread.currentThread().isInterrupted()) {
          wanted.clear();
          draining = false;
          return;
        }
      }
      String ask = tracker.membersSource();
      if (ask != null) {
        askMembers(ask); // instead of this round's query: the planner asks again on its next round
        continue;
      }
      long sent = nanoClock.getAsLong();
      ShardConfig sc = query(tracker.current(), w.getKey());
      if (sc != null && w.getKey() >= 0 && sc.num() < w.getKey()) {
        synchronized (this) {
          if (quietUntil.size() > 64) quietUntil.clear(); // numbers long passed; bounded either way
          quietUntil.merge(w.getKey(), sent + NO_NEWS_QUIET_NANOS, (a, b) -> a - b > 0 ? a : b); // the later one
        }
      }
      if (sc != null) {
        for (Consumer<ShardConfig> to : w.getValue()) executor.execute(() -> to.accept(sc));
      }
    }
  }

  /** One QUERY to {@code server}: the configuration, or null (the tracker then picks the next server). */
  private ShardConfig query(String server, int num) {
    try {
      Response r = connection(server).call(new Request.Query(num), Duration.ofSeconds(1));
      if (r.status() == Status.OK && r.result() instanceof Result.Config c) {
        tracker.onLeaderAnswered(server);
        return Wiring.toShardConfig(c.config());
      } else if (r.status() == Status.WRONG_LEADER) {
        String hint = r.result() instanceof Result.LeaderHint h && validAddress(h.address()) ? h.address() : null;
        tracker.onWrongLeader(server, hint);
      } else {
        tracker.onNoAnswer(server);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      tracker.onNoAnswer(server);
    }
    return null;
  }

  /** The members {@code server} knows (its STATUS); a new one is queried next. */
  private void askMembers(String server) {
    try {
      Response r = connection(server).call(new Request.NodeStatus(), Duration.ofSeconds(1));
      if (r.result() instanceof Result.Info i) {
        tracker.onMembers(StatusMembers.of(i.entries(), ClusterConfig.CONFIG_CENTER_GROUP).stream()
            .filter(ConfigCenterQueries::validAddress).toList());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // no answer: the next round asks again
    }
  }

  private static boolean validAddress(String a) {
    int c = a.lastIndexOf(':');
    if (c <= 0) return false;
    try {
      int port = Integer.parseInt(a.substring(c + 1));
      return port > 0 && port < 65536;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    connections.values().forEach(ClientConnection::close);
  }
}
