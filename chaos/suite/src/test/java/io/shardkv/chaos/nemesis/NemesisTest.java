package io.shardkv.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.FakeTestbed;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.local.LoopbackTestbed;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each nemesis does what its op says on the testbed and records what it did in the completion. */
class NemesisTest {
  private static final List<String> HOSTS = List.of("n1", "n2", "n3", "n4", "n5");
  private final FakeTestbed bed = new FakeTestbed(HOSTS);
  private final List<String> log = new ArrayList<>();
  private final List<HttpServer> servers = new ArrayList<>();

  private NemesisContext ctx() {
    return new NemesisContext(bed, new ClusterStatus(bed.db(), Duration.ofMillis(500)), log::add, 1);
  }

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(0));
  }

  /** Serves {@code json} as host's /status (one server process on that host). */
  private void status(String host, String json) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    s.createContext("/status", ex -> {
      byte[] b = json.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    s.start();
    servers.add(s);
    bed.admin.get(host).add("127.0.0.1:" + s.getAddress().getPort());
  }

  private static String json(int node, int group, String role, String state, String snapshotPeers) {
    return "{\"node\":" + node + ",\"group\":" + group + ",\"role\":\"" + role + "\",\"term\":3,\"leader\":1,"
        + "\"snapshots_installed\":0,\"snapshot_peers\":" + snapshotPeers + ",\"state\":\"" + state + "\",\"pid\":42}";
  }

  @Test
  void aPartitionAppliesTheGrudgeOfItsShapeAndRecordsIt() {
    PartitionNemesis p = new PartitionNemesis(ctx());
    p.setup();
    Op done = p.invoke(Op.nemesis("start-partition", Edn.kw("halves")));
    assertEquals(List.of(Grudges.halves(HOSTS)), bed.grudges);
    assertEquals(PartitionNemesis.asEdn(Grudges.halves(HOSTS)), done.value());
    assertEquals(Edn.kw("halves"), done.extra().get("shape"));
    assertEquals(Op.Type.INFO, done.type());
    Op healed = p.invoke(Op.nemesis("stop-partition", null));
    assertEquals(Edn.kw("network-healed"), healed.value());
    assertEquals(List.of("all", "all"), bed.calls("heal"), "setup and stop-partition heal");
  }

  @Test
  void isolatingTheLeadersAsksTheClusterWhichHostsLead() throws Exception {
    status("n1", json(1, 0, "follower", "applied=3 config=2", "[]"));
    status("n2", json(2, 0, "leader", "applied=3 config=2", "[]"));
    status("n4", json(4, 1, "leader", "gid=1 applied=9 config=2 shards=SS", "[]"));
    Op done = new PartitionNemesis(ctx()).invoke(Op.nemesis("start-partition", Edn.kw("leaders")));
    assertEquals(Grudges.isolate(HOSTS, List.of("n2", "n4")), bed.grudges.get(0));
    assertEquals(null, done.extra().get("note"));
  }

  @Test
  void clockFaultsRecordTheOffsetsMeasuredAfterwards() {
    ClockNemesis c = new ClockNemesis(ctx());
    c.setup();
    Op done = c.invoke(Op.nemesis("bump-clock", Map.of("n2", 1500L, "n4", -250L)));
    assertEquals(List.of("n2 1500", "n4 -250"), bed.calls("bump"));
    assertEquals(Map.of("n1", 0L, "n2", 1500L, "n3", 0L, "n4", -250L, "n5", 0L), done.extra().get("clock-offsets"));
    c.invoke(Op.nemesis("strobe-clock", Map.of("n3", Edn.map("delta", 64L, "period", 8L, "duration", 1000L))));
    assertEquals(List.of("n3 64 8 1000"), bed.calls("strobe"));
    Op reset = c.invoke(Op.nemesis("reset-clock", HOSTS));
    assertEquals(0L, ((Map<?, ?>) reset.extra().get("clock-offsets")).get("n2"));
  }

  @Test
  void processFaultsHitTheHostsOfTheirSpecAtOnceAndSayWhichInTheCompletion() {
    ProcessNemesis p = new ProcessNemesis(ctx());
    Op done = p.invoke(Op.nemesis("kill", Edn.kw("majority")));
    List<String> killed = bed.calls("kill");
    assertEquals(3, killed.size());
    assertEquals(killed, done.extra().get("nodes"));
    killed.forEach(n -> assertEquals(Edn.kw("killed"), ((Map<?, ?>) done.value()).get(n)));
    p.invoke(Op.nemesis("start", Edn.kw("all")));
    assertEquals(HOSTS, bed.calls("start"));
    p.invoke(Op.nemesis("pause", Edn.kw("minority")));
    assertEquals(2, bed.calls("pause").size());
    p.invoke(Op.nemesis("resume", List.of("n5")));
    assertEquals(List.of("n5"), bed.calls("resume"));
  }

  @Test
  void aFailedFaultIsRecordedInItsCompletionNotThrown() {
    Nemesis n = Nemeses.nemesis(List.of("partition"), new NemesisContext(new FakeTestbed(HOSTS) {
      @Override
      public io.shardkv.chaos.net.Net net() {
        return new io.shardkv.chaos.net.Net() {
          @Override public void drop(Map<String, Set<String>> g) { throw new ChaosException("iptables: permission denied on n1"); }
          @Override public void heal() { }
        };
      }
    }, null, log::add, 1), 10);
    Op done = n.invoke(Op.nemesis("start-partition", Edn.kw("one")));
    assertTrue(done.error().contains("iptables: permission denied on n1"), done.toString());
    assertTrue(n.invoke(Op.nemesis("bump-clock", Map.of())).error().contains("no nemesis handles :bump-clock"));
  }

  @Test
  void theLocalTestbedRefusesPartitionsAndClockFaultsSayingWhatToUseInstead() {
    LoopbackTestbed local = new LoopbackTestbed(Path.of("/nonexistent"), 3, 1, false, 0, "");
    ChaosException e = assertThrows(ChaosException.class, () -> local.net().heal());
    assertTrue(e.getMessage().contains("cannot inject network partitions") && e.getMessage().contains("--lab"), e.getMessage());
    e = assertThrows(ChaosException.class, () -> local.clocks().reset(List.of("n1")));
    assertTrue(e.getMessage().contains("cannot inject clock faults"), e.getMessage());
    assertThrows(ChaosException.class, () -> new PartitionNemesis(new NemesisContext(local, null, log::add, 1)).setup());
  }

  @Test
  void triggersRecogniseElectionsMigrationsAndSnapshotTransfers() {
    ClusterStatus.Replica follower = new ClusterStatus.Replica("n1", "a", ClusterStatus.parseJson(json(4, 1, "follower", "gid=1 applied=9 config=3 shards=SSSS", "[]")));
    ClusterStatus.Replica candidate = new ClusterStatus.Replica("n2", "b", ClusterStatus.parseJson(json(5, 1, "candidate", "gid=1 applied=9 config=3 shards=SSSS", "[]")));
    ClusterStatus.Replica pulling = new ClusterStatus.Replica("n3", "c", ClusterStatus.parseJson(json(8, 2, "leader", "gid=2 applied=9 config=4 shards=-P-S", "[4]")));
    assertEquals(null, TriggerNemesis.match("election", List.of(follower, pulling)));
    assertEquals("n2", TriggerNemesis.match("election", List.of(follower, candidate))[0]);
    assertEquals(null, TriggerNemesis.match("migration", List.of(follower, candidate)));
    assertEquals("n3", TriggerNemesis.match("migration", List.of(follower, pulling))[0]);
    String[] snap = TriggerNemesis.match("snapshot", List.of(follower, pulling));
    assertEquals("n1", snap[0], "the receiving follower's host");
    assertTrue(snap[1].contains("sending its snapshot to node 4"), snap[1]);
  }

  @Test
  void aStrikeWaitsForTheStateThenHitsThatHost() throws Exception {
    status("n3", json(7, 1, "pre_candidate", "gid=1 applied=1 config=1 shards=S", "[]"));
    TriggerNemesis t = new TriggerNemesis(ctx(), 2000);
    Op done = t.invoke(Op.nemesis("strike", Edn.map("when", Edn.kw("election"), "fault", Edn.kw("pause"))));
    assertEquals(List.of("n3"), bed.calls("pause"));
    assertEquals("n3", ((Map<?, ?>) done.value()).get(Edn.kw("node")));
    Op none = new TriggerNemesis(ctx(), 100).invoke(Op.nemesis("strike", Edn.map("when", Edn.kw("snapshot"), "fault", Edn.kw("kill"))));
    assertEquals(null, ((Map<?, ?>) none.value()).get(Edn.kw("saw")));
    assertEquals(List.of(), bed.calls("kill"));
    t.invoke(Op.nemesis("recover", null));
    assertEquals(List.of("n3"), bed.calls("resume"));
    assertEquals(List.of("n3"), bed.calls("start"));
  }

  @Test
  void aServerHostingSeveralGroups_countsAsOneReplicaPerGroup_onItsHost() throws Exception {
    // docs/config.md: a server hosting several groups answers one object per hosted replica
    status("n2", "{\"node\":2,\"address\":\"10.0.0.2:7000\",\"groups\":[0,1,2],\"replicas\":["
        + json(2, 0, "follower", "applied=4 config=2", "[]").replace(",\"pid\":42}", "}") + ","
        + json(2, 1, "leader", "gid=1 applied=9 config=2 shards=SS", "[]").replace(",\"pid\":42}", "}") + ","
        + "{\"group\":2,\"starting\":true}],\"pid\":42}");
    status("n1", json(1, 0, "leader", "applied=4 config=2", "[]")); // a server hosting one replica answers its object, as before
    List<ClusterStatus.Replica> rs = new ClusterStatus(bed.db(), Duration.ofMillis(500)).poll();
    assertEquals(List.of("n1 node 1 group 0 leader", "n2 node 2 group 0 follower", "n2 node 2 group 1 leader"),
        rs.stream().map(r -> r.host() + " node " + r.node() + " group " + r.group() + " " + r.role()).sorted().toList(),
        "the replica still starting (no role yet) is left out");
    assertEquals(Set.of("n1", "n2"), ClusterStatus.leaderHosts(rs));
    assertEquals("n2", ClusterStatus.hostOf(rs, 2));

    Op done = new ProcessNemesis(ctx()).invoke(Op.nemesis("kill", Edn.kw("leaders")));
    assertEquals(List.of("n1", "n2"), bed.calls("kill"), "killing a leader's host kills its one process, all its replicas");
    assertEquals(List.of("n1", "n2"), done.extra().get("nodes"));
  }

  @Test
  void theAdminStatusJsonParses() {
    Map<String, Object> m = ClusterStatus.parseJson("{\"node\":4,\"group\":1,\"role\":\"leader\",\"term\":12,\"leader_address\":"
        + "\"127.0.0.1:7001\",\"snapshot_peers\":[5,6],\"ok\":true,\"x\":null,\"f\":-1.5e2,\"s\":\"a\\\"b\\u0041\"}");
    assertEquals(4L, m.get("node"));
    assertEquals(List.of(5L, 6L), m.get("snapshot_peers"));
    assertEquals(-150.0, m.get("f"));
    assertEquals("a\"bA", m.get("s"));
    assertTrue(m.containsKey("x"));
    assertThrows(IllegalArgumentException.class, () -> ClusterStatus.parseJson("{\"a\":}"));
  }

  @Test
  void nemesisListsParse() {
    assertEquals(List.of(), Nemeses.parse("none"));
    assertEquals(Nemeses.CLASSES, Nemeses.parse("all"));
    assertEquals(List.of("kill", "partition"), Nemeses.parse("kill, partition,kill"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Nemeses.parse("kill,flood"));
    assertTrue(e.getMessage().contains("unknown nemesis 'flood'"), e.getMessage());
  }

  @Test
  void powerIsNamedOnlyNeverPartOfAll() {
    assertEquals(List.of("kill", "power"), Nemeses.parse("kill,power"));
    assertFalse(Nemeses.parse("all").contains("power"), "all runs on testbeds without the power-loss file system too");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Nemeses.parse("flood"));
    assertTrue(e.getMessage().contains("power"), "the error lists power among the classes: " + e.getMessage());
  }

  @Test
  void powerLossFlipFlopsWithRestoringPowerAndTheFinalGeneratorRestoresIt() {
    List<String> fs = GeneratedOps.lines(Nemeses.generator(List.of("power"), 2, List.of("majority", "all"), HOSTS,
        io.shardkv.chaos.gen.Rng.of(3)), 6);
    io.shardkv.chaos.gen.Context ctx = io.shardkv.chaos.gen.Context.initial(1);
    for (int i = 0; i < fs.size(); i++) {
      assertTrue(i % 2 == 0 ? fs.get(i).equals("lose-power :majority") || fs.get(i).equals("lose-power :all")
          : fs.get(i).equals("restore-power :all"), fs.toString());
    }
    List<String> fin = new ArrayList<>();
    io.shardkv.chaos.gen.Generator f = Nemeses.finalGenerator(List.of("kill", "power"), HOSTS);
    for (var s = f.next(ctx); s.isOp(); s = s.rest().next(ctx)) {
      fin.add(s.op().f());
    }
    assertEquals(List.of("start", "restore-power"), fin);
  }

  @Test
  void aTestbedWithoutThePowerLossLayerRefusesItNeverFallingBackToAKill() {
    io.shardkv.chaos.db.Db plain = new io.shardkv.chaos.db.Db() {
      public List<String> nodes() { return HOSTS; }
      public void setup() {}
      public void teardown() {}
      public List<String> clusterAddresses() { return List.of(); }
      public Map<String, List<String>> adminAddresses() { return Map.of(); }
      public void kill(String node) { throw new AssertionError("a power loss must not become a plain kill"); }
      public void start(String node) {}
      public void pause(String node) {}
      public void resume(String node) {}
      public void collectLogs(java.nio.file.Path dir) {}
    };
    io.shardkv.chaos.ChaosException e = assertThrows(io.shardkv.chaos.ChaosException.class, plain::usePowerLoss);
    assertTrue(e.getMessage().contains("cannot simulate a power loss"), e.getMessage());
    assertThrows(io.shardkv.chaos.ChaosException.class, () -> plain.losePower("n1"));
  }

  @Test
  void theFinalGeneratorUndoesEveryFaultClass() {
    List<String> fs = new ArrayList<>();
    io.shardkv.chaos.gen.Generator g = Nemeses.finalGenerator(Nemeses.CLASSES, HOSTS);
    io.shardkv.chaos.gen.Context ctx = io.shardkv.chaos.gen.Context.initial(1);
    for (var s = g.next(ctx); s.isOp(); s = s.rest().next(ctx)) {
      fs.add(s.op().f() + (s.op().value() == null ? "" : " " + Edn.line(s.op().value())));
      assertTrue(s.op().isNemesis());
    }
    assertEquals(List.of("stop-partition", "reset-clock [\"n1\" \"n2\" \"n3\" \"n4\" \"n5\"]", "resume :all", "start :all",
        "join-group", "recover", "add-member :final"), fs);
  }

  @Test
  void everyClassRunsOnItsOwnScheduleAlternatingFaultAndRepair() {
    io.shardkv.chaos.gen.Generator g = Nemeses.generator(Nemeses.CLASSES, 2, Targets.SPECS, HOSTS, io.shardkv.chaos.gen.Rng.of(5));
    Map<String, String> undo = Map.of("start-partition", "stop-partition", "kill", "start", "pause", "resume",
        "bump-clock", "reset-clock", "strobe-clock", "reset-clock", "leave-group", "join-group", "move-shard", "join-group",
        "strike", "recover", "remove-member", "add-member", "replace-member", "add-member");
    Map<String, String> classOf = Map.of("start-partition", "p", "stop-partition", "p", "kill", "k", "start", "k",
        "pause", "s", "resume", "s", "bump-clock", "c", "strobe-clock", "c", "reset-clock", "c", "leave-group", "r");
    Map<String, String> last = new java.util.HashMap<>();
    io.shardkv.chaos.gen.Context ctx = io.shardkv.chaos.gen.Context.initial(1);
    long t = 0;
    int n = 0;
    while (n < 300) {
      var s = g.next(ctx.withTime(t));
      if (s.isPending() || (s.isOp() && s.op().time() > t)) {
        g = s.isPending() ? s.rest() : g;
        t += 10_000_000;
        continue;
      }
      assertTrue(s.isOp());
      g = s.rest();
      n++;
      String f = s.op().f();
      String cls = classOf.getOrDefault(f, f.equals("move-shard") || f.equals("join-group") ? "r" : f.endsWith("-member") ? "m" : "t");
      String prev = last.put(cls, f);
      if (undo.containsKey(f)) {
        assertTrue(prev == null || !undo.containsKey(prev), "two faults of class " + cls + " in a row: " + prev + ", " + f);
      } else {
        assertNotNull(prev, "a repair before any fault: " + f);
        assertFalse(!undo.containsKey(prev), "two repairs in a row: " + prev + ", " + f);
      }
    }
    assertEquals(Set.of("p", "k", "s", "c", "r", "t", "m"), last.keySet(), "every class had ops");
  }
}
