package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.cli.InProcessCli.Run;
import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.harness.LocalCluster;
import io.shardkv.server.process.ClusterConfig;
import io.shardkv.server.process.ReplicaStatuses;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, the dynamic address book end to end on real server processes: three servers (config
 * center and shard groups 1 and 2 on each) run from a config file that does not name server 4; server
 * 4 runs from a file of its own that lists the three plus itself — no other process has its line and
 * none is restarted. {@code ctl add-replica 1 4 --address HOST:PORT} adds it (its address travels in
 * group 1's configuration), it catches up by snapshot and log, is promoted, takes over group 1's
 * leadership, and clients read and write through it; group 2 then adds it by id alone (the servers
 * learnt its address); a restarted old server still knows it (from its log and snapshot). ctl refuses
 * clearly: an unknown server without --address, a malformed address, an address of another server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamicAddressRealClusterTest {
  @TempDir static Path dir;
  private LocalCluster cluster;
  private LocalCluster newHost;
  private String address4;
  private String admin4;
  private final ClientOptions options = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(10))
      .withAttemptTimeout(Duration.ofMillis(800));

  @BeforeAll
  void start() throws Exception {
    Path d = dir.resolve("cluster");
    // Small snapshots, so the new replica catches up by an InstallSnapshot (which carries the configuration).
    ClusterConfig.Settings s = new ClusterConfig.Settings(8, 10, 15, 30, 2, 300, 32 * 1024, true, false, false);
    cluster = LocalCluster.openServers(d, 3, 2, 3, System.getProperty("java.class.path"), s);
    cluster.startAll();
    cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));

    // The new host: the cluster's file plus its own line, in a directory (a host) of its own.
    int[] ports = new int[2];
    for (int i = 0; i < 2; i++) {
      try (ServerSocket ss = new ServerSocket(0)) {
        ports[i] = ss.getLocalPort();
      }
    }
    address4 = "127.0.0.1:" + ports[0];
    admin4 = "127.0.0.1:" + ports[1];
    Path h = dir.resolve("host-4");
    Files.createDirectories(h);
    Files.writeString(h.resolve(LocalCluster.CONFIG_FILE), Files.readString(cluster.config().file())
        + "server 4 addr=" + address4 + " admin=" + admin4 + " dir=node-4 spare=true\n", StandardCharsets.UTF_8);
    newHost = LocalCluster.openServers(h, 4, 2, 3, System.getProperty("java.class.path"), s);
    newHost.start(4);
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (status(address4).isEmpty() && System.nanoTime() < until) Thread.sleep(200);
    assertTrue(status(address4).isPresent(), "server 4 answers");
    assertTrue(cluster.config().servers().keySet().equals(java.util.Set.of(1, 2, 3)), "the cluster's file has no server 4");
  }

  @AfterAll
  void stop() {
    if (newHost != null) newHost.kill(4);
    if (cluster != null) cluster.killAll();
  }

  @Test
  void aServerNoOtherProcessKnowsIsAddedByAddressCatchesUpLeadsAndServes() throws Exception {
    String ctl = cluster.configCenterCsv();
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), options)) {
      String kb = "v".repeat(1024);
      for (int i = 0; i < 200; i++) c.put("bulk-" + i, kb + i);
    }

    Run unknown = ctl(ctl, "add-replica", "1", "4");
    assertEquals(1, unknown.exit(), unknown::toString);
    assertTrue(unknown.err().startsWith("ctl: add-replica: unknown server '4'") && unknown.err().contains("--address HOST:PORT"),
        unknown::toString);
    Run malformed = ctl(ctl, "add-replica", "1", "4", "--address", "127.0.0.1");
    assertEquals(2, malformed.exit(), malformed::toString);
    assertTrue(malformed.err().startsWith("ctl: expected --address HOST:PORT"), malformed::toString);
    Run badPort = ctl(ctl, "add-replica", "1", "4", "--address", "127.0.0.1:99999");
    assertEquals(2, badPort.exit(), badPort::toString);
    Run notAnId = ctl(ctl, "add-replica", "1", address4, "--address", address4);
    assertEquals(2, notAnId.exit(), notAnId::toString);
    Run onlyAdd = ctl(ctl, "promote", "1", "4", "--address", address4);
    assertEquals(2, onlyAdd.exit(), onlyAdd::toString);
    String address2 = cluster.config().server(2).address();
    Run someoneElse = ctl(ctl, "add-replica", "1", "4", "--address", address2);
    assertEquals(1, someoneElse.exit(), someoneElse::toString);
    assertTrue(someoneElse.err().contains("is server 2, not server 4"), someoneElse::toString);
    // A replaced host reusing an id at a new address: refused by the leader (--admin given, so ctl asks no one).
    Run conflict = ctl(ctl, "add-replica", "1", "3", "--address", address4, "--admin", admin4);
    assertEquals(1, conflict.exit(), conflict::toString);
    assertTrue(conflict.err().contains("server 3 is known at") && conflict.err().contains("new server id"), conflict::toString);

    long t0 = System.nanoTime();
    Run add = ctl(ctl, "--timeout", "60s", "add-replica", "1", "4", "--address", address4);
    assertEquals(0, add.exit(), add::toString);
    assertTrue(add.out().startsWith("OK node 4 is a learner of group 1 (voters [1, 2, 3], learners [4])"), add::toString);
    Run promote = ctl(ctl, "--timeout", "120s", "promote", "1", "4");
    assertEquals(0, promote.exit(), promote::toString);
    assertEquals("OK node 4 is a voter of group 1 (voters [1, 2, 3, 4])", promote.out().strip(), promote::toString);
    System.out.println("addrbook: server added by address, caught up and promoted in " + (System.nanoTime() - t0) / 1_000_000 + " ms");

    // Every old server learnt the address from group 1's configuration (none has a line for server 4).
    for (int id : List.of(1, 2, 3)) {
      String body = membersAt(cluster.config().server(id).adminAddress(), 1);
      assertTrue(body.contains("{\"id\":4,\"voter\":true,\"address\":\"" + address4 + "\",\"admin\":\"" + admin4 + "\""),
          "server " + id + ": " + body);
    }
    // The config center lists the group's servers with server 4's address, so clients find it.
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), options)) {
      assertTrue(c.query(-1).groups().get(1).contains(address4), "config center's list for group 1");
    }

    // Server 4 leads group 1: the other servers answer it and it reaches them; clients are served.
    Run transfer = ctl(ctl, "--timeout", "30s", "transfer-leader", "1", "4");
    assertEquals(0, transfer.exit(), transfer::toString);
    Run remove = ctl(ctl, "--timeout", "60s", "remove-replica", "1", "3");
    assertEquals(0, remove.exit(), remove::toString);
    readAndWrite("after-transfer");

    // Group 2 adds server 4 by id alone: its leader learnt the address (it hosts group 1 too), and
    // group 2's configuration carries it as well.
    Run add2 = ctl(ctl, "--timeout", "60s", "add-replica", "2", "4");
    assertEquals(0, add2.exit(), add2::toString);
    Run promote2 = ctl(ctl, "--timeout", "120s", "promote", "2", "4");
    assertEquals(0, promote2.exit(), promote2::toString);
    assertTrue(membersAt(cluster.config().server(3).adminAddress(), 2).contains("\"address\":\"" + address4 + "\""));

    // A restarted old server knows server 4 from its own log and snapshots, not from its file.
    cluster.kill(1);
    cluster.start(1);
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String body = "";
    while (System.nanoTime() < until) {
      body = membersAt(cluster.config().server(1).adminAddress(), 1);
      if (body.contains("\"address\":\"" + address4 + "\"")) break;
      Thread.sleep(200);
    }
    assertTrue(body.contains("{\"id\":4,\"voter\":true,\"address\":\"" + address4 + "\""), body);
    readAndWrite("after-restart");
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), options)) {
      for (int i = 0; i < 200; i += 37) assertEquals(Optional.of("v".repeat(1024) + i), c.get("bulk-" + i), "bulk-" + i);
    }
  }

  /** Writes and reads back keys of both shard groups; every operation must succeed. */
  private void readAndWrite(String prefix) throws KvException {
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), options.withCallTimeout(Duration.ofSeconds(30)))) {
      for (int i = 0; i < 40; i++) c.put(prefix + "-" + i, "x" + i);
      for (int i = 0; i < 40; i++) c.append(prefix + "-" + i, "y");
      for (int i = 0; i < 40; i++) assertEquals(Optional.of("x" + i + "y"), c.get(prefix + "-" + i), prefix + "-" + i);
    }
  }

  private Optional<String> status(String address) {
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), options)) {
      var st = c.nodeStatus(address, Duration.ofSeconds(2));
      return Optional.of(ReplicaStatuses.of(st).toString());
    } catch (KvException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String membersAt(String admin, int group) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + admin
          + "/members?group=" + group)).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static Run ctl(String clusterAddrs, String... args) {
    List<String> all = new ArrayList<>(List.of("ctl", "--cluster", clusterAddrs));
    all.addAll(List.of(args));
    return InProcessCli.run(all.toArray(String[]::new));
  }
}
