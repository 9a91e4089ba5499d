package io.shardkv.server.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KvStateMachineTest {
  private final KvStateMachine sm = new KvStateMachine();
  private long index;

  private KvResult apply(long client, long seq, KvOp op) {
    return KvCodec.decodeResult(sm.apply(++index, KvCodec.encodeCommand(new KvCommand(client, seq, op))));
  }

  @Test
  void getPutAppendCasDeleteFollowTheirSpecification() {
    assertEquals(Status.NOT_FOUND, apply(1, 1, new KvOp.Get("k")).status());
    assertEquals(Status.OK, apply(1, 2, new KvOp.Append("k", "a")).status());
    assertEquals(new KvResult(Status.OK, "a"), apply(1, 3, new KvOp.Get("k")));
    apply(1, 4, new KvOp.Append("k", "b"));
    assertEquals("ab", sm.read("k"));
    apply(1, 5, new KvOp.Put("k", "x"));
    assertEquals(new KvResult(Status.CAS_MISMATCH, "x"), apply(1, 6, new KvOp.Cas("k", "y", "z")));
    assertEquals("x", sm.read("k"));
    assertEquals(Status.OK, apply(1, 7, new KvOp.Cas("k", "x", "z")).status());
    assertEquals("z", sm.read("k"));
    assertEquals(new KvResult(Status.OK, "z"), apply(1, 8, new KvOp.Delete("k")));
    assertEquals(Status.NOT_FOUND, apply(1, 9, new KvOp.Delete("k")).status());
    assertEquals(Status.OK, apply(1, 10, new KvOp.Cas("k", null, "fresh")).status());
    assertEquals(new KvResult(Status.CAS_MISMATCH, "fresh"), apply(1, 11, new KvOp.Cas("k", null, "again")));
  }

  @Test
  void retriedAppendWithSameClientAndSeqIsAppliedExactlyOnceAndGetsTheOriginalResult() {
    KvResult first = apply(7, 1, new KvOp.Append("k", "x"));
    KvResult retry = apply(7, 1, new KvOp.Append("k", "x"));
    KvResult retry2 = apply(7, 1, new KvOp.Append("k", "x"));
    assertEquals(first, retry);
    assertEquals(first, retry2);
    assertEquals("x", sm.read("k"));
    apply(7, 2, new KvOp.Append("k", "y"));
    assertEquals("xy", sm.read("k"));
  }

  @Test
  void retriedCasReturnsItsRecordedOutcomeEvenAfterTheValueChanged() {
    apply(1, 1, new KvOp.Put("k", "v0"));
    assertEquals(Status.OK, apply(2, 1, new KvOp.Cas("k", "v0", "v1")).status());
    apply(3, 1, new KvOp.Put("k", "other"));
    // Re-executing the cas would now fail; exactly-once means the recorded success is returned.
    assertEquals(Status.OK, apply(2, 1, new KvOp.Cas("k", "v0", "v1")).status());
    assertEquals("other", sm.read("k"));
  }

  @Test
  void writeOlderThanTheClientsLastAppliedSeqIsNotExecutedAndAnsweredStale() {
    apply(1, 5, new KvOp.Put("k", "five"));
    assertEquals(Status.STALE_REQUEST, apply(1, 4, new KvOp.Put("k", "four")).status());
    assertEquals("five", sm.read("k"));
  }

  @Test
  void interleavedClientsWithRandomDuplicatesApplyEveryAppendExactlyOnce() {
    Random rnd = new Random(42);
    long[] nextSeq = new long[5];
    StringBuilder[] expected = new StringBuilder[5];
    for (int c = 0; c < 5; c++) {
      expected[c] = new StringBuilder();
    }
    for (int step = 0; step < 2000; step++) {
      int c = rnd.nextInt(5);
      boolean duplicate = nextSeq[c] > 0 && rnd.nextInt(3) == 0;
      long seq = duplicate ? nextSeq[c] : ++nextSeq[c];
      String piece = "<" + c + ":" + seq + ">";
      apply(c, seq, new KvOp.Append("key" + c, piece));
      if (!duplicate) {
        expected[c].append(piece);
      }
    }
    for (int c = 0; c < 5; c++) {
      assertEquals(expected[c].toString(), sm.read("key" + c));
    }
  }

  @Test
  void snapshotRestoreRoundTripsStateDedupAndAppliedIndexExactly() {
    apply(1, 1, new KvOp.Put("a", "1"));
    apply(2, 1, new KvOp.Append("b", "é€𝄞"));
    apply(2, 2, new KvOp.Cas("a", "1", "2"));
    byte[] snap = sm.takeSnapshot();
    KvStateMachine copy = new KvStateMachine();
    copy.restoreSnapshot(snap);
    assertArrayEquals(snap, copy.takeSnapshot());
    assertEquals(sm.lastAppliedIndex(), copy.lastAppliedIndex());
    assertEquals("2", copy.read("a"));
    // The dedup records came along: the retried cas is not re-executed on the copy.
    byte[] retry = KvCodec.encodeCommand(new KvCommand(2, 2, new KvOp.Cas("a", "1", "2")));
    assertEquals(Status.OK, KvCodec.decodeResult(copy.apply(index + 1, retry)).status());
    assertEquals("2", copy.read("a"));
  }

  @Test
  void sameCommandSequenceGivesIdenticalSnapshotBytesAndResults() {
    Random rnd = new Random(7);
    List<byte[]> log = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      int c = rnd.nextInt(4);
      String k = "k" + rnd.nextInt(20);
      KvOp op = switch (rnd.nextInt(5)) {
        case 0 -> new KvOp.Get(k);
        case 1 -> new KvOp.Put(k, "v" + i);
        case 2 -> new KvOp.Append(k, "" + i);
        case 3 -> new KvOp.Cas(k, rnd.nextBoolean() ? null : "v" + (i - 1), "c" + i);
        default -> new KvOp.Delete(k);
      };
      log.add(KvCodec.encodeCommand(new KvCommand(c, i / 2, op)));
    }
    KvStateMachine a = new KvStateMachine();
    KvStateMachine b = new KvStateMachine();
    for (int i = 0; i < log.size(); i++) {
      assertArrayEquals(a.apply(i + 1, log.get(i)), b.apply(i + 1, log.get(i)), "result at " + i);
    }
    assertArrayEquals(a.takeSnapshot(), b.takeSnapshot());
  }

  @Test
  void malformedCommandYieldsBadRequestAndChangesNothing() {
    apply(1, 1, new KvOp.Put("k", "v"));
    byte[] before = sm.takeSnapshot();
    KvResult r = KvCodec.decodeResult(sm.apply(++index, new byte[] {1, 99, 0}));
    assertEquals(Status.BAD_REQUEST, r.status());
    assertEquals("v", sm.read("k"));
    byte[] after = sm.takeSnapshot();
    // Only the applied index (bytes 2..9) may differ.
    assertEquals(before.length, after.length);
    assertArrayEquals(java.util.Arrays.copyOfRange(before, 10, before.length),
        java.util.Arrays.copyOfRange(after, 10, after.length));
  }

  @Test
  void applyingAnIndexAtOrBelowTheLastAppliedIsRejectedAsACallerBug() {
    apply(1, 1, new KvOp.Put("k", "v"));
    byte[] cmd = KvCodec.encodeCommand(new KvCommand(1, 2, new KvOp.Put("k", "w")));
    assertThrows(IllegalStateException.class, () -> sm.apply(index, cmd));
    assertEquals("v", sm.read("k"));
  }

  @Test
  void truncatedSnapshotIsRejectedAndLeavesTheStateUnchanged() {
    apply(1, 1, new KvOp.Put("k", "v"));
    byte[] snap = sm.takeSnapshot();
    KvStateMachine other = new KvStateMachine();
    other.apply(1, KvCodec.encodeCommand(new KvCommand(9, 1, new KvOp.Put("mine", "x"))));
    for (int len = 0; len < snap.length; len++) {
      byte[] cut = java.util.Arrays.copyOf(snap, len);
      assertThrows(DecodeException.class, () -> other.restoreSnapshot(cut), "length " + len);
    }
    assertEquals("x", other.read("mine"));
    assertNull(other.read("k"));
  }
}
