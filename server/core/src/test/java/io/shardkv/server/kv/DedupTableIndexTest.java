package io.shardkv.server.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The dedup table's expiry index (an activity heap with stale items, rebuilt when they dominate):
 * it expires exactly the sessions a scan of every entry would, in any order of insertion, with
 * ties, after re-puts, after copies, merges and encodings, and it stays O(entries) in size.
 */
class DedupTableIndexTest {
  private static final long L = 1_000;
  private static final KvResult OK = KvResult.of(Status.OK);

  @Test
  void sessionsExpireByActivityWhateverTheOrderTheyWereWrittenIn() {
    DedupTable t = new DedupTable();
    long[] times = {500, 100, 900, 300, 700}; // clients 1..5, written out of time order
    for (int c = 0; c < times.length; c++) {
      t.record(c + 1, 1, OK, times[c]);
    }
    assertEquals(2, t.expire(400 + L, L)); // active before 400: clients 2 (100) and 4 (300)
    assertTrue(t.expired(2));
    assertTrue(t.expired(4));
    assertFalse(t.expired(1));
    assertEquals(new DedupTable.Counts(3, 2), t.counts());
    assertEquals(0, t.expire(400 + L, L), "the same cutoff again changes nothing");
  }

  @Test
  void sessionsActiveAtTheSameLogTimeExpireTogetherAndNotOneMillisecondEarly() {
    DedupTable t = new DedupTable();
    for (long c = 1; c <= 50; c++) {
      t.record(c, 1, OK, 200);
    }
    assertEquals(0, t.expire(200 + L, L));
    assertEquals(50, t.expire(201 + L, L));
    assertEquals(new DedupTable.Counts(0, 50), t.counts());
    assertEquals(0, t.expire(200 + 2 * L, L));
    assertEquals(50, t.expire(201 + 2 * L, L), "the tombstones of one time are dropped together too");
    assertEquals(0, t.size());
  }

  @Test
  void aClientForgottenAfterTwoLimitsStartsAFreshSessionThatExpiresByItsNewActivityOnly() {
    DedupTable t = new DedupTable();
    t.record(1, 9, OK, 0);
    t.expire(1 + 2 * L + 1, L); // tombstone at L + 1, dropped at 2L + 1
    assertEquals(-1, t.lastSeq(1));
    assertNull(t.duplicateAnswer(1, 1), "forgotten: a new session");
    t.record(1, 1, OK, 5_000);
    assertEquals(0, t.expire(5_000 + L, L), "no leftover item of the old session expires the new one");
    assertEquals(OK, t.duplicateAnswer(1, 1));
    assertEquals(1, t.expire(5_001 + L, L));
    assertTrue(t.expired(1));
  }

  @Test
  void aClientWritingForeverKeepsTheIndexProportionalToTheTable() {
    DedupTable t = new DedupTable();
    t.record(2, 1, OK, 99_500); // a second client, idle from 99,500
    for (long i = 1; i <= 100_000; i++) {
      t.record(1, i, OK, i); // a new activity time on every write: one superseded item each
      if (i % 1000 == 0) {
        assertTrue(t.indexSize() <= 2 * t.size() + 33, "index " + t.indexSize() + " for " + t.size() + " entries");
      }
    }
    assertEquals(1, t.expire(100_000 + L, L), "the idle client expires, the writer does not");
    assertTrue(t.expired(2));
    assertFalse(t.expired(1));
  }

  @Test
  void anEncodedAndDecodedTableIsTheSameBytesAndExpiresTheSame() {
    DedupTable t = new DedupTable();
    for (long c = 40; c >= 1; c--) {
      t.record(c * 7919 % 101, c, OK, c * 37 % 1_500); // client ids and times in no order
    }
    t.expire(1_300, L);
    byte[] bytes = encode(t);
    DedupTable back = DedupTable.decodeFrom(new BinaryReader(bytes));
    assertEquals(t, back);
    assertArrayEquals(bytes, encode(back));
    assertEquals(t.counts(), back.counts());
    for (long now = 1_300; now <= 1_300 + 3 * L; now += 97) {
      assertEquals(t.expire(now, L), back.expire(now, L), "at log time " + now);
      assertEquals(t, back);
    }
  }

