package io.shardkv.server.kv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

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
 * Encodings are ordered by client id (deterministic bytes). Expiry order is kept by two
 * {@link ActivityHeap}s (live sessions, tombstones) of (last activity, client) items:
 * <ul>
 *   <li>Index invariant: every entry has at least one item (its last activity, its client) in the
 *       heap of its kind. Other items are <em>stale</em> (the entry changed since, or is gone) and
 *       are skipped when they reach the top; a heap is rebuilt from the entries once it holds more
 *       than twice as many items as there are entries (plus a constant), so its size stays O(n) and
 *       the rebuild costs O(1) per write, amortised.</li>
 *   <li>So a write costs a hash-map update and usually one array append; {@link #expire} costs O(1)
 *       when nothing expires and O(log n) per item it removes. Which entries expire depends only on
 *       the entries and the cutoffs — never on heap layout, tie order or when rebuilds happened — so
 *       every replica still decides the same from the log alone.</li>
 * </ul>
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

  /** Marks the version-2 encoding (a v1 encoding starts with a non-negative entry count). */
  private static final int V2_MARKER = -2;
  /** Stale items a heap may hold beyond twice the entry count before it is rebuilt. */
  private static final int REBUILD_SLACK = 32;

  private final HashMap<Long, Entry> entries;
  private final ActivityHeap liveIndex;
  private final ActivityHeap tombstoneIndex;
  private int liveCount;
  private int tombstoneCount;

  public DedupTable() {
    this(new HashMap<>(), new ActivityHeap(), new ActivityHeap(), 0, 0);
  }

  private DedupTable(HashMap<Long, Entry> entries, ActivityHeap liveIndex, ActivityHeap tombstoneIndex, int liveCount,
                     int tombstoneCount) {
    this.entries = entries;
    this.liveIndex = liveIndex;
    this.tombstoneIndex = tombstoneIndex;
    this.liveCount = liveCount;
    this.tombstoneCount = tombstoneCount;
  }

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
    while (!liveIndex.isEmpty() && liveIndex.minTime() < liveCutoff) {
      long t = liveIndex.minTime();
      long client = liveIndex.minClient();
      liveIndex.poll();
      Entry e = entries.get(client);
      if (e == null || !e.live() || e.lastActive != t) {
        continue; // stale item
      }
      put(client, new Entry(e.seq, null, t));
      changed++;
    }
    long tombstoneCutoff = liveCutoff - idleMillis;
    while (!tombstoneIndex.isEmpty() && tombstoneIndex.minTime() < tombstoneCutoff) {
      long t = tombstoneIndex.minTime();
      long client = tombstoneIndex.minClient();
      tombstoneIndex.poll();
      Entry e = entries.get(client);
      if (e == null || e.live() || e.lastActive != t) {
        continue; // stale item
      }
      entries.remove(client);
      tombstoneCount--;
      changed++;
    }
    return changed;
  }

  /**
   * A lower bound of the last activity of every live session here ({@link Long#MAX_VALUE} when there
   * is none): {@link #expire} turns nothing into a tombstone while its cutoff is at most this.
   */
  public long oldestLiveActivityBound() {
    return liveIndex.isEmpty() ? Long.MAX_VALUE : liveIndex.minTime();
  }

  /** As {@link #oldestLiveActivityBound()} for the tombstones: none is dropped while the cutoff is at most this. */
  public long oldestTombstoneActivityBound() {
    return tombstoneIndex.isEmpty() ? Long.MAX_VALUE : tombstoneIndex.minTime();
  }

  /** Sets {@code clientId}'s entry, keeping the counts and the index invariant (class comment). */
  private void put(long clientId, Entry e) {
    Entry old = entries.put(clientId, e);
    if (old != null) {
      if (old.live()) liveCount--; else tombstoneCount--;
    }
    if (e.live()) liveCount++; else tombstoneCount++;
    if (old != null && old.live() == e.live() && old.lastActive == e.lastActive) {
      return; // the old entry's item (same kind, same time) serves the new one
    }
    ActivityHeap index = e.live() ? liveIndex : tombstoneIndex;
    index.add(e.lastActive, clientId);
    if (index.size() > 2 * entries.size() + REBUILD_SLACK) {
      rebuild(index, e.live());
    }
  }

  /** Rebuilds {@code index} from the entries of its kind: no stale item left. */
  private void rebuild(ActivityHeap index, boolean live) {
    index.clear();
    for (Map.Entry<Long, Entry> x : entries.entrySet()) {
      if (x.getValue().live() == live) {
        index.append(x.getValue().lastActive, x.getKey());
      }
    }
    index.heapify();
  }

  /** Items held by the expiry indexes, stale ones included (tests: the index stays O(entries)). */
  int indexSize() {
    return liveIndex.size() + tombstoneIndex.size();
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
    return new Counts(liveCount, tombstoneCount);
  }

  public int liveSessions() {
    return liveCount;
  }

  public int expiredSessions() {
    return tombstoneCount;
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
    return new DedupTable(new HashMap<>(entries), liveIndex.copy(), tombstoneIndex.copy(), liveCount, tombstoneCount);
  }

  /**
   * Version 1 (the format before session expiry, still written while no entry has a session time, so
   * a cluster with expiry off writes what older builds read):
   * <pre>i32 count, count × (i64 client, i64 seq, result)</pre>
   * Version 2: <pre>i32 -2, i32 count, count × (i64 client, i64 seq, i64 lastActive, u8 live, [result iff live])</pre>
   */
  public void encodeTo(BinaryWriter w) {
    boolean v1 = tombstoneCount == 0 && entries.values().stream().allMatch(e -> e.lastActive == 0);
    if (v1) {
      w.writeInt(entries.size());
    } else {
      w.writeInt(V2_MARKER).writeInt(entries.size());
    }
    long[] clients = new long[entries.size()];
    int k = 0;
    for (long c : entries.keySet()) {
      clients[k++] = c;
    }
    Arrays.sort(clients); // ascending client ids: the format's order, and deterministic bytes
    for (long client : clients) {
      Entry x = entries.get(client);
      w.writeLong(client).writeLong(x.seq);
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
