package io.shardkv.server.shardkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardHash;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.DedupTable;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.kv.SessionClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Session expiry in a shard group: per-shard tables, one log clock, frozen hand-offs, snapshots. */
class ShardKvSessionExpiryTest {
  private static final long L = 10_000;
  private static final int SHARDS = 2;
  private final ShardKvStateMachine sm = new ShardKvStateMachine(1, SHARDS);
  private long index;

  private static String keyOn(int shard) {
    for (int i = 0; ; i++) {
      if (ShardHash.shardOf("k" + i, SHARDS) == shard) return "k" + i;
    }
  }

  private KvResult apply(ShardKvCommand c) {
    return KvCodec.decodeResult(sm.apply(++index, ShardKvCodec.encode(c)));
  }

  private KvResult write(long client, long seq, KvOp op, long leaderMillis) {
    return apply(new ShardKvCommand.ClientOp(new KvCommand(client, seq, op), new SessionClock.Stamp(leaderMillis, L)));
  }

  private void config(int num, int... owners) {
    assertEquals(Status.OK, apply(new ShardKvCommand.NewConfig(new ShardConfig(num, owners,
        Map.of(1, List.of("a"), 2, List.of("b"))))).status());
  }

  @Test
  void anIdleClientsRetryGetsSessionExpiredAndTheAppendIsNotAppliedTwice() {
    config(1, 1, 1);
    String k = keyOn(0);
    assertEquals(Status.OK, write(7, 1, new KvOp.Append(k, "x"), 1_000).status());
    write(8, 1, new KvOp.Put(keyOn(1), "y"), 1_000 + L + 1); // another client, on the other shard
    assertEquals(Status.SESSION_EXPIRED, write(7, 1, new KvOp.Append(k, "x"), 1_000 + L + 2).status());
    assertEquals(new KvResult(Status.OK, "x"), sm.read(k));
    assertEquals(new DedupTable.Counts(1, 1), sm.sessionCounts());
  }

  @Test
  void aShardBeingHandedOffStaysAsFrozenWhileServedShardsExpire() {
    config(1, 1, 1);
    write(7, 1, new KvOp.Put(keyOn(0), "a"), 1_000);
    write(7, 2, new KvOp.Put(keyOn(1), "b"), 1_000);
    config(2, 2, 1); // shard 0 moves to group 2: BEPULLING here until deleted
    assertEquals(ShardState.BEPULLING, sm.stateOf(0));
    DedupTable frozen = sm.dataOf(0).dedup().copy();
    write(9, 1, new KvOp.Put(keyOn(1), "c"), 1_000 + L + 1);
    assertEquals(frozen, sm.dataOf(0).dedup(), "the exported copy does not change under the puller");
    assertTrue(sm.dataOf(1).dedup().expired(7));
  }

  @Test
  void unstampedClientOpsOfOlderLogsStillDecodeAndStampingASplicedCommandEqualsEncodingIt() {
    KvCommand cmd = new KvCommand(3, 4, new KvOp.Put("k", "v"));
    byte[] plain = ShardKvCodec.encode(new ShardKvCommand.ClientOp(cmd));
    SessionClock.Stamp stamp = new SessionClock.Stamp(123, L);
    assertArrayEquals(ShardKvCodec.encode(new ShardKvCommand.ClientOp(cmd, stamp)), ShardKvCodec.stamp(plain, stamp));
    assertEquals(new ShardKvCommand.ClientOp(cmd, stamp), ShardKvCodec.decode(ShardKvCodec.stamp(plain, stamp)));
    assertEquals(new ShardKvCommand.ClientOp(cmd), ShardKvCodec.decode(plain));
    byte[] config = ShardKvCodec.encode(new ShardKvCommand.DeleteShard(1, 0));
    assertArrayEquals(config, ShardKvCodec.stamp(config, stamp), "only client-ops are stamped");
  }

  @Test
  void aSnapshotCarriesLogTimeAndSessionTimesAndOneWithoutStampsKeepsVersionOne() {
    config(1, 1, 1);
    write(0, 0, new KvOp.Get(keyOn(0)), 0); // a stamp of 0 leaves log time at 0
    assertEquals(1, sm.takeSnapshot()[0]);
    write(7, 1, new KvOp.Put(keyOn(0), "a"), 1_000);
    write(8, 1, new KvOp.Put(keyOn(1), "b"), 1_000 + L + 1);
    byte[] snap = sm.takeSnapshot();
    assertEquals(2, snap[0]);
    ShardKvStateMachine restored = new ShardKvStateMachine(1, SHARDS);
    restored.restoreSnapshot(snap);
    assertEquals(sm.logTime(), restored.logTime());
    assertArrayEquals(snap, restored.takeSnapshot());
    assertTrue(restored.dataOf(0).dedup().expired(7));
    assertFalse(restored.dataOf(1).dedup().expired(8));
  }
}
