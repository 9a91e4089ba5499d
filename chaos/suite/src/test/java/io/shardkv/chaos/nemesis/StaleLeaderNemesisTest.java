package io.shardkv.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.shardkv.chaos.FakeTestbed;
import io.shardkv.chaos.gen.Context;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.gen.Rng;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code stale-leader}: a shard-group leader's host gets its clock stepped back, then is cut off from
 * the other hosts (not from the clients); the undo heals and resets every clock.
 */
class StaleLeaderNemesisTest {
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

  private void status(String host, int node, int group, String role) throws Exception {
    String json = "{\"node\":" + node + ",\"group\":" + group + ",\"role\":\"" + role + "\",\"term\":3,\"leader\":1,"
        + "\"snapshots_installed\":0,\"snapshot_peers\":[],\"state\":\"gid=" + group + " applied=9\",\"pid\":42}";
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

  private static ClusterStatus.Replica replica(String host, int group, String role) {
    return new ClusterStatus.Replica(host, "a", Map.of("node", 1L, "group", (long) group, "role", role));
  }

  @Test
  void onlyShardGroupLeadersCountTheConfigCenterAndFollowersDoNot() {
    var leaders = StaleLeaderNemesis.shardLeaders(List.of(replica("n1", 0, "leader"), replica("n2", 1, "follower"),
        replica("n3", 1, "leader"), replica("n3", 2, "leader"), replica("n4", 2, "candidate")));
    assertEquals(new TreeMap<>(Map.of("n3", new TreeSet<>(List.of(1, 2)))), leaders);
    assertNull(StaleLeaderNemesis.choose(new TreeMap<>(), new Random(1)), "no leader: nothing to strand");
    TreeMap<String, SortedSet<Integer>> two = new TreeMap<>(Map.of("n2", new TreeSet<>(List.of(1)), "n5", new TreeSet<>(List.of(2))));
    for (int seed = 0; seed < 20; seed++) {
      assertTrue(two.containsKey(StaleLeaderNemesis.choose(two, new Random(seed))));
    }
  }

  @Test
  void strandingStepsTheLeadersClockBackFirstThenCutsItOffFromTheOtherHostsOnly() throws Exception {
    status("n1", 1, 0, "leader");
    status("n2", 2, 1, "follower");
    status("n4", 4, 1, "leader");
    StaleLeaderNemesis n = new StaleLeaderNemesis(ctx());
    n.setup();
    bed.calls.clear();
    Op done = n.invoke(Op.nemesis("strand-leader", Edn.map("clock-ms", -30_000L)));
    assertEquals(List.of("bump n4 -30000", "drop " + Grudges.isolate(HOSTS, List.of("n4"))), bed.calls,
        "the clock stands still before the partition begins, so the lease has not run out when it does");
    Map<?, ?> v = (Map<?, ?>) done.value();
    assertEquals("n4", v.get(Edn.kw("host")));
    assertEquals(List.of(1), v.get(Edn.kw("groups")));
    assertEquals(-30_000L, v.get(Edn.kw("clock-ms")));
    assertEquals(PartitionNemesis.asEdn(Grudges.isolate(HOSTS, List.of("n4"))), v.get(Edn.kw("grudge")));
    bed.calls.clear();
    Op back = n.invoke(Op.nemesis("rejoin-leader", null));
    assertEquals(List.of("heal all", "reset " + new TreeSet<>(HOSTS)), bed.calls);
    assertEquals("n4", ((Map<?, ?>) back.value()).get(Edn.kw("host")));
  }

  @Test
  void withNoShardGroupLeaderInSightNothingIsDoneAndTheCompletionSaysSo() throws Exception {
    status("n1", 1, 0, "leader");
    StaleLeaderNemesis n = new StaleLeaderNemesis(ctx());
    Op done = n.invoke(Op.nemesis("strand-leader", null));
    assertEquals(Edn.map("saw", null), done.value(), done.toString());
    assertEquals(List.of(), bed.calls);
  }

  @Test
  void theClassMustBeNamedAlternatesStrandAndRejoinAndTheFinalGeneratorRejoins() {
    assertEquals(List.of("stale-leader"), Nemeses.parse("stale-leader"));
    assertFalse(Nemeses.parse("all").contains("stale-leader"), "not part of all");
    assertTrue(Nemeses.KNOWN.indexOf("stale-leader") > Nemeses.KNOWN.indexOf("power-strike"),
        "appended after the classes before it: they keep their random streams");
    assertEquals(StaleLeaderNemesis.CLOCK_MS, StaleLeaderNemesis.clockMs(null));
    assertEquals(-5L, StaleLeaderNemesis.clockMs(Edn.map("clock-ms", -5L)));
    assertTrue(StaleLeaderNemesis.CLOCK_MS < 0, "backwards: the stranded host's timers stand still");
    Nemesis composed = Nemeses.nemesis(List.of("stale-leader"), ctx(), 5);
    assertEquals(java.util.Set.of("strand-leader", "rejoin-leader"), composed.fs());
    Context gctx = Context.initial(1);
    List<String> fin = new ArrayList<>();
    Generator f = Nemeses.finalGenerator(List.of("stale-leader"), HOSTS);
    for (var s = f.next(gctx); s.isOp(); s = s.rest().next(gctx)) {
      fin.add(s.op().f() + " " + Edn.line(s.op().value()));
    }
    assertEquals(List.of("rejoin-leader :all"), fin);
    List<String> fs = new ArrayList<>();
    Generator g = Nemeses.flipFlop("stale-leader", List.of("all"), HOSTS, Rng.of(3));
    for (int i = 0; i < 4; i++) {
      var s = g.next(gctx);
      fs.add(s.op().f() + " " + Edn.line(s.op().value()));
      g = s.rest();
    }
    assertEquals(List.of("strand-leader {:clock-ms -60000}", "rejoin-leader nil", "strand-leader {:clock-ms -60000}",
        "rejoin-leader nil"), fs);
  }
}
