package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.cli.InProcessCli.Run;
import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.harness.LocalCluster;
import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Status;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.models.KvModel;
import io.shardkv.server.process.ClusterConfig;
import io.shardkv.server.process.ReplicaStatuses;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, membership change end to end on real server processes: a cluster of three servers
 * (config center and one shard group on each) and a spare fourth; under client load the group's
 * replica on server 3 is replaced by one on server 4 with {@code ctl add-replica}, {@code promote},
 * {@code remove-replica}; the removed server stops its replica and keeps its data; a restarted
 * server hosts the groups its data directory says (not the config file's group lines); ctl refuses
 * clearly (unknown server, a change that would lose the quorum, a second promotion); and the whole
 * client history is linearizable under the {@code kv} model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MembershipRealClusterTest {
  private static final int GROUP = 1;
  @TempDir static Path dir;
  private LocalCluster cluster;
  private final ClientOptions options = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(4))
      .withAttemptTimeout(Duration.ofMillis(800));

  @BeforeAll
  void start() throws Exception {
    Path d = dir.resolve("cluster");
    // Small snapshots, so the new replica catches up by an InstallSnapshot and then the log.
    ClusterConfig.Settings s = new ClusterConfig.Settings(8, 10, 15, 30, 2, 300, 64 * 1024, true, false, false);
    LocalCluster.openServers(d, 3, 1, 3, System.getProperty("java.class.path"), s);
    int[] ports = new int[2];
    for (int i = 0; i < 2; i++) {
      try (ServerSocket ss = new ServerSocket(0)) {
        ports[i] = ss.getLocalPort();
      }
    }
    Files.writeString(d.resolve(LocalCluster.CONFIG_FILE), "server 4 addr=127.0.0.1:" + ports[0] + " admin=127.0.0.1:"
        + ports[1] + " dir=node-4 spare=true\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    cluster = LocalCluster.openServers(d, 3, 1, 3, System.getProperty("java.class.path"), s);
    assertEquals(List.of(1, 2, 3), cluster.config().members(GROUP));
    cluster.startAll();
    cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
  }

  @AfterAll
  void stop() {
    if (cluster != null) cluster.killAll();
  }

  @Test
  void replacingAReplicaUnderLoadKeepsTheHistoryLinearizable() throws Exception {
    String ctlCluster = cluster.configCenterCsv();
    // Some data first (about 1 MB), so catching up means a snapshot and a log.
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), options.withCallTimeout(Duration.ofSeconds(20)))) {
      String kb = "x".repeat(1024);
      for (int i = 0; i < 1000; i++) c.put("bulk-" + i, kb);
    }
    History.Builder history = new History.Builder();
    AtomicBoolean stopLoad = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      int tid = t;
      Thread th = new Thread(() -> load(tid, history, stopLoad, ok), "load-" + t);
      clients.add(th);
      th.start();
    }
    try {
      awaitOk(ok, 30);

      Run unknown = ctl(ctlCluster, "add-replica", "1", "99");
      assertEquals(1, unknown.exit(), unknown::toString);
      assertTrue(unknown.err().startsWith("ctl: add-replica: unknown server '99'"), unknown::toString);
      Run usage = ctl(ctlCluster, "members");
      assertEquals(2, usage.exit(), usage::toString);

      long t0 = System.nanoTime();
      Run add = ctl(ctlCluster, "--timeout", "60s", "add-replica", "1", "4");
      assertEquals(0, add.exit(), add::toString);
      assertTrue(add.out().startsWith("OK node 4 is a learner of group 1 (voters [1, 2, 3], learners [4])"), add::toString);
      Run promote = ctl(ctlCluster, "--timeout", "120s", "promote", "1", "4");
      long caughtUpMs = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(0, promote.exit(), promote::toString);
      assertEquals("OK node 4 is a voter of group 1 (voters [1, 2, 3, 4])", promote.out().strip(), promote::toString);
      System.out.println("membership: learner added, caught up and promoted in " + caughtUpMs + " ms (under load)");
      Run again = ctl(ctlCluster, "promote", "1", "4");
      assertEquals(1, again.exit(), again::toString);
      assertTrue(again.err().contains("is not a learner of group 1") && again.err().contains("a voter already"), again::toString);

      Run remove = ctl(ctlCluster, "--timeout", "60s", "remove-replica", "1", "3");
      assertEquals(0, remove.exit(), remove::toString);
      assertTrue(remove.out().startsWith("OK node 3 removed from group 1 (voters [1, 2, 4]); its replica stopped; its data"
          + " is kept in "), remove::toString);
      Path server3 = cluster.config().server(3).dir();
      try (Stream<Path> l = Files.list(server3)) {
        assertTrue(l.anyMatch(p -> p.getFileName().toString().startsWith("group-1.removed-")), "server 3 kept its data");
      }
      assertFalse(Files.exists(server3.resolve("group-1")), "and no longer hosts group 1");
      assertEquals(List.of("0"), hostedGroups(3), "server 3 still hosts the config center only");

      Run members = ctl(ctlCluster, "members", "1");
      assertEquals(0, members.exit(), members::toString);
      List<String> lines = members.lines();
      assertTrue(lines.get(0).startsWith("group 1: leader node "), members::toString);
      assertTrue(lines.get(0).endsWith("(committed)"), members::toString);
      assertEquals(List.of("node 1 voter", "node 2 voter", "node 4 voter"),
          lines.subList(1, lines.size()).stream().map(x -> String.join(" ", List.of(x.split(" ")).subList(0, 3))).toList(),
          members::toString);
      // The config center lists the group's new servers, so clients find node 4.
      try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), options)) {
        assertEquals(List.of(1, 2, 4).stream().map(id -> cluster.config().server(id).address()).toList(),
            c.query(-1).groups().get(GROUP));
      }

      // Server 4 restarts: it hosts group 1 because its data directory says so (the config file does not).
      cluster.kill(4);
      // Removing voter 2 would leave voters 1 and 4, of which only 1 answers: refused (the leader counts a
      // member live for two election timeouts, at least 2 s, after it last answered).
      Thread.sleep(3000);
      Run lose = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        lose = ctl(ctlCluster, "remove-replica", "1", "2");
        if (lose.exit() != 0 && lose.err().contains("would lose its quorum")) break;
        assertEquals(1, lose.exit(), lose::toString); // no leader yet: retried
        Thread.sleep(500);
      }
      assertEquals(1, lose.exit(), lose::toString);
      assertTrue(lose.err().startsWith("ctl: remove-replica: ") && lose.err().contains("would lose its quorum"), lose::toString);
      cluster.start(4);
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!hostedGroups(4).contains("1") && System.nanoTime() < until) Thread.sleep(200);
      assertEquals(List.of("1"), hostedGroups(4));
      awaitOk(ok, ok.get() + 30);
    } finally {
      stopLoad.set(true);
      for (Thread th : clients) th.join();
    }
    History h;
    synchronized (history) {
      h = history.build();
    }
    CheckResult r = Checker.check(new KvModel(), h, CheckOptions.defaults().withTimeout(Duration.ofSeconds(120)));
    assertEquals(Verdict.LINEARIZABLE, r.verdict(), "the history of " + h.size() + " operations");
  }

  private void load(int tid, History.Builder history, AtomicBoolean stop, AtomicLong ok) {
    SplittableRandom rnd = new SplittableRandom(tid);
    long process = tid;
    int incarnation = 0;
    ShardKvClient client = ShardKvClient.connect(cluster.configCenterAddresses(), options);
    for (int n = 0; !stop.get(); n++) {
      String key = "k" + rnd.nextInt(6);
      int r = rnd.nextInt(100);
      String f = r < 40 ? "get" : r < 70 ? "put" : "append";
      String input = f.equals("get") ? null : (f.equals("append") ? "," : "") + tid + "." + n;
      synchronized (history) {
        history.invoke(process, key, f, input, 0);
      }
      Status status;
      Object output = null;
      try {
        switch (f) {
          case "get" -> output = client.get(key).orElse(null);
          case "put" -> client.put(key, input);
          default -> client.append(key, input);
        }
        status = Status.OK;
        ok.incrementAndGet();
      } catch (KvException e) {
        status = e.definite() ? Status.FAIL : Status.INFO;
      }
      synchronized (history) {
        history.complete(process, status, f, output, 0);
      }
      if (status == Status.INFO) {
        // The op may still take effect: go on as a new process with a new session (Jepsen).
        process = tid + 1000L * ++incarnation;
        client.close();
        client = ShardKvClient.connect(cluster.configCenterAddresses(), options);
      }
    }
    client.close();
  }

  private static void awaitOk(AtomicLong ok, long n) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (ok.get() < n && System.nanoTime() < until) Thread.sleep(50);
    assertTrue(ok.get() >= n, "at least " + n + " client operations acknowledged (got " + ok.get() + ")");
  }

  /** The groups server {@code id} reports hosting on STATUS. */
  private List<String> hostedGroups(int id) {
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), options)) {
      return ReplicaStatuses.of(c.nodeStatus(cluster.config().server(id).address(), Duration.ofSeconds(2))).stream()
          .map(m -> m.get("group")).toList();
    } catch (KvException | RuntimeException e) {
      return List.of();
    }
  }

  private static Run ctl(String clusterAddrs, String... args) {
    List<String> all = new ArrayList<>(List.of("ctl", "--cluster", clusterAddrs));
    all.addAll(List.of(args));
    return InProcessCli.run(all.toArray(String[]::new));
  }
}
