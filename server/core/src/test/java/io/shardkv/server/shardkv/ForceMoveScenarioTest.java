package io.shardkv.server.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.configcenter.ConfigCenterOp;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 1: recovering the shards of a group that is gone for good with forced moves. Group 2
 * stops taking part (its state machine is never stepped again); group 1 takes its shards over
 * without a migration and keeps advancing through configurations.
 */
class ForceMoveScenarioTest {
  private static final int SHARDS = 10;

  @Test
  void aLiveGroupTakesOverAGoneGroupsShardsEmptyAndKeepsAdvancing() {
    MigrationWorld w = new MigrationWorld(SHARDS, 1, 2);
    w.join(1, 2);
    w.settle();
    java.util.List<Integer> lost = w.configCenter.latest().shardsOf(2);
    assertTrue(!lost.isEmpty());
    int shard = lost.get(0);
    String key = w.keyInShard(shard, 0);
    assertEquals(Status.OK, w.client(1, 1, new KvOp.Put(key, "written before group 2 was lost")).status());
    assertEquals(2, w.configCenter.latest().ownerOf(w.shardOf(key)));

    // From here group 2 is gone: only group 1 steps.
    for (int s : lost) {
      assertEquals(Status.OK, w.admin(new ConfigCenterOp.Move(s, 1, true)).status());
    }
    assertEquals(Status.OK, w.admin(new ConfigCenterOp.Leave(java.util.List.of(2))).status());
    while (w.stepConfig(1)) {
      assertTrue(MigrationPlanner.plan(w.sm(1)).pulls().isEmpty(), "a forced move never waits for a pull");
    }
    assertEquals(w.configCenter.latest().num(), w.sm(1).currentConfig().num(), "group 1 reached the latest config");
    for (int s = 0; s < SHARDS; s++) {
      assertEquals(ShardState.SERVING, w.sm(1).stateOf(s), "shard " + s);
    }
    assertEquals(KvResult.of(Status.NOT_FOUND), w.clientAt(1, 2, 1, new KvOp.Get(key)),
        "the forced shard starts empty: its data is lost, as the command says");
    assertEquals(Status.OK, w.clientAt(1, 2, 2, new KvOp.Put(key, "after")).status());
    assertEquals(new KvResult(Status.OK, "after"), w.clientAt(1, 2, 3, new KvOp.Get(key)));
    w.sm(1).checkInvariants();
  }

  /**
   * The limit of the recovery (docs/operations.md): a forced move must come first. After a plain
   * move (or a leave) from the gone group, the new owner waits for the data and can apply no later
   * configuration, so a forced move issued then does not reach it.
   */
  @Test
  void aPlainMoveFromTheGoneGroupLeavesTheNewOwnerWaitingAndAForcedMoveCannotUndoIt() {
    MigrationWorld w = new MigrationWorld(SHARDS, 1, 2);
    w.join(1, 2);
    w.settle();
    java.util.List<Integer> lost = w.configCenter.latest().shardsOf(2);
    int shard = lost.get(0);
    w.move(shard, 1);
    assertTrue(w.stepConfig(1));
    assertEquals(ShardState.PULLING, w.sm(1).stateOf(shard), "the data must come from group 2");
    assertEquals(1, w.configCenter.latest().ownerOf(shard),
        "group 1 owns it in the latest configuration already, so it cannot be forced onto group 1");
    assertEquals(Status.OK, w.admin(new ConfigCenterOp.Move(lost.get(1), 1, true)).status());
    assertEquals(false, w.stepConfig(1), "group 1 cannot advance while it waits for group 2");
  }
}
