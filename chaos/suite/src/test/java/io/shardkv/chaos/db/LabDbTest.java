package io.shardkv.chaos.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.Testbed;
import io.shardkv.chaos.TestbedOptions;
import io.shardkv.chaos.Testbeds;
import io.shardkv.chaos.clock.FakeClocks;
import io.shardkv.chaos.control.LocalCommand;
import io.shardkv.chaos.lab.Lab;
import io.shardkv.chaos.lab.LabFixture;
import io.shardkv.chaos.lab.Procs;
import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ShardKV deployed on a 3-host lab through the testbed factory, as production runs it: one server
 * process per host, hosting that host's replica of every group; it serves; kill -9 and restart,
 * pause and resume of one host act by pid file on exactly that host's process; a pid file naming
 * someone else's process is not ours; a running server sees its host's fake clock (wall and
 * monotonic); logs are collected; teardown leaves no server. One cluster, tests in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabDbTest {
  static final Path RUN = Path.of("target", "lab-db-run").toAbsolutePath();
  static Testbed bed;
  static ShardKvDb db;
  static long setupMs;

  @BeforeAll
  static void start() throws IOException {
    LabFixture.assumeLabPossible();
    deleteTree(RUN);
    long t0 = System.nanoTime();
    bed = Testbeds.lab(LabFixture.DIR, 3, TestbedOptions.defaults(RUN), s -> { });
    long t1 = System.nanoTime();
    db = (ShardKvDb) bed.db();
    db.setup();
    setupMs = (System.nanoTime() - t1) / 1_000_000;
    System.out.printf("LabDbTest: lab up + SSH in %d ms, Db setup (%d servers hosting %d replicas) in %d ms, load %s%n",
        (t1 - t0) / 1_000_000, db.topology().servers().size(), db.topology().replicaCount(), setupMs,
        Files.readString(Path.of("/proc/loadavg")).strip());
  }

  @AfterAll
  static void cleanUp() {
    try {
      if (db != null) db.teardown();
    } finally {
      if (bed != null) bed.close();
      LabFixture.down();
    }
  }

  private static ShardKvClient client() {
    return ShardKvClient.connect(db.clusterAddresses(), ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(60)));
  }

  private static void putGet(String key, String value) throws KvException {
    try (ShardKvClient c = client()) {
      c.put(key, value);
      assertEquals(Optional.of(value), c.get(key));
    }
  }

  private static List<Long> pids(String node) {
    return db.status(node).stream().map(ShardKvDb.ServerState::pid).toList();
  }

  private static List<String> states(String node) {
    return db.status(node).stream().map(ShardKvDb.ServerState::state).toList();
  }

  private static Path home(String node) {
    return LabFixture.DIR.resolve(node).resolve("shardkv");
  }

  @Test
  @Order(1)
  void setup_startsOneServerPerHostUnderItsPidFile_hostingEveryGroup_andTheClusterServes() throws Exception {
    for (String n : db.nodes()) {
      assertEquals(List.of("running"), states(n), n);
      for (ShardKvDb.ServerState s : db.status(n)) {
        assertEquals(Long.toString(s.pid()), Files.readString(home(n).resolve("run/node-" + s.id() + ".pid")).strip());
        assertTrue(Procs.alive(s.pid()));
        assertEquals("skvlab-" + n, LocalCommand.ok("ip", "netns", "identify", Long.toString(s.pid())).strip(),
            "server " + s.id() + " runs inside its host's namespace");
        Topology.Server server = db.topology().server(s.id());
        List<Map<String, Object>> replicas = ClusterHealth.replicas(server);
        assertEquals(List.of(0L, 1L, 2L), replicas.stream().map(r -> r.get("group")).toList(), "one process hosts every group");
        assertEquals(Long.toString(s.pid()), ClusterHealth.status(server).orElseThrow().replaceAll("(?s).*\"pid\":(\\d+).*", "$1").strip(),
            "the process answering " + server.adminAddress() + " is the pid file's");
      }
    }
    List<Long> all = new ArrayList<>();
    for (String n : db.nodes()) all.addAll(pids(n));
    assertEquals(3, all.size());
    assertEquals(new java.util.TreeSet<>(all), new java.util.TreeSet<>(liveServersUnder(LabFixture.DIR)),
        "the lab runs exactly the pid files' three server processes: one per host, not one per replica");
    assertEquals(List.of("198.19.0.1:7000", "198.19.0.2:7000", "198.19.0.3:7000"), db.clusterAddresses());
    assertEquals(Map.of("n1", List.of("198.19.0.1:8000"), "n2", List.of("198.19.0.2:8000"), "n3", List.of("198.19.0.3:8000")),
        db.adminAddresses());
    assertEquals(List.of(0, 1, 2), new ArrayList<>(ClusterHealth.leaders(db.topology()).keySet()), "every group has a leader");
    putGet("k1", "v1");
  }

  @Test
  @Order(2)
  void kill_stopsExactlyThatHostsServer_andStartBringsItBackOnItsData() throws Exception {
    putGet("before-kill", "x");
    List<Long> n2 = pids("n2");
    List<Long> others = new ArrayList<>(pids("n1"));
    others.addAll(pids("n3"));

    db.kill("n2");
    assertEquals(List.of("stopped"), states("n2"));
    for (long p : n2) assertFalse(Procs.alive(p), "server " + p + " is dead (gone or a zombie)");
    for (long p : others) assertTrue(Procs.alive(p), "servers of other hosts live on");
    assertFalse(Files.exists(home("n2").resolve("run/node-2.pid")), "the pid file goes with the process");
    putGet("during-kill", "y"); // two replicas of every group remain

    db.kill("n2"); // idempotent
    db.start("n2");
    assertEquals(List.of("running"), states("n2"));
    for (long p : pids("n2")) assertFalse(n2.contains(p), "a new process");
    db.start("n2"); // running servers are left alone
    try (ShardKvClient c = client()) {
      assertEquals(Optional.of("x"), c.get("before-kill"));
      assertEquals(Optional.of("y"), c.get("during-kill"));
    }
  }

  @Test
  @Order(3)
  void pause_stopsTheProcessWithoutKillingIt_andResumeContinuesIt() throws Exception {
    List<Long> n3 = pids("n3");
    db.pause("n3");
    assertEquals(List.of("paused"), states("n3"));
    for (long p : n3) assertEquals('T', Procs.state(p), "SIGSTOP: state T");
    putGet("during-pause", "z");

    db.resume("n3");
    assertEquals(List.of("running"), states("n3"));
    assertEquals(n3, pids("n3"), "the same process continues");
    for (long p : n3) assertNotEquals('T', Procs.state(p));
    putGet("after-pause", "w");
  }

  @Test
  @Order(4)
  void aPidFileNamingAnotherProcess_orAZombie_isNotOurs_andIsNeverSignalled() throws Exception {
    db.kill("n3");
    Path run = home("n3").resolve("run");
    // a live stranger (not a ShardKV server) and a zombie (a child its parent never reaps)
    Process stranger = new ProcessBuilder("sleep", "300").start();
    Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 300").start();
    long zombie = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine().strip());
    try {
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (Procs.state(zombie) != 'Z' && System.nanoTime() < until) Thread.sleep(20);
      assertEquals('Z', Procs.state(zombie));
      Files.writeString(run.resolve("node-3.pid"), stranger.pid() + "\n");
      assertEquals(List.of("stopped"), states("n3"));
      db.pause("n3");
      db.kill("n3");
      assertTrue(stranger.isAlive(), "kill by pid file never signals a process that is not our server");
      assertEquals('S', Procs.state(stranger.pid()), "nor stops it");

      Files.writeString(run.resolve("node-3.pid"), zombie + "\n");
      assertEquals(List.of("stopped"), states("n3"), "a zombie is dead");
      db.pause("n3");
      db.kill("n3");

      Files.writeString(run.resolve("node-3.pid"), stranger.pid() + "\n");
      db.start("n3");
      assertEquals(List.of("running"), states("n3"));
      assertFalse(pids("n3").contains(stranger.pid()));
      putGet("after-strangers", "s");
    } finally {
      stranger.destroyForcibly();
      parent.destroyForcibly();
    }
  }

  @Test
  @Order(5)
  void runningServers_runUnderTheirHostsFakeClock() throws Exception {
    FakeClocks clocks = (FakeClocks) bed.clocks();
    for (String n : db.nodes()) {
      Map<String, String> env = clocks.environment(n);
      for (long p : pids(n)) {
        String environ = new String(Files.readAllBytes(Path.of("/proc/" + p + "/environ"))).replace('\0', '\n');
        assertTrue(environ.contains("\nLD_PRELOAD=" + env.get("LD_PRELOAD") + "\n") || environ.startsWith("LD_PRELOAD="), n);
        assertTrue(environ.contains("FAKETIME_TIMESTAMP_FILE=" + LabFixture.DIR.resolve(n).resolve("faketime") + "\n"), n);
        assertTrue(Files.readString(Path.of("/proc/" + p + "/maps")).contains(env.get("LD_PRELOAD")), "libfaketime is loaded");
      }
    }
  }

  @Test
  @Order(6)
  void aRunningServer_seesItsHostsWallClockMove() throws Exception {
    // server 1 on n1: started before the bump; it logs "serving" then, and "shutting down" on SIGTERM
    Path log = home("n1").resolve("logs/node-1.log");
    long pid = db.status("n1").stream().filter(s -> s.id() == 1).findFirst().orElseThrow().pid();
    LocalDateTime serving = stamp(log, "serving");
    bed.clocks().bump("n1", 3_600_000);
    try {
      LocalCommand.ok("kill", "-TERM", Long.toString(pid));
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (Procs.alive(pid) && System.nanoTime() < until) Thread.sleep(50);
      // between its two log lines the server's clock advanced the real time since "serving" plus the hour
      long seen = ChronoUnit.MILLIS.between(serving, stamp(log, "shutting down"));
      long realSinceServing = serving.until(LocalDateTime.now(), ChronoUnit.MILLIS);
      assertTrue(seen >= 3_600_000 && seen <= 3_600_000 + realSinceServing + 5_000,
          "the server's own clock moved an hour ahead: " + seen + " ms between its log lines, " + realSinceServing + " ms real");
    } finally {
      bed.clocks().reset(db.nodes());
      db.kill("n1"); // its monotonic clock stepped back an hour: timers would wait that long; start afresh
      db.start("n1");
    }
    putGet("after-wall-skew", "h");
  }

  @Test
  @Order(7)
  void aRunningServer_seesItsHostsMonotonicClockMove() throws Exception {
    // A leader whose monotonic clock steps back 30 s stops ticking (its timers now lie 30 s ahead):
    // with no client traffic it sends no heartbeats, so its group elects a leader elsewhere. Shard
    // group 1, not the config center: the shard groups' leaders keep querying the config center,
    // and a leader confirming reads (ReadIndex, §6.4) sends heartbeats without any timer.
    awaitLeaders();
    int leader = ClusterHealth.leaders(db.topology()).get(1);
    String host = db.topology().server(leader).node();
    bed.clocks().bump(host, -30_000);
    try {
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      Integer now = leader;
      while (System.nanoTime() < until) {
        now = ClusterHealth.leaders(db.topology()).get(1);
        if (now != null && now != leader) break;
        Thread.sleep(100);
      }
      assertTrue(now != null && now != leader, "group 1's leadership left node " + leader + " on " + host + " (now " + now + ")");
    } finally {
      bed.clocks().reset(db.nodes());
    }
    awaitLeaders();
    putGet("after-mono-skew", "m");
  }

  @Test
  @Order(8)
  void collectLogs_copiesEveryServersLogIntoTheRunDirectory() {
    Path logs = RUN.resolve("logs");
    db.collectLogs(logs);
    for (Topology.Server s : db.topology().servers()) {
      Path dir = logs.resolve(s.node());
      assertTrue(Files.isRegularFile(dir.resolve("node-" + s.id() + ".log")), dir + " has node-" + s.id() + ".log");
      assertTrue(Files.isRegularFile(dir.resolve("node-" + s.id() + ".out")), dir + " has node-" + s.id() + ".out");
    }
    assertTrue(Files.isRegularFile(logs.resolve("n1/cluster.conf")));
  }

  @Test
  @Order(9)
  void teardown_leavesNoServerRunning() throws Exception {
    List<Long> all = new ArrayList<>();
    for (String n : db.nodes()) all.addAll(pids(n));
    db.teardown();
    for (long p : all) assertFalse(Procs.alive(p), "server " + p);
    assertEquals(List.of(), liveServersUnder(LabFixture.DIR), "no ShardKV server of the lab anywhere on this machine");
    for (String n : db.nodes()) assertEquals(List.of("stopped"), states(n));
    db.teardown(); // idempotent
  }

  @Test
  @Order(10)
  void aClusterThatCannotStart_failsSetup_namingTheServersAndTheirLastWords() {
    // port 22 is the host's sshd: the config-center and shard-group servers cannot bind it
    TestbedOptions o = TestbedOptions.defaults(RUN.resolve("bad")).withShape(new Topology.Shape(1, 1, 1, 22, 8000))
        .withSetupTimeout(Duration.ofSeconds(60));
    try (Testbed bad = Testbeds.lab(LabFixture.DIR, 3, o, s -> { })) {
      ChaosException e = assertThrows(ChaosException.class, () -> bad.db().setup());
      assertTrue(e.getMessage().startsWith("the cluster did not come up: server 1 on n1 (groups [0]) is not running; its output"
          + " ends:"), e.getMessage());
      assertTrue(e.getMessage().contains("server 2 on n2 (groups [1]) is not running"), e.getMessage());
      assertTrue(e.getMessage().contains("shardkv server: node 1 could not start"), e.getMessage());
      bad.db().teardown();
    }
  }

  private static void awaitLeaders() throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ClusterHealth.leaders(db.topology()).size() < 3 && System.nanoTime() < until) Thread.sleep(200);
    Map<Integer, Integer> leaders = ClusterHealth.leaders(db.topology());
    if (leaders.size() < 3) { // say what each server reports, so that a failure in CI can be read
      StringBuilder b = new StringBuilder();
      for (Topology.Server s : db.topology().servers()) {
        b.append("\n  server ").append(s.id()).append(" on ").append(s.node()).append(": ")
            .append(ClusterHealth.status(s).orElse("(admin port does not answer)"));
      }
      assertEquals(3, leaders.size(), "every group has a leader again; leaders " + leaders + ", servers:" + b);
    }
  }

  /** Live processes whose command line names a server config under {@code dir}. */
  static List<Long> liveServersUnder(Path dir) throws IOException {
    List<Long> l = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        long pid = Long.parseLong(name);
        String cmd = Procs.cmdline(pid);
        if (cmd.contains(ServerDistribution.MAIN_CLASS) && cmd.contains(dir.toString()) && Procs.alive(pid)) l.add(pid);
      }
    }
    return l;
  }

  /** The timestamp of the last line of {@code log} containing {@code text}. */
  private static LocalDateTime stamp(Path log, String text) throws IOException {
    String line = Files.readAllLines(log).stream().filter(l -> l.contains(text)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(log + " has no line with '" + text + "'"));
    return LocalDateTime.parse(line.substring(0, 23));
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
    }
  }

  static Lab lab() {
    return Lab.at(LabFixture.DIR);
  }
}
