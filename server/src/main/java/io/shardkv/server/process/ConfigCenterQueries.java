package io.shardkv.server.process;

import io.shardkv.driver.client.Wiring;
import io.shardkv.driver.protocol.ClientConnection;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.Status;
import io.shardkv.driver.routing.ShardConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A server's line to the config center, shared by the shard groups it hosts: answers
 * {@code ShardGroupOutputs.fetchConfig} with one QUERY at a time, following WRONG_LEADER hints and
 * otherwise rotating over the config-center nodes. Requests for the same configuration number are
 * coalesced: groups asking for the same number while a query is out (the usual case: every group
 * of a cluster moves through the same configurations) are all answered by one QUERY. Answers are
 * handed to each asker on the caller's event loop (via {@code executor}). No answer is fine: the
 * migration planner asks again on its next round.
 *
 * <p>A hint may name a server outside the config file's addresses: a config-center member added by
 * a membership change (docs/membership.md) that now leads. Its address joins the rotation; without
 * that the shard groups would never learn another configuration while it leads (found by
 * {@code sim shardkv --membership} seed 1).
 */
final class ConfigCenterQueries implements AutoCloseable {
  /** The config file's addresses, then any leader hint's outside them; appended by the worker thread only. */
  private final List<String> addresses = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<ClientConnection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.Executor executor;
  /** The asker of {@link #fetch(int)} (null when built for {@link #fetch(int, Consumer)} only). */
  private final Consumer<ShardConfig> deliver;
  /** Configuration number → who asked for it since its last query went out (guarded by this). */
  private final java.util.TreeMap<Integer, java.util.LinkedHashSet<Consumer<ShardConfig>>> wanted = new java.util.TreeMap<>();
  /** The worker is draining {@link #wanted} (guarded by this). */
  private boolean draining;
  private volatile int next;
  private final java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "controller-query");
    t.setDaemon(true);
    return t;
  });

  /** Queries shared by several askers: {@link #fetch(int, Consumer)}. */
  ConfigCenterQueries(List<String> addresses, java.util.concurrent.Executor executor) {
    this(addresses, executor, null);
  }

  ConfigCenterQueries(List<String> addresses, java.util.concurrent.Executor executor, Consumer<ShardConfig> deliver) {
    this.executor = executor;
    this.deliver = deliver;
    for (String a : addresses) add(a);
  }

  private void add(String address) {
    int c = address.lastIndexOf(':');
    connections.add(new ClientConnection(new InetSocketAddress(address.substring(0, c), Integer.parseInt(address.substring(c + 1))),
        new ClientConnection.Options(Duration.ofMillis(500), io.shardkv.driver.protocol.Wire.DEFAULT_MAX_PAYLOAD_BYTES, Duration.ofSeconds(15))));
    addresses.add(address);
  }

  /** Asks for configuration {@code num} on behalf of the asker given at construction. Any thread. */
  void fetch(int num) {
    fetch(num, deliver);
  }

  /**
   * Asks for configuration {@code num}; {@code to} gets it on the executor if the config center
   * answers with it. Asking again for a number already wanted adds nothing (an asker should pass the
   * same instance each time). Any thread.
   */
  void fetch(int num, Consumer<ShardConfig> to) {
    synchronized (this) {
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

  /** Worker thread: one QUERY per wanted number, until nothing is wanted. */
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
      ShardConfig sc = query(w.getKey());
      if (sc != null) {
        for (Consumer<ShardConfig> to : w.getValue()) executor.execute(() -> to.accept(sc));
      }
    }
  }

  /** One QUERY to the node in turn: the configuration, or null (and the rotation or a hint picks the next node). */
  private ShardConfig query(int num) {
    int i = Math.floorMod(next, connections.size());
    try {
      Response r = connections.get(i).call(new Request.Query(num), Duration.ofSeconds(1));
      if (r.status() == Status.OK && r.result() instanceof Result.Config c) {
        return Wiring.toShardConfig(c.config());
      } else if (r.result() instanceof Result.LeaderHint h && addresses.contains(h.address())) {
        next = addresses.indexOf(h.address());
      } else if (r.result() instanceof Result.LeaderHint h && validAddress(h.address())) {
        add(h.address()); // a member added since the config file was written (docs/membership.md)
        next = addresses.size() - 1;
      } else {
        next = i + 1;
      }
    } catch (Exception e) {
      next = i + 1;
    }
    return null;
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
    connections.forEach(ClientConnection::close);
  }
}
