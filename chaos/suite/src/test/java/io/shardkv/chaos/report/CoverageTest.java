package io.shardkv.chaos.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.nemesis.ClusterStatus;
import io.shardkv.chaos.nemesis.ClusterStatus.Replica;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fault coverage: which cluster states the observer sees in /status, and which faults struck during which. */
class CoverageTest {
  private static final long S = 1_000_000_000L;

  private static Replica replica(String host, int node, int group, String role, long term, String state, String more) {
    String json = "{\"node\":" + node + ",\"group\":" + group + ",\"role\":\"" + role + "\",\"term\":" + term
        + ",\"state\":\"" + state + "\"" + more + "}";
    return new Replica(host, host + ":800" + node, ClusterStatus.parseJson(json));
  }

  @Test
  void theObserverReadsElectionsMigrationsSnapshotsAndConfigChangesFromStatus() {
    List<Replica> before = List.of(
        replica("n1", 1, 0, "leader", 3, "applied=10 config=2", ""),
        replica("n2", 4, 1, "leader", 5, "gid=1 applied=80 config=2 shards=SSSS", ",\"snapshots_installed\":0"),
        replica("n3", 7, 1, "follower", 5, "gid=1 applied=80 config=2 shards=SSSS", ",\"snapshots_installed\":0"));
    assertEquals(Map.of(), ClusterStateObserver.states(ClusterStateObserver.byReplica(before), before), "a quiet cluster");

    List<Replica> after = List.of(
        replica("n1", 1, 0, "leader", 3, "applied=12 config=3", ""),
        replica("n2", 4, 1, "leader", 6, "gid=1 applied=90 config=2 shards=SSPB", ",\"snapshot_peers\":[7]"),
        replica("n3", 7, 1, "candidate", 6, "gid=1 applied=80 config=2 shards=SSSS", ",\"snapshots_installed\":1"));
    Map<String, Set<String>> s = ClusterStateObserver.states(ClusterStateObserver.byReplica(before), after);
    assertEquals(Set.of("~n2", "n3"), s.get("election"), "a candidate, and a term that rose since the last poll");
    assertEquals(Set.of("n2"), s.get("migration"), "P and B in the shard map");
    assertEquals(Set.of("n3", "~n3"), s.get("snapshot"), "the leader ships to node 7 on n3, which installed one");
    assertEquals(Set.of("~n1", "n2"), s.get("config-change"), "the config center moved to 3; group 1's leader is still at 2");
  }

  @Test
  void onAServerHostingSeveralGroups_eachReplicaIsComparedWithItsOwnPreviousStatus() {
    // one process per host: server 1's replicas of groups 0, 1 and 2 all report node 1
    List<Replica> before = List.of(
        replica("n1", 1, 0, "follower", 3, "applied=10 config=2", ""),
        replica("n1", 1, 1, "leader", 9, "gid=1 applied=80 config=2 shards=SS", ""),
        replica("n1", 1, 2, "leader", 7, "gid=2 applied=80 config=2 shards=SS", ""));
    assertEquals(Map.of(), ClusterStateObserver.states(ClusterStateObserver.byReplica(before), before), "a quiet cluster");
    List<Replica> after = List.of(
        replica("n1", 1, 0, "follower", 4, "applied=10 config=2", ""),
        replica("n1", 1, 1, "leader", 9, "gid=1 applied=80 config=2 shards=SS", ""),
        replica("n1", 1, 2, "leader", 7, "gid=2 applied=80 config=2 shards=SS", ""));
    assertEquals(Map.of("election", Set.of("~n1")), ClusterStateObserver.states(ClusterStateObserver.byReplica(before), after),
        "the config center's term rose 3 -> 4 (not compared with group 1's or 2's term)");
  }

  @Test
  void aFaultWindowCoversTheStatesSeenDuringItAndTheRestShowsNever() {
    List<Op> h = new ArrayList<>();
    nemesis(h, "start-partition", Edn.kw("halves"), 10 * S, 11 * S, List.of());
    nemesis(h, "stop-partition", null, 20 * S, 21 * S,
        List.of(seen("election", 12 * S, 13 * S), seen("migration", 30 * S, 31 * S)));
    nemesis(h, "kill", Edn.kw("one"), 40 * S, 41 * S, List.of());
    nemesis(h, "start", Edn.kw("all"), 50 * S, 51 * S, List.of(seen("migration", 30 * S, 31 * S)));
    nemesis(h, "strike", Edn.map("when", Edn.kw("snapshot"), "fault", Edn.kw("kill")), 60 * S, 61 * S, List.of());
    h.set(h.size() - 1, h.get(h.size() - 1).withValue(Edn.map("when", Edn.kw("snapshot"), "fault", Edn.kw("kill"),
        "node", "n2", "saw", "n1 sending its snapshot to node 5")));
    nemesis(h, "recover", null, 62 * S, 63 * S, List.of());
    Coverage c = Coverage.of(h);
    assertTrue(c.observed());
    Map<String, Coverage.Row> rows = new java.util.HashMap<>();
    c.rows().forEach(r -> rows.put(r.kind() + " " + r.variant(), r));
    // columns: election, migration, snapshot, config-change
    assertArrayEquals(new int[] {1, 0, 0, 0}, rows.get("partition halves").covered());
    assertEquals(1, rows.get("partition halves").windows());
    assertArrayEquals(new int[] {0, 0, 0, 0}, rows.get("kill one").covered(), "the migration at 30 s was before the kill");
    assertArrayEquals(new int[] {0, 0, 1, 0}, rows.get("strike snapshot/kill").covered(), "a strike that saw its state");
    assertArrayEquals(new int[] {0, 2, 0, 0}, rows.get("none ").covered(), "the migration seen twice while no fault was active");
  }

  @Test
  void aHistoryWithoutObservationsSaysSo() {
    List<Op> h = new ArrayList<>();
    nemesis(h, "kill", Edn.kw("one"), S, 2 * S, List.of());
    assertFalse(Coverage.of(h).observed());
  }

  private static Object seen(String state, long from, long to) {
    return Edn.map("state", Edn.kw(state), "from", from, "to", to, "hosts", List.of("n1"));
  }

  private static void nemesis(List<Op> h, String f, Object value, long from, long to, List<Object> states) {
    h.add(new Op(Op.Type.INFO, Op.NEMESIS, f, value, from, h.size(), Map.of()));
    h.add(new Op(Op.Type.INFO, Op.NEMESIS, f, value, to, h.size(), states.isEmpty() ? Map.of() : Map.of("cluster-states", states)));
  }
}
