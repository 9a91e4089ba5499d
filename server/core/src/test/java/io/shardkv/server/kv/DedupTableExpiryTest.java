package io.shardkv.server.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import org.junit.jupiter.api.Test;

/** Session expiry of the exactly-once table, with log times given explicitly (no clock anywhere). */
class DedupTableExpiryTest {
  private static final long L = 1_000; // idle limit
  private static final KvResult OK = KvResult.of(Status.OK);

  @Test
  void aSessionIdleForAtMostTheLimitIsKeptAndOneIdleLongerBecomesATombstone() {
    DedupTable t = new DedupTable();
    t.record(1, 5, OK, 100);
    assertEquals(0, t.expire(100 + L, L), "idle exactly L: still live");
    assertEquals(OK, t.duplicateAnswer(1, 5));
    assertEquals(1, t.expire(100 + L + 1, L));
    assertTrue(t.expired(1));
    assertEquals(new DedupTable.Counts(0, 1), t.counts());
  }

  @Test
  void everyWriteOfAnExpiredSessionIsRefusedWithSessionExpiredWhateverItsSeq() {
    DedupTable t = new DedupTable();
    t.record(1, 5, OK, 0);
    t.expire(L + 1, L);
    assertEquals(Status.SESSION_EXPIRED, t.duplicateAnswer(1, 5).status(), "the retry of the applied write");
    assertEquals(Status.SESSION_EXPIRED, t.duplicateAnswer(1, 6).status(), "a new write of the old session");
    assertEquals(Status.SESSION_EXPIRED, t.duplicateAnswer(1, 4).status());
    assertNull(t.duplicateAnswer(2, 1), "another client is new and runs");
  }

  @Test
  void aTombstoneIsDroppedAfterAnotherIdleLimitSoTheTableHoldsOnlyTheLastTwoLimitsOfClients() {
    DedupTable t = new DedupTable();
    for (long c = 1; c <= 100; c++) {
      t.record(c, 1, OK, c * 10); // client c last active at 10c
    }
    t.expire(1_950, L); // live iff 10c >= 950: clients 95..100
    assertEquals(new DedupTable.Counts(6, 94), t.counts());
    t.expire(2_500, L); // all tombstones now; those active before 500 (clients 1..49) are dropped
    assertEquals(new DedupTable.Counts(0, 51), t.counts());
    assertEquals(51, t.size());
    assertTrue(t.expired(50));
    assertEquals(-1, t.lastSeq(49));
    assertNull(t.duplicateAnswer(49, 1), "a forgotten client looks new (its tombstone outlived 2L)");
  }

  @Test
  void aDuplicateOfALiveSessionCountsAsActivity() {
    DedupTable t = new DedupTable();
    t.record(1, 5, OK, 0);
    t.touch(1, 900);
    t.expire(900 + L, L);
    assertFalse(t.expired(1));
    t.expire(901 + L, L);
    assertTrue(t.expired(1));
    t.touch(1, 5_000);
    assertTrue(t.expired(1), "a tombstone is not revived");
  }

  @Test
  void aZeroLimitExpiresNothing() {
    DedupTable t = new DedupTable();
    t.record(1, 1, OK, 0);
    assertEquals(0, t.expire(Long.MAX_VALUE / 2, 0));
    assertEquals(OK, t.duplicateAnswer(1, 1));
  }

  @Test
  void encodingWithoutSessionTimesIsTheVersionOneFormatOlderBuildsWrote() {
    DedupTable t = new DedupTable();
    t.record(3, 2, new KvResult(Status.OK, "v"));
    BinaryWriter w = new BinaryWriter();
    t.encodeTo(w);
    // i32 count, i64 client, i64 seq, u8 status, u8 present, i32 len, bytes
    BinaryWriter old = new BinaryWriter();
    old.writeInt(1).writeLong(3).writeLong(2).writeByte(0).writeNullableString("v");
    org.junit.jupiter.api.Assertions.assertArrayEquals(old.toByteArray(), w.toByteArray());
    assertEquals(t, DedupTable.decodeFrom(new BinaryReader(old.toByteArray())));
  }

  @Test
  void versionTwoKeepsLastActivityAndTombstonesAcrossAnEncoding() {
    DedupTable t = new DedupTable();
    t.record(1, 5, OK, 100);
    t.record(2, 7, new KvResult(Status.CAS_MISMATCH, "x"), 1_500);
    t.expire(1_200, L);
    BinaryWriter w = new BinaryWriter();
    t.encodeTo(w);
    DedupTable back = DedupTable.decodeFrom(new BinaryReader(w.toByteArray()));
    assertEquals(t, back);
    assertTrue(back.expired(1));
    assertEquals(new KvResult(Status.CAS_MISMATCH, "x"), back.duplicateAnswer(2, 7));
    back.expire(1_500 + L + 1, L); // the decoded table's activity index works
    assertTrue(back.expired(2));
    assertEquals(-1, back.lastSeq(1));
  }

  @Test
  void aNegativeCountOtherThanTheMarkerIsRejectedWithAClearMessage() {
    BinaryWriter w = new BinaryWriter();
    w.writeInt(-7);
    DecodeException e = assertThrows(DecodeException.class, () -> DedupTable.decodeFrom(new BinaryReader(w.toByteArray())));
    assertTrue(e.getMessage().contains("-7"), e.getMessage());
  }

  @Test
  void mergeKeepsTheLaterEntryAndATombstoneWinsATie() {
    DedupTable a = new DedupTable();
    a.record(1, 5, OK, 100);
    a.record(2, 3, OK, 100);
    DedupTable b = new DedupTable();
    b.record(1, 4, OK, 900);
    b.record(2, 3, OK, 100);
    b.expire(100 + L + 1, L); // both of b's entries: client 1 (active 900) stays live, client 2 expires
    a.mergeFrom(b);
    assertEquals(5, a.lastSeq(1));
    assertFalse(a.expired(1));
    assertTrue(a.expired(2));
  }
}
