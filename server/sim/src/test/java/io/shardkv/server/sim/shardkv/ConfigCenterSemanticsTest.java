package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.server.configcenter.ConfigCenterOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** 6.824 shardctrler semantics, through the config center's Raft group on the simulator. */
class ConfigCenterSemanticsTest {

  private static void assertBalanced(ShardConfig c) {
    int groups = c.groups().size();
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int g : c.groups().keySet()) {
      int n = c.shardsOf(g).size();
      min = Math.min(min, n);
      max = Math.max(max, n);
    }
    if (groups > 0) assertTrue(max - min <= 1, "balanced within one shard: " + c);
    for (int s = 0; s < c.shardCount(); s++) {
      assertTrue(groups == 0 ? c.ownerOf(s) == 0 : c.groups().containsKey(c.ownerOf(s)), "shard " + s + " owned by a live group");
    }
  }

  @Test
  void joinLeaveCreateNumberedConfigsAndHistoricalConfigsNeverChange() {
    ClusterFixture f = new ClusterFixture(21, 3, 3, 10, 0);
    ClusterFixture.Client c = f.client();
    assertEquals(0, c.query(-1).num());
    f.join(1);
    ShardConfig c1 = c.query(1);
    f.join(2);
    f.join(3);
    f.leave(1);
    ShardConfig latest = c.query(-1);
    assertEquals(4, latest.num());
    assertEquals(List.of(2, 3), new ArrayList<>(latest.groups().keySet()));
    assertBalanced(latest);
    assertEquals(c1, c.query(1), "config 1 is unchanged by later joins and leaves");
    for (int s = 0; s < 10; s++) assertEquals(1, c1.ownerOf(s));
    assertEquals(latest, c.query(100), "a number past the latest returns the latest");
  }

  @Test
  void moveAssignsOneShardWithoutRebalancing() {
    ClusterFixture f = new ClusterFixture(22, 2, 3, 10, 0);
    ClusterFixture.Client c = f.client();
    f.join(1, 2);
    ShardConfig before = c.query(-1);
    int shard = before.shardsOf(1).get(0);
    c.admin(new ConfigCenterOp.Move(shard, 2));
    ShardConfig after = c.query(-1);
    assertEquals(before.num() + 1, after.num());
    for (int s = 0; s < 10; s++) {
      assertEquals(s == shard ? 2 : before.ownerOf(s), after.ownerOf(s), "owner of shard " + s);
    }
  }

  @Test
  void joinsAndLeavesMoveTheMinimumNumberOfShards() {
    ClusterFixture f = new ClusterFixture(23, 4, 3, 12, 0);
    ClusterFixture.Client c = f.client();
    f.join(1, 2);
    ShardConfig a = c.query(-1);
    f.join(3);
    ShardConfig b = c.query(-1);
    for (int s = 0; s < 12; s++) {
      if (a.ownerOf(s) != b.ownerOf(s)) assertEquals(3, b.ownerOf(s), "after a join shards move only to the new group");
    }
    assertEquals(4, b.shardsOf(3).size());
    f.leave(1);
    ShardConfig d = c.query(-1);
    for (int s = 0; s < 12; s++) {
      if (b.ownerOf(s) != d.ownerOf(s)) assertEquals(1, b.ownerOf(s), "after a leave only the departed group's shards move");
    }
    assertBalanced(d);
  }

  @Test
  void concurrentJoinsAndLeavesFromManyAdminsAllTakeEffect() {
    ClusterFixture f = new ClusterFixture(24, 6, 3, 12, 0);
    List<CallOutcome[]> results = new ArrayList<>();
    for (int g = 1; g <= 6; g++) {
      ClusterFixture.Client admin = f.client();
      CallOutcome[] out = new CallOutcome[1];
      results.add(out);
      admin.runner.runConfigCenterOp(new ConfigCenterOp.Join(Map.of(g, f.world.serverNames(g))), o -> out[0] = o);
    }
    f.world.loop().runUntil(() -> results.stream().allMatch(r -> r[0] != null), f.world.loop().now() + 30_000);
    for (CallOutcome[] r : results) assertEquals(CallOutcome.Kind.COMPLETED, r[0].kind());
    ClusterFixture.Client c = f.client();
    ShardConfig all = c.query(-1);
    assertEquals(6, all.groups().size());
    assertEquals(6, all.num(), "one config per join");
    assertBalanced(all);
    results.clear();
    for (int g = 1; g <= 3; g++) {
      ClusterFixture.Client admin = f.client();
      CallOutcome[] out = new CallOutcome[1];
      results.add(out);
      admin.runner.runConfigCenterOp(new ConfigCenterOp.Leave(List.of(g)), o -> out[0] = o);
    }
    f.world.loop().runUntil(() -> results.stream().allMatch(r -> r[0] != null), f.world.loop().now() + 30_000);
    ShardConfig rest = c.query(-1);
    assertEquals(List.of(4, 5, 6), new ArrayList<>(rest.groups().keySet()));
    assertBalanced(rest);
  }

  @Test
  void queryAnswersTheSameConfigAfterALeaderChange() {
    ClusterFixture f = new ClusterFixture(25, 3, 3, 10, 0);
    ClusterFixture.Client c = f.client();
    f.join(1, 2, 3);
    ShardConfig before = c.query(-1);
    ServerNode leader = f.world.leaderOf(ShardRouter.CONFIG_CENTER_GID);
    f.world.host().crash(leader.id());
    f.world.loop().runUntil(() -> f.world.leaderOf(0) != null, f.world.loop().now() + 5_000);
    assertTrue(f.world.leaderOf(0).id() != leader.id(), "a new config-center leader");
    assertEquals(before, c.query(-1));
    assertEquals(before, c.query(before.num()));
  }
}
