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
 * A shard group's line to the config center: answers {@code ReplicaOutputs.fetchConfig} with one
 * QUERY at a time, following WRONG_LEADER hints and otherwise rotating over the config-center
 * nodes. Answers are handed to {@code deliver} on the caller's event loop (via {@code executor}).
 * No answer is fine: the migration planner asks again on its next round.
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
  private final Consumer<ShardConfig> deliver;
  private volatile boolean inFlight;
  private volatile int next;
  private final java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "controller-query");
    t.setDaemon(true);
    return t;
  });

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

  /** Asks for configuration {@code num} unless a query is already out. Any thread. */
  void fetch(int num) {
    if (inFlight) return;
    inFlight = true;
    int i = Math.floorMod(next, connections.size());
    worker.execute(() -> {
      try {
        Response r = connections.get(i).call(new Request.Query(num), Duration.ofSeconds(1));
        if (r.status() == Status.OK && r.result() instanceof Result.Config c) {
          ShardConfig sc = Wiring.toShardConfig(c.config());
          executor.execute(() -> deliver.accept(sc));
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
      } finally {
        inFlight = false;
      }
    });
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
