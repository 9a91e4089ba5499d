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

  @Test
  void aSessionExpiresAtTheFirstStampPastItsLimitEvenWhenEarlierOpsSkippedTheWalk() {
    config(1, 1, 1);
    write(7, 1, new KvOp.Put(keyOn(0), "a"), 1_000);
    for (long t = 1_100; t <= 1_000 + L; t += 100) {
      write(8, t, new KvOp.Put(keyOn(1), "b"), t); // nothing can expire yet: the walk is skipped
      assertFalse(sm.dataOf(0).dedup().expired(7), "at log time " + t);
    }
    write(8, 1, new KvOp.Get(keyOn(1)), 1_000 + L + 1);
    assertTrue(sm.dataOf(0).dedup().expired(7), "idle for L + 1");
  }

  @Test
  void anInstalledShardWithOlderSessionsIsExpiredByTheNextStampPastThem() {
    config(1, 2, 1); // shard 0 is group 2's
    write(8, 1, new KvOp.Put(keyOn(1), "b"), 5_000);
    config(2, 1, 1); // shard 0 comes here: PULLING
    write(8, 2, new KvOp.Put(keyOn(1), "b"), 5_000); // bounds known again: oldest activity 5,000
    io.shardkv.server.kv.KvData pulled = new io.shardkv.server.kv.KvData();
    pulled.execute(new KvCommand(5, 1, new KvOp.Put(keyOn(0), "x")), 1_000); // active at 1,000 in group 2
    assertEquals(Status.OK, apply(new ShardKvCommand.InstallShard(2, 0, pulled)).status());
    write(8, 3, new KvOp.Put(keyOn(1), "b"), 1_000 + L + 1); // past client 5's limit, not client 8's
    assertTrue(sm.dataOf(0).dedup().expired(5), "the installed table is expired like the others");
    assertFalse(sm.dataOf(1).dedup().expired(8));
  }

  /**
   * Random client-ops, configurations and installs applied to two machines, one of which forgets its
   * expiry bounds (a snapshot round trip) after every command: their snapshots stay byte-equal, so
   * skipping the walk never changes what expires.
   */
  @Test
  void skippingTheWalkDecidesExactlyWhatWalkingEveryTimeDecides() {
    boolean sawExpiry = false;
    for (long seed = 1; seed <= 10; seed++) {
      java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
      ShardKvStateMachine a = new ShardKvStateMachine(1, 4);
      ShardKvStateMachine b = new ShardKvStateMachine(1, 4);
      long now = 0;
      for (int step = 1; step <= 1_500; step++) {
        ShardKvCommand c;
        int what = r.nextInt(100);
        if (what < 85) {
          now += r.nextInt(300);
          String key = "k" + r.nextInt(40);
          KvOp op = r.nextInt(4) == 0 ? new KvOp.Get(key) : new KvOp.Append(key, "v" + step);
          c = new ShardKvCommand.ClientOp(new KvCommand(r.nextInt(12), step, op), new SessionClock.Stamp(now, L));
        } else if (what < 93) {
          ShardConfig cur = a.currentConfig();
          int[] next = new int[4];
          for (int s = 0; s < 4; s++) {
            next[s] = cur.ownerOf(s);
          }
          next[r.nextInt(4)] = r.nextBoolean() ? 1 : 2;
          c = new ShardKvCommand.NewConfig(new ShardConfig(cur.num() + 1, next, Map.of(1, List.of("a"), 2, List.of("b"))));
        } else {
          int configNum = a.currentConfig().num();
          io.shardkv.server.kv.KvData pulled = new io.shardkv.server.kv.KvData();
          for (int i = 0; i < 3; i++) {
            pulled.execute(new KvCommand(r.nextInt(12), 1_000_000 + i, new KvOp.Put("p" + i, "x")),
                Math.max(0, now - r.nextInt((int) (3 * L))));
          }
          int target = r.nextInt(4);
          for (int s = 0; s < 4; s++) {
            if (a.stateOf(s) == ShardState.PULLING) target = s;
          }
          c = new ShardKvCommand.InstallShard(configNum, target, pulled);
          // Group 2's side of a move is not modelled: a shard stuck in PULLING or BEPULLING gets its
          // DeleteShard / GC now and then so configurations keep advancing.
          if (r.nextBoolean()) {
            int s = r.nextInt(4);
            c = r.nextBoolean() ? c : a.stateOf(s) == ShardState.BEPULLING ? new ShardKvCommand.DeleteShard(configNum, s)
                : new ShardKvCommand.ShardGcDone(configNum, s);
          }
        }
        byte[] bytes = ShardKvCodec.encode(c);
        assertArrayEquals(a.apply(step, bytes), b.apply(step, bytes), "seed " + seed + " step " + step);
        b.restoreSnapshot(b.takeSnapshot()); // b walks on every stamped op
        if (step % 50 == 0) {
          assertArrayEquals(a.takeSnapshot(), b.takeSnapshot(), "seed " + seed + " step " + step);
          sawExpiry |= a.sessionCounts().expired() > 0;
        }
      }
      assertArrayEquals(a.takeSnapshot(), b.takeSnapshot(), "seed " + seed);
    }
    assertTrue(sawExpiry, "the histories did expire sessions");
  }
}
