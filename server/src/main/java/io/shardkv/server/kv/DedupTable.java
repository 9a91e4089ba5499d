package io.shardkv.server.kv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Exactly-once bookkeeping with expiring client sessions (Raft thesis §6.3). For each client id, the
 * sequence number of the last write applied, its result, and the log time of the client's last
 * write here ({@link SessionClock}: never a replica's own clock).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>A write (client c, seq q) changes the data at most once: it executes only if c has a live
 *       record with {@code q > last(c)}, or c has no record at all. A retry with {@code q == last(c)}
 *       gets the recorded result, an older one {@code STALE_REQUEST}.</li>
 *   <li>A session idle for longer than the idle limit L (log time) expires: its record becomes a
 *       <em>tombstone</em> (seq and last activity kept, result dropped), and every write from c is
 *       then answered {@link Status#SESSION_EXPIRED} — definite: not executed. A tombstone is dropped
 *       after another L, so the table holds the clients active in the last 2L of log time.</li>
 *   <li>Why tombstones: without them an expired client would look new, and a retry of a write that
 *       was applied before the expiry would execute again. With them, that retry is refused as long
 *       as it reaches the log within 2L of the client's last activity; the driver gives up a call
 *       long before (its call timeout, seconds, against a default L of 10 minutes). docs/sessions.md
 *       has the full argument and its assumption.</li>
 * </ul>
 * Ordered by client id so encodings are deterministic; two activity indexes make
 * {@link #expire} cost O(log n) per expired entry and O(1) when nothing expires.
 */
public final class DedupTable {
  /** How many client sessions a table (or a group's tables together) holds, live and expired. */
  public record Counts(long live, long expired) {
    public static final Counts NONE = new Counts(0, 0);

    public Counts plus(Counts o) {
      return new Counts(live + o.live, expired + o.expired);
    }
  }

  /** {@code result == null}: a tombstone (the session expired). */
  private record Entry(long seq, KvResult result, long lastActive) {
    boolean live() {
      return result != null;
    }
  }

  private record ByActivity(long lastActive, long clientId) implements Comparable<ByActivity> {
    @Override
    public int compareTo(ByActivity o) {
      int c = Long.compare(lastActive, o.lastActive);
      return c != 0 ? c : Long.compare(clientId, o.clientId);
    }
  }

  /** Marks the version-2 encoding (a v1 encoding starts with a non-negative entry count). */
  private static final int V2_MARKER = -2;

  private final TreeMap<Long, Entry> entries = new TreeMap<>();
  private final TreeSet<ByActivity> live = new TreeSet<>();
  private final TreeSet<ByActivity> tombstones = new TreeSet<>();

  /**
   * The answer to give without executing, or null if {@code (clientId, seq)} is new and must run.
   * An expired session gets {@link Status#SESSION_EXPIRED} whatever the seq.
   */
  public KvResult duplicateAnswer(long clientId, long seq) {
    Entry e = entries.get(clientId);
    if (e == null) {
      return null;
    }
    if (!e.live()) {
      return new KvResult(Status.SESSION_EXPIRED, "session of client " + clientId + " expired (idle since log time "
          + e.lastActive() + "); not applied: start a new session (new client id)");
    }
    if (seq > e.seq) {
      return null;
    }
    return seq == e.seq ? e.result : KvResult.of(Status.STALE_REQUEST);
  }

  /** Records that {@code (clientId, seq)} executed with {@code result} at log time {@code now}. */
  public void record(long clientId, long seq, KvResult result, long now) {
    if (result == null) {
      throw new IllegalArgumentException("a recorded result must not be null");
    }
    put(clientId, new Entry(seq, result, now));
  }

  /** As {@link #record(long, long, KvResult, long)} at log time 0 (no session clock). */
  public void record(long clientId, long seq, KvResult result) {
    record(clientId, seq, result, 0);
  }

  /** A live session wrote again (a duplicate): its last activity becomes {@code now}. Tombstones stay. */
  public void touch(long clientId, long now) {
    Entry e = entries.get(clientId);
    if (e != null && e.live() && now > e.lastActive) {
      put(clientId, new Entry(e.seq, e.result, now));
    }
  }

  /**
   * Expires by log time {@code now}: live sessions idle for longer than {@code idleMillis} become
   * tombstones, tombstones idle for longer than {@code 2 * idleMillis} are dropped. {@code idleMillis
   * <= 0} expires nothing. Returns how many entries changed.
   */
  public int expire(long now, long idleMillis) {
    if (idleMillis <= 0) {
      return 0;
    }
    int changed = 0;
    long liveCutoff = now - idleMillis; // lastActive < cutoff  <=>  idle for longer than the limit
    while (!live.isEmpty() && live.first().lastActive() < liveCutoff) {
      ByActivity a = live.pollFirst();
      Entry e = entries.get(a.clientId());
      Entry t = new Entry(e.seq, null, e.lastActive);
      entries.put(a.clientId(), t);
      tombstones.add(a);
      changed++;
    }
    long tombstoneCutoff = liveCutoff - idleMillis;
    while (!tombstones.isEmpty() && tombstones.first().lastActive() < tombstoneCutoff) {
      entries.remove(tombstones.pollFirst().clientId());
      changed++;
    }
    return changed;
  }

  private void put(long clientId, Entry e) {
    Entry old = entries.put(clientId, e);
    if (old != null) {
      (old.live() ? live : tombstones).remove(new ByActivity(old.lastActive, clientId));
    }
    (e.live() ? live : tombstones).add(new ByActivity(e.lastActive, clientId));
  }

  /** The last applied seq of {@code clientId} (live or expired), or -1 if the client is unknown here. */
  public long lastSeq(long clientId) {
    Entry e = entries.get(clientId);
    return e == null ? -1 : e.seq;
  }

  /** True if {@code clientId}'s session expired here (a tombstone). */
  public boolean expired(long clientId) {
    Entry e = entries.get(clientId);
    return e != null && !e.live();
  }

  /** Entries held: live sessions plus tombstones. */
  public int size() {
    return entries.size();
  }

  public Counts counts() {
    return new Counts(live.size(), tombstones.size());
  }

  public int liveSessions() {
    return live.size();
  }

  public int expiredSessions() {
    return tombstones.size();
  }

  /**
   * Merges {@code other} into this table keeping, per client, the later entry: higher seq, then
   * later activity, then a tombstone over a live record (refusing is the safe side).
   */
  public void mergeFrom(DedupTable other) {
    for (Map.Entry<Long, Entry> e : other.entries.entrySet()) {
      Entry mine = entries.get(e.getKey());
      Entry theirs = e.getValue();
      if (mine == null || later(theirs, mine)) {
        put(e.getKey(), theirs);
      }
    }
  }

  private static boolean later(Entry a, Entry b) {
    if (a.seq != b.seq) return a.seq > b.seq;
    if (a.lastActive != b.lastActive) return a.lastActive > b.lastActive;
    return !a.live() && b.live();
  }

  public DedupTable copy() {
    DedupTable t = new DedupTable();
    t.entries.putAll(entries);
    t.live.addAll(live);
    t.tombstones.addAll(tombstones);
    return t;
  }

  /**
   * Version 1 (the format before session expiry, still written while no entry has a session time, so
   * a cluster with expiry off writes what older builds read):
   * <pre>i32 count, count × (i64 client, i64 seq, result)</pre>
   * Version 2: <pre>i32 -2, i32 count, count × (i64 client, i64 seq, i64 lastActive, u8 live, [result iff live])</pre>
   */
  public void encodeTo(BinaryWriter w) {
    boolean v1 = tombstones.isEmpty() && entries.values().stream().allMatch(e -> e.lastActive == 0);
    if (v1) {
      w.writeInt(entries.size());
    } else {
      w.writeInt(V2_MARKER).writeInt(entries.size());
    }
    for (Map.Entry<Long, Entry> e : entries.entrySet()) {
      Entry x = e.getValue();
      w.writeLong(e.getKey()).writeLong(x.seq);
      if (!v1) {
        w.writeLong(x.lastActive).writeBoolean(x.live());
      }
      if (x.live()) {
        KvCodec.writeResult(w, x.result);
      }
    }
  }

  /** Reads either version of {@link #encodeTo}. */
  public static DedupTable decodeFrom(BinaryReader r) {
    int first = r.readInt("dedup entry count");
    boolean v2 = first == V2_MARKER;
    int n;
    if (v2) {
      n = r.readCount("dedup entry count", 25);
    } else {
      if (first < 0) {
        throw new DecodeException("dedup table starts with " + first + ": neither an entry count nor the version-2 marker "
            + V2_MARKER);
      }
      n = first;
      if ((long) n * 17 > r.remaining()) {
        throw new DecodeException("dedup entry count " + n + " exceeds the " + r.remaining() + " bytes left");
      }
    }
    DedupTable t = new DedupTable();
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long client = r.readLong("dedup client id");
      if (i > 0 && client <= previous) {
        throw new DecodeException("dedup client ids not strictly ascending at entry " + i + ": " + client);
      }
      previous = client;
      long seq = r.readLong("dedup seq");
      long lastActive = v2 ? r.readLong("dedup last activity") : 0;
      boolean isLive = !v2 || r.readBoolean("dedup live flag");
      t.put(client, new Entry(seq, isLive ? KvCodec.readResult(r) : null, lastActive));
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DedupTable d && d.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }
}
