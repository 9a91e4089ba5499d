package io.shardkv.server.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The set-up of the tests that start {@link NodeServer}s in their own JVM: a cluster.conf in the
 * server format (docs/config.md) in a test's directory — {@code tick-ms = 10}, servers 1..n on free
 * 127.0.0.1 ports ({@link FreePorts}), each with its data in {@code dir/sID}, and the group lines the
 * test gives — plus the waits those tests share.
 */
final class LoopbackClusterConf {
  private final ClusterConfig config;
  private final int[] ports;

  private LoopbackClusterConf(ClusterConfig config, int[] ports) {
    this.config = config;
    this.ports = ports;
  }

  /** Writes {@code dir/cluster.conf} for {@code servers} servers and the given group lines, and loads it. */
  static LoopbackClusterConf write(Path dir, int servers, String... groupLines) throws IOException {
    int[] ports = FreePorts.distinctFreePorts(2 * servers);
    List<String> lines = new ArrayList<>();
    lines.add("tick-ms = 10");
    for (int id = 1; id <= servers; id++) {
      lines.add("server " + id + " addr=127.0.0.1:" + ports[2 * (id - 1)] + " admin=127.0.0.1:" + ports[2 * id - 1]
          + " dir=s" + id);
    }
    lines.addAll(List.of(groupLines));
    lines.add("");
    Path file = dir.resolve("cluster.conf");
    Files.writeString(file, String.join("\n", lines));
    return new LoopbackClusterConf(ClusterConfig.load(file), ports);
  }

  ClusterConfig config() {
    return config;
  }

  /** Server {@code id}'s client (and peer) port. */
  int port(int id) {
    return ports[2 * (id - 1)];
  }

  /** Server {@code id}'s client address, {@code 127.0.0.1:PORT}. */
  String address(int id) {
    return "127.0.0.1:" + port(id);
  }

  /** Waits until every replica {@code server} hosts leads its group (each group has one replica here). */
  static void awaitEveryReplicaLeads(NodeServer server, Duration within) throws InterruptedException {
    awaitTrue("every hosted replica leads", within, () -> server.replicas().values().stream()
        .allMatch(r -> r.status() != null && "leader".equals(r.status().role())));
  }

  /** {@link #awaitTrue(String, Duration, BooleanSupplier)} within 20 s. */
  static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    awaitTrue(what, Duration.ofSeconds(20), condition);
  }

  /** Polls {@code condition} every 20 ms; fails with "not within N s: {@code what}" after {@code within}. */
  static void awaitTrue(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < until) {
      if (condition.getAsBoolean()) return;
      Thread.sleep(20);
    }
    throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
  }
}