  /**
   * Random writes, duplicates, expiries, merges, copies and encodings against a plain model that
   * scans every entry: the same answers, counts, expiry results and bytes at every step.
   */
  @Test
  void randomHistoriesGiveTheSameAnswersAsAScanOfEveryEntry() {
    for (long seed = 1; seed <= 40; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      DedupTable t = new DedupTable();
      Model m = new Model();
      long now = 0;
      for (int step = 0; step < 3_000; step++) {
        long client = r.nextInt(30);
        int what = r.nextInt(100);
        String where = "seed " + seed + " step " + step;
        if (what < 50) {
          now += r.nextInt(40);
          int k = r.nextInt(6);
          long seq = m.lastSeq(client) + (k == 0 ? 0 : k == 1 ? -1 : 1); // a retry, a stale one, or new
          KvResult seen = t.duplicateAnswer(client, seq);
          assertEquals(m.duplicateAnswer(client, seq), seen == null ? null : seen.status(), where);
          if (seen == null) {
            KvResult res = new KvResult(Status.OK, "s" + seq);
            t.record(client, seq, res, now);
            m.record(client, seq, res, now);
          } else {
            t.touch(client, now);
            m.touch(client, now);
          }
        } else if (what < 80) {
          long idle = r.nextInt(4) == 0 ? 0 : L;
          assertEquals(m.expire(now, idle), t.expire(now, idle), where);
        } else if (what < 88) {
          // Another group's table, written at other (also later) log times, merged in.
          DedupTable other = new DedupTable();
          Model om = new Model();
          long base = Math.max(0, now - 2 * L + r.nextInt((int) (3 * L)));
          for (int i = 0; i < 5; i++) {
            long c = r.nextInt(30);
            long at = base + r.nextInt(200);
            long seq = r.nextInt(20);
            other.record(c, seq, OK, at);
            om.record(c, seq, OK, at);
          }
          long cut = base + r.nextInt(300);
          assertEquals(om.expire(cut, L / 4), other.expire(cut, L / 4), where);
          t.mergeFrom(r.nextBoolean() ? other : other.copy());
          m.mergeFrom(om);
        } else if (what < 94) {
          t = r.nextBoolean() ? t.copy() : DedupTable.decodeFrom(new BinaryReader(encode(t)));
        }
        assertEquals(m.counts(), t.counts(), where);
        assertEquals(m.entries.size(), t.size(), where);
        if (what >= 94) {
          assertArrayEquals(m.encode(), encode(t), where);
        }
      }
    }
  }

  private static byte[] encode(DedupTable t) {
    BinaryWriter w = new BinaryWriter();
    t.encodeTo(w);
    return w.toByteArray();
  }

  /** The table's rules written as plainly as possible: a sorted map, scanned in full to expire. */
  private static final class Model {
    /** client → {seq, lastActive, live (1/0)}, with the result kept alongside. */
    final TreeMap<Long, long[]> entries = new TreeMap<>();
    final Map<Long, KvResult> results = new TreeMap<>();

    long lastSeq(long c) {
      long[] e = entries.get(c);
      return e == null ? -1 : e[0];
    }

    Status duplicateAnswer(long c, long seq) {
      long[] e = entries.get(c);
      if (e == null) return null;
      if (e[2] == 0) return Status.SESSION_EXPIRED;
      if (seq > e[0]) return null;
      return seq == e[0] ? results.get(c).status() : Status.STALE_REQUEST;
    }

    void record(long c, long seq, KvResult res, long now) {
      entries.put(c, new long[] {seq, now, 1});
      results.put(c, res);
    }

    void touch(long c, long now) {
      long[] e = entries.get(c);
      if (e != null && e[2] == 1 && now > e[1]) e[1] = now;
    }

    int expire(long now, long idle) {
      if (idle <= 0) return 0;
      int changed = 0;
      List<Long> drop = new ArrayList<>();
      for (Map.Entry<Long, long[]> x : entries.entrySet()) {
        long[] e = x.getValue();
        if (e[2] == 1 && e[1] < now - idle) {
          e[2] = 0;
          results.remove(x.getKey());
          changed++;
        }
      }
      for (Map.Entry<Long, long[]> x : entries.entrySet()) {
        if (x.getValue()[2] == 0 && x.getValue()[1] < now - 2 * idle) drop.add(x.getKey());
      }
      drop.forEach(entries::remove);
      return changed + drop.size();
    }

    void mergeFrom(Model o) {
      o.entries.forEach((c, theirs) -> {
        long[] mine = entries.get(c);
        boolean later = mine == null || (theirs[0] != mine[0] ? theirs[0] > mine[0]
            : theirs[1] != mine[1] ? theirs[1] > mine[1] : theirs[2] == 0 && mine[2] == 1);
        if (later) {
          entries.put(c, theirs.clone());
          if (theirs[2] == 1) results.put(c, o.results.get(c)); else results.remove(c);
        }
      });
    }

    DedupTable.Counts counts() {
      long live = entries.values().stream().filter(e -> e[2] == 1).count();
      return new DedupTable.Counts(live, entries.size() - live);
    }

    /** Version 2 unless nothing has a time or a tombstone (DedupTable.encodeTo). */
    byte[] encode() {
      boolean v1 = entries.values().stream().allMatch(e -> e[2] == 1 && e[1] == 0);
      BinaryWriter w = new BinaryWriter();
      if (v1) w.writeInt(entries.size()); else w.writeInt(-2).writeInt(entries.size());
      entries.forEach((c, e) -> {
        w.writeLong(c).writeLong(e[0]);
        if (!v1) w.writeLong(e[1]).writeBoolean(e[2] == 1);
        if (e[2] == 1) KvCodec.writeResult(w, results.get(c));
      });
      return w.toByteArray();
    }
  }
}
