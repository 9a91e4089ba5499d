package io.shardkv.server.kv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.Status;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exactly-once bookkeeping: for each client id, the sequence number of the last write applied and
 * its result. Invariant: a write (client c, seq q) changes the data at most once, because it is
 * executed only if {@code q > last(c)}; a retry with {@code q == last(c)} gets the recorded result,
 * and an older one gets {@code STALE_REQUEST}. Ordered by client id so encodings are deterministic.
 *
 * <p>The table grows with the number of distinct clients (one entry each); clients are expected to
 * reuse ids across sessions. Expiring entries needs a replicated notion of time, which is future work.
 */
public final class DedupTable {
  private record Entry(long seq, KvResult result) {}

  private final TreeMap<Long, Entry> entries = new TreeMap<>();

  /**
   * The answer to give without executing, or null if {@code (clientId, seq)} is new and must run.
   */
  public KvResult duplicateAnswer(long clientId, long seq) {
    Entry e = entries.get(clientId);
    if (e == null || seq > e.seq) {
      return null;
    }
    return seq == e.seq ? e.result : KvResult.of(Status.STALE_REQUEST);
  }

  public void record(long clientId, long seq, KvResult result) {
    entries.put(clientId, new Entry(seq, result));
  }

  /** The last applied seq of {@code clientId}, or -1 if the client never wrote here. */
  public long lastSeq(long clientId) {
    Entry e = entries.get(clientId);
    return e == null ? -1 : e.seq;
  }

  public int size() {
    return entries.size();
  }

  /**
   * Merges {@code other} into this table keeping, per client, the entry with the higher seq
   * (used when a migrated shard's records join a group's).
   */
  public void mergeFrom(DedupTable other) {
    for (Map.Entry<Long, Entry> e : other.entries.entrySet()) {
      Entry mine = entries.get(e.getKey());
      if (mine == null || mine.seq < e.getValue().seq) {
        entries.put(e.getKey(), e.getValue());
      }
    }
  }

  public DedupTable copy() {
    DedupTable t = new DedupTable();
    t.entries.putAll(entries);
    return t;
  }

  public void encodeTo(BinaryWriter w) {
    w.writeInt(entries.size());
    for (Map.Entry<Long, Entry> e : entries.entrySet()) {
      w.writeLong(e.getKey()).writeLong(e.getValue().seq);
      KvCodec.writeResult(w, e.getValue().result);
    }
  }

  public static DedupTable decodeFrom(BinaryReader r) {
    int n = r.readCount("dedup entry count", 17);
    DedupTable t = new DedupTable();
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long client = r.readLong("dedup client id");
      if (i > 0 && client <= previous) {
        throw new io.shardkv.driver.routing.DecodeException(
            "dedup client ids not strictly ascending at entry " + i + ": " + client);
      }
      previous = client;
      long seq = r.readLong("dedup seq");
      t.entries.put(client, new Entry(seq, KvCodec.readResult(r)));
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
