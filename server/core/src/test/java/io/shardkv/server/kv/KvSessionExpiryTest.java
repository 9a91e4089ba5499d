package io.shardkv.server.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.Status;
import org.junit.jupiter.api.Test;

/**
 * Session expiry in the unsharded KV machine: time is what the leaders' stamps in the log say
 * (Raft thesis §6.3), so two replicas applying the same log expire the same sessions.
 */
class KvSessionExpiryTest {
  private static final long L = 60_000;
  private final KvStateMachine sm = new KvStateMachine();
  private long index;

  private static byte[] stamped(long client, long seq, KvOp op, long leaderMillis, long idle) {
    return KvCodec.stamp(KvCodec.encodeCommand(new KvCommand(client, seq, op)), new SessionClock.Stamp(leaderMillis, idle));
  }

  private KvResult apply(KvStateMachine m, byte[] command) {
    return KvCodec.decodeResult(m.apply(++index, command));
  }

  private KvResult apply(byte[] command) {
    return apply(sm, command);
  }

  @Test
  void aRetryOfAnAppliedWriteAfterTheSessionExpiredIsRefusedAndNotAppliedAgain() {
    assertEquals(Status.OK, apply(stamped(1, 1, new KvOp.Append("k", "x"), 1_000, L)).status());
    // Another client keeps the log moving past client 1's idle limit.
    assertEquals(Status.OK, apply(stamped(2, 1, new KvOp.Put("other", "y"), 1_000 + L + 1, L)).status());
    KvResult retry = apply(stamped(1, 1, new KvOp.Append("k", "x"), 1_000 + L + 2, L));
    assertEquals(Status.SESSION_EXPIRED, retry.status());
    assertEquals("x", sm.read("k"), "applied once");
    assertEquals(Status.SESSION_EXPIRED, apply(stamped(1, 2, new KvOp.Append("k", "z"), 1_000 + L + 3, L)).status(),
        "a new write of the expired session is refused too");
    assertEquals(Status.OK, apply(stamped(99, 1, new KvOp.Append("k", "z"), 1_000 + L + 4, L)).status(),
        "the same write in a fresh session runs");
    assertEquals("xz", sm.read("k"));
  }

  @Test
  void logTimeNeverGoesBackWhenALaterLeadersClockIsBehind() {
    apply(stamped(1, 1, new KvOp.Put("a", "1"), 50_000, L));
    apply(stamped(2, 1, new KvOp.Put("b", "1"), 10_000, L)); // a new leader whose clock is behind
    assertEquals(50_000, sm.logTime());
    // Client 2 was active at log time 50,000 (not 10,000): still live at 50,000 + L.
    apply(stamped(3, 1, new KvOp.Put("c", "1"), 50_000 + L, L));
    assertEquals(Status.OK, apply(stamped(2, 1, new KvOp.Put("b", "1"), 50_000 + L, L)).status());
  }

  @Test
  void unstampedCommandsOfOlderLogsStillApplyAndNeverExpireAnything() {
    assertEquals(Status.OK, apply(KvCodec.encodeCommand(new KvCommand(1, 1, new KvOp.Append("k", "x")))).status());
    assertEquals(0, sm.logTime());
    assertEquals(Status.OK, apply(stamped(2, 1, new KvOp.Put("b", "1"), 5 * L, 0)).status(), "idle limit 0: off");
    assertEquals(Status.OK, apply(KvCodec.encodeCommand(new KvCommand(1, 1, new KvOp.Append("k", "x")))).status());
    assertEquals("x", sm.read("k"), "the duplicate was recognised: the session did not expire");
  }

  @Test
  void theIdleLimitComesFromTheLogSoReplicasWithDifferentSettingsAgree() {
    KvStateMachine other = new KvStateMachine();
    byte[][] log = {
        stamped(1, 1, new KvOp.Put("a", "1"), 1_000, 5_000),
        stamped(2, 1, new KvOp.Put("b", "1"), 7_000, 5_000),
        stamped(1, 1, new KvOp.Put("a", "1"), 7_001, 5_000),
    };
    for (byte[] c : log) {
      long i = ++index;
      assertArrayEquals(sm.apply(i, c), other.apply(i, c));
    }
    assertArrayEquals(sm.takeSnapshot(), other.takeSnapshot());
    assertTrue(sm.data().dedup().expired(1));
  }

  @Test
  void aSnapshotKeepsLogTimeAndSessionsAndOneWithoutStampsKeepsTheOldFormat() {
    KvStateMachine plain = new KvStateMachine();
    plain.apply(1, KvCodec.encodeCommand(new KvCommand(1, 1, new KvOp.Put("a", "1"))));
    byte[] old = plain.takeSnapshot();
    assertEquals(1, old[0], "version byte 1 while no stamp was applied");

    apply(stamped(1, 1, new KvOp.Put("a", "1"), 1_000, L));
    apply(stamped(2, 1, new KvOp.Put("b", "1"), 1_000 + L + 1, L));
    byte[] snap = sm.takeSnapshot();
    assertEquals(2, snap[0]);
    KvStateMachine restored = new KvStateMachine();
    restored.restoreSnapshot(snap);
    assertEquals(sm.logTime(), restored.logTime());
    assertEquals(sm.data(), restored.data());
    assertTrue(restored.data().dedup().expired(1));
    KvStateMachine fromOld = new KvStateMachine();
    fromOld.restoreSnapshot(old);
    assertEquals(plain.data(), fromOld.data());
  }
}
