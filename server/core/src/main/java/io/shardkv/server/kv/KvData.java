package io.shardkv.server.kv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A set of keys with their values and the dedup records of the clients that wrote them: the whole
 * store of the plain KV machine, or one shard of a sharded group (the unit that migrates).
 * Keys are kept in a TreeMap, so iteration and encodings are deterministic.
 */
public final class KvData {
  private final TreeMap<String, String> values = new TreeMap<>();
  private final DedupTable dedup;

  public KvData() {
    this(new DedupTable());
  }

  private KvData(DedupTable dedup) {
    this.dedup = dedup;
  }

  /**
   * Executes {@code cmd} exactly once: a write already applied for (clientId, seq) is not executed
   * again and gets its recorded result; a write of an expired session gets SESSION_EXPIRED and is
   * not executed; a new write runs and its result is recorded at log time {@code now}. Gets run
   * every time and are not recorded (a re-executed read observes a later, equally valid state).
   */
  public KvResult execute(KvCommand cmd, long now) {
    KvOp op = cmd.op();
    if (op.isWrite()) {
      KvResult seen = dedup.duplicateAnswer(cmd.clientId(), cmd.seq());
      if (seen != null) {
        dedup.touch(cmd.clientId(), now);
        return seen;
      }
    }
    KvResult result = run(op);
    if (op.isWrite()) {
      dedup.record(cmd.clientId(), cmd.seq(), result, now);
    }
    return result;
  }

  /** As {@link #execute(KvCommand, long)} without a session clock (log time 0). */
  public KvResult execute(KvCommand cmd) {
    return execute(cmd, 0);
  }

  private KvResult run(KvOp op) {
    if (op instanceof KvOp.Get g) {
      String v = values.get(g.key());
      return v == null ? KvResult.of(Status.NOT_FOUND) : new KvResult(Status.OK, v);
    } else if (op instanceof KvOp.Put p) {
      values.put(p.key(), p.value());
      return KvResult.of(Status.OK);
    } else if (op instanceof KvOp.Append a) {
      values.merge(a.key(), a.value(), String::concat);
      return KvResult.of(Status.OK);
    } else if (op instanceof KvOp.Cas c) {
      String current = values.get(c.key());
      if (!Objects.equals(current, c.expected())) {
        return new KvResult(Status.CAS_MISMATCH, current);
      }
      values.put(c.key(), c.value());
      return KvResult.of(Status.OK);
    } else if (op instanceof KvOp.Delete d) {
      String old = values.remove(d.key());
      return old == null ? KvResult.of(Status.NOT_FOUND) : new KvResult(Status.OK, old);
    }
    throw new IllegalArgumentException("unknown op " + op);
  }

  public String get(String key) {
    return values.get(key);
  }

  /** The entries from {@code from} on, in key order; a read-only view (scans). */
  public java.util.NavigableMap<String, String> entriesFrom(String from, boolean inclusive) {
    return java.util.Collections.unmodifiableNavigableMap(values.tailMap(from, inclusive));
  }

  public int keyCount() {
    return values.size();
  }

  /**
   * The keys' and values' sizes in UTF-8 bytes, summed (what a migration moves, dedup table aside);
   * equal to the lengths of {@code getBytes(UTF_8)}, counted without copying.
   */
  public long byteSize() {
    long n = 0;
    for (Map.Entry<String, String> e : values.entrySet()) {
      n += utf8Length(e.getKey()) + utf8Length(e.getValue());
    }
    return n;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n += 1; // a lone surrogate: Java's encoder writes '?'
      } else {
        n += 3;
      }
    }
    return n;
  }

  public DedupTable dedup() {
    return dedup;
  }

  /** A deep copy (values are immutable strings; the dedup table is copied). */
  public KvData copy() {
    KvData d = new KvData(dedup.copy());
    d.values.putAll(values);
    return d;
  }

  public void encodeTo(BinaryWriter w) {
    w.writeInt(values.size());
    for (Map.Entry<String, String> e : values.entrySet()) {
      w.writeString(e.getKey()).writeString(e.getValue());
    }
    dedup.encodeTo(w);
  }

  public static KvData decodeFrom(BinaryReader r) {
    int n = r.readCount("key count", 8);
    TreeMap<String, String> values = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String k = r.readString("key");
      if (values.put(k, r.readString("value")) != null) {
        throw new DecodeException("duplicate key in encoded data: " + k);
      }
    }
    KvData d = new KvData(DedupTable.decodeFrom(r));
    d.values.putAll(values);
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvData d && d.values.equals(values) && d.dedup.equals(dedup);
  }

  @Override
  public int hashCode() {
    return values.hashCode() * 31 + dedup.hashCode();
  }
}
