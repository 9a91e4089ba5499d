package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.server.raft.Membership;
import io.shardkv.server.raft.MembershipChange;
import io.shardkv.server.sim.FaultKind;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 (found by {@code sim shardkv --membership} seed 5847): every seed member of the config
 * center is replaced by a spare — and the removed ones keep running, hearing from no leader, so they
 * answer WRONG_LEADER without a hint. A client and the shard groups know only those seed members
 * (the config file's addresses). Out of leads, they ask a removed member for the members it knows
 * (STATUS: its last configuration) and reach the new ones. A scripted scenario, without faults, so
 * that it does not depend on a seed's schedule.
 */
class ConfigCenterReplacedSimTest {

  private static ClusterFixture fixture() {
    // groups 1..2 of 3 replicas: config center n0-n2, group 1 n3-n5, group 2 n6-n8; spares n9, n10.
    return new ClusterFixture(new ShardKvSimOptions(7, 2, 3, 0, 8, 1, 0, EnumSet.noneOf(FaultKind.class),
        false, false, 1 << 20, 10, 30_000, false, 0.1).withMembership(true));
  }

  /** Proposes {@code change} to the config center's leader until its configuration is {@code target}, committed. */
  private static void change(ClusterFixture f, MembershipChange change, Membership target) {
    long until = f.world.loop().now() + 30_000;
    while (f.world.loop().now() < until) {
      f.runFor(100);
      ServerNode leader = f.world.leaderOf(ShardRouter.CONFIG_CENTER_GID);
      if (leader == null) continue;
      var raft = leader.replica().raft();
      if (raft.membership().equals(target)) {
        if (raft.commitIndex() >= raft.membershipIndex()) return;
      } else {
        leader.replica().proposeMembershipChange(change);
      }
    }
    throw new AssertionError("the config center did not reach " + target + " by committing " + change);
  }

  @Test
  void clientsAndShardGroupsThatKnowOnlyRemovedMembersFindTheCurrentOnes() {
    ClusterFixture f = fixture();
    f.join(1, 2);
    assertTrue(f.settle(1, 30_000), "groups at configuration 1");
    ClusterFixture.Client early = f.client();
    early.put("k", "v1");

    // Replace n0, n1, n2 by spares n9, n10 (add, promote), then remove all three.
    for (int spare : List.of(9, 10)) {
      f.world.hostOnSpare(spare, ShardRouter.CONFIG_CENTER_GID);
      Membership m = f.world.leaderOf(ShardRouter.CONFIG_CENTER_GID).replica().raft().membership();
      change(f, MembershipChange.addLearner(spare), m.apply(MembershipChange.addLearner(spare)));
      m = m.apply(MembershipChange.addLearner(spare));
      change(f, MembershipChange.promote(spare), m.apply(MembershipChange.promote(spare)));
    }
    for (int removed : List.of(0, 1, 2)) {
      Membership m = f.world.leaderOf(ShardRouter.CONFIG_CENTER_GID).replica().raft().membership();
      change(f, MembershipChange.remove(removed), m.apply(MembershipChange.remove(removed)));
    }
    f.runFor(2_000);
    ServerNode leader = f.world.leaderOf(ShardRouter.CONFIG_CENTER_GID);
    assertTrue(leader != null && f.world.isSpare(leader.id()), "a spare leads the config center");
    for (int removed : List.of(0, 1, 2)) {
      assertEquals(-1, f.world.node(removed).replica().raft().leaderId(), "n" + removed + " hears from no leader");
    }

    // A fresh client knowing only n0-n2 changes the configuration (f.leave), ...
    f.leave(2);
    // ... the shard groups, polling n0-n2, learn it and move the shards ...
    assertTrue(f.settle(2, 30_000), "every group at configuration 2");
    // ... and a client that started before the change keeps working.
    assertEquals(2, early.query(-1).num());
    assertEquals("v1", early.get("k"));
    List<String> known = early.runner.router().tracker(ShardRouter.CONFIG_CENTER_GID).servers();
    assertTrue(known.contains("n9") || known.contains("n10"), "learned the new members: " + known);
  }
}
