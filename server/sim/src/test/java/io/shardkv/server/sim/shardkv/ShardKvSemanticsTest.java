package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.kv.KvOp;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** 6.824 shardkv semantics and the seed's migration tests, on the simulated cluster. */
class ShardKvSemanticsTest {

  private static TreeMap<String, String> putKeys(ClusterFixture.Client c, int n) {
    TreeMap<String, String> expected = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      c.put("key" + i, "v" + i);
      expected.put("key" + i, "v" + i);
    }
    return expected;
  }

  private static void checkAll(ClusterFixture.Client c, TreeMap<String, String> expected) {
    for (var e : expected.entrySet()) assertEquals(e.getValue(), c.get(e.getKey()), "value of " + e.getKey());
  }

  @Test
  void staticShardsADeadGroupMakesExactlyItsKeysUnavailable() {
    ClusterFixture f = new ClusterFixture(11, 2, 3, 10, 0);
    f.join(1, 2);
    ClusterFixture.Client c = f.client();
    TreeMap<String, String> expected = putKeys(c, 20);
    ShardConfig cfg = c.query(-1);
    f.crashGroup(2);
    int unavailable = 0;
    for (var e : expected.entrySet()) {
      int owner = cfg.ownerOf(cfg.shardOfKey(e.getKey()));
      CallOutcome o = c.op(new KvOp.Get(e.getKey()));
      if (owner == 1) {
        assertEquals(CallOutcome.Kind.COMPLETED, o.kind(), "key of the live group " + e.getKey());
      } else {
        assertEquals(CallOutcome.Kind.FAILED, o.kind(), "a read of the dead group's key " + e.getKey());
        if (unavailable == 0) {
          // A write that reached no one who answered may still sit in a log: indefinite, not failed.
          assertEquals(CallOutcome.Kind.INDEFINITE, c.op(new KvOp.Put(e.getKey(), "maybe")).kind());
        }
        unavailable++;
      }
    }
    assertTrue(unavailable > 0 && unavailable < expected.size(), "both groups own keys: " + unavailable);
    f.restartGroup(2);
    for (var e : expected.entrySet()) {
      String v = c.get(e.getKey());
      assertTrue(e.getValue().equals(v) || "maybe".equals(v), "value of " + e.getKey() + ": " + v);
    }
  }

  @Test
  void joinAndLeaveMoveShardsWithoutLosingOrDuplicatingWrites() {
    ClusterFixture f = new ClusterFixture(12, 3, 3, 10, 0);
    f.join(1);
    ClusterFixture.Client c = f.client();
    TreeMap<String, String> expected = putKeys(c, 20);
    f.join(2);
    for (int i = 0; i < 20; i++) {
      c.append("key" + i, "+a");
      expected.merge("key" + i, "+a", String::concat);
    }
    f.join(3);
    f.leave(1);
    for (int i = 0; i < 20; i += 2) {
      c.append("key" + i, "+b");
      expected.merge("key" + i, "+b", String::concat);
    }
    checkAll(c, expected);
    f.leave(2);
    checkAll(c, expected);
  }

  @Test
  void snapshotRestartOfEveryServerKeepsEveryAcknowledgedWrite() {
    ClusterFixture f = new ClusterFixture(13, 3, 3, 10, 512);
    f.join(1, 2);
    ClusterFixture.Client c = f.client();
    TreeMap<String, String> expected = putKeys(c, 30);
    f.join(3);
    for (int i = 0; i < 30; i++) {
      c.append("key" + i, "x" + i);
      expected.merge("key" + i, "x" + i, String::concat);
    }
    long snapshots = 0;
    for (int n = 0; n < f.world.servers(); n++) snapshots += f.world.node(n).replica().snapshotsTaken();
    assertTrue(snapshots > 0, "replicas took snapshots");
    f.crashAll();
    f.runFor(500);
    f.restartAll();
    checkAll(f.client(), expected);
  }

  @Test
  void missedConfigChangesAreAppliedInOrderAfterRestart() {
    ClusterFixture f = new ClusterFixture(14, 3, 3, 10, 1024);
    f.join(1, 2, 3);
    ClusterFixture.Client c = f.client();
    TreeMap<String, String> expected = putKeys(c, 20);
    // One server of every group misses several configurations.
    int[] down = {f.world.members(1).get(0), f.world.members(2).get(1), f.world.members(3).get(2)};
    for (int n : down) f.world.host().crash(n);
    f.leave(1);
    f.join(1);
    f.leave(2);
    for (int i = 0; i < 20; i++) {
      c.append("key" + i, "m");
      expected.merge("key" + i, "m", String::concat);
    }
    for (int n : down) f.world.host().restart(n);
    int latest = c.query(-1).num();
    assertTrue(f.settle(latest, 20_000), "groups settle at config " + latest);
    f.runFor(2_000);
    for (int n : down) {
      assertEquals(latest, f.world.node(n).shardStateMachine().currentConfig().num(),
          "n" + n + " caught up with the configurations it missed");
    }
    checkAll(c, expected);
  }

  @Test
  void challenge1GroupsDeleteShardsTheyNoLongerOwnSoStorageStaysBounded() {
    ClusterFixture f = new ClusterFixture(15, 3, 3, 10, 0);
    f.join(1);
    ClusterFixture.Client c = f.client();
    TreeMap<String, String> expected = putKeys(c, 30);
    f.join(2, 3);
    f.leave(1);
    int latest = c.query(-1).num();
    assertTrue(f.settle(latest, 20_000), "groups settle at config " + latest);
    f.runFor(500);
    assertEquals(0, f.world.leaderOf(1).shardStateMachine().storedKeyCount(), "the departed group holds nothing");
    assertEquals(0, f.world.leaderOf(1).shardStateMachine().heldShardCount(), "the departed group holds no shard");
    assertEquals(expected.size(), f.storedKeysOnLeaders(), "every key stored exactly once across groups");
    checkAll(c, expected);
  }

  @Test
  void challenge2UnaffectedShardsKeepServingWhileOtherShardsCannotMove() {
    ClusterFixture f = new ClusterFixture(16, 2, 3, 10, 0);
    f.join(1);
    ClusterFixture.Client c = f.client();
    TreeMap<String, String> expected = putKeys(c, 20);
    f.crashGroup(2); // the receiver of the shards that will move is dead
    f.join(2);
    ShardConfig cfg = c.query(-1);
    f.runFor(1_000);
    int served = 0;
    for (var e : expected.entrySet()) {
      if (cfg.ownerOf(cfg.shardOfKey(e.getKey())) == 1) {
        c.append(e.getKey(), "u"); // writes too, not only reads
        expected.merge(e.getKey(), "u", String::concat);
        assertEquals(expected.get(e.getKey()), c.get(e.getKey()));
        served++;
      }
    }
    assertTrue(served > 0, "some keys stay with group 1");
    f.restartGroup(2);
    checkAll(c, expected);
  }

  @Test
  void challenge2PartialMigrationServesEachShardAsSoonAsItsDataArrives() {
    ClusterFixture f = new ClusterFixture(17, 3, 3, 12, 0);
    f.join(1, 2);
    ClusterFixture.Client c = f.client();
    TreeMap<String, String> expected = putKeys(c, 30);
    ShardConfig before = c.query(-1);
    f.crashGroup(2); // shards group 3 must take from group 2 cannot arrive
    f.join(3);
    ShardConfig after = c.query(-1);
    f.runFor(1_500);
    int fromLiveGroup = 0;
    for (var e : expected.entrySet()) {
      int s = after.shardOfKey(e.getKey());
      if (after.ownerOf(s) == 3 && before.ownerOf(s) == 1) {
        assertEquals(e.getValue(), c.get(e.getKey()), "shard " + s + " moved from the live group is served by 3");
        fromLiveGroup++;
      }
    }
    assertTrue(fromLiveGroup > 0, "group 3 took some shards from group 1");
    f.restartGroup(2);
    checkAll(c, expected);
  }

  @Test
  void serialProposalCommitsWhenItsLeaderCrashesBeforeCommitAndComesBackAsLeader() {
    int cameBackAsLeader = 0;
    for (long seed = 1; seed <= 8; seed++) {
      ClusterFixture f = new ClusterFixture(100 + seed, 1, 3, 4, 0);
      f.join(1);
      ClusterFixture.Client c = f.client();
      c.put("a", "0");
      ServerNode leader = f.world.leaderOf(1);
      int l = leader.id();
      for (int n : f.world.members(1)) if (n != l) f.world.host().pause(n);
      f.rawRequest(l, 777, 1, new KvOp.Put("a", "serial"));
      f.runFor(50); // appended and flushed on the leader only
      f.world.host().crash(l);
      f.world.host().restart(l);
      for (int n : f.world.members(1)) if (n != l) f.world.host().resume(n);
      f.world.loop().runUntil(() -> f.world.leaderOf(1) != null, f.world.loop().now() + 5_000);
      if (f.world.leaderOf(1).id() != l) continue;
      cameBackAsLeader++;
      assertEquals("serial", c.get("a"), "seed " + seed + ": the value the old leader held commits");
    }
    assertTrue(cameBackAsLeader > 0, "in some seed the crashed leader won again");
  }

  @Test
  void appLayerTraceLineHasTheSeedFormat() {
    ShardKvSimOptions o = ShardKvSimOptions.defaults(5).withFaults(1_500, java.util.EnumSet.noneOf(
        io.shardkv.server.sim.FaultKind.class), true).withTrace(true);
    ShardKvSimulation.Result r = new ShardKvSimulation(o).run();
    assertTrue(r.passed(), String.valueOf(r.failure()));
    var pattern = java.util.regex.Pattern.compile(
        "t=\\d+ inst=\\d+ gid=\\d+ applied=\\d+ config=\\d+ shards=[SPBG-]+ mseq=\\d+ g\\d+-n\\d+ \\| .+");
    long shardLines = r.traceLines().stream().filter(s -> s.contains(" shards=")).count();
    assertTrue(shardLines > 0, "shard groups emitted trace lines");
    for (String line : r.traceLines()) {
      if (line.contains(" shards=")) assertTrue(pattern.matcher(line).matches(), line);
    }
    assertTrue(r.traceLines().stream().anyMatch(s -> s.contains("applied NewConfig")), "config steps traced");
    assertNotEquals(0, r.opsOk());
  }
}
