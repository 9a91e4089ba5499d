package io.shardkv.server.kv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A set of keys with their values and the dedup records of the clients that wrote them: the whole
 * store of the plain KV machine, or one shard of a sharded group (the unit that migrates).
 * Keys are kept in a TreeMap, so iteration and encodings are deterministic.
 *
 * <p>Invariant: {@code ordered} and {@code byKey} hold the same keys, each mapped to the same
 * {@link Slot} (one mutable holder of the key's value). Point operations (get, overwrite, append,
 * CAS) find the slot by hash — one hash and one {@code equals} instead of a walk down the tree
 * comparing strings (issue 13: the tree walk was the largest single cost of applying a write) —
 * and only inserts and deletes touch the tree. Everything ordered (encodings, scans, equality)
 * reads {@code ordered}; nothing depends on {@code byKey}'s iteration order.
 */
public final class KvData {
  private final TreeMap<String, Slot> ordered = new TreeMap<>();
  private final HashMap<String, Slot> byKey = new HashMap<>();
  private final DedupTable dedup;

  /** A key's value, shared by both maps; set in place when an existing key is written. */
  private static final class Slot {
    String value;

    Slot(String value) {
      this.value = value;
    }
  }

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
      String v = get(g.key());
      return v == null ? KvResult.of(Status.NOT_FOUND) : new KvResult(Status.OK, v);
    } else if (op instanceof KvOp.Put p) {
      put(p.key(), p.value());
      return KvResult.of(Status.OK);
    } else if (op instanceof KvOp.Append a) {
      Objects.requireNonNull(a.value(), "value"); // as Map.merge did
      Slot slot = byKey.get(a.key());
      if (slot == null) {
        put(a.key(), a.value());
      } else {
        slot.value = slot.value == null ? a.value() : slot.value.concat(a.value());
      }
      return KvResult.of(Status.OK);
    } else if (op instanceof KvOp.Cas c) {
      String current = get(c.key());
      if (!Objects.equals(current, c.expected())) {
        return new KvResult(Status.CAS_MISMATCH, current);
      }
      put(c.key(), c.value());
      return KvResult.of(Status.OK);
    } else if (op instanceof KvOp.Delete d) {
      Slot old = byKey.remove(d.key());
      if (old != null) ordered.remove(d.key());
      return old == null || old.value == null ? KvResult.of(Status.NOT_FOUND) : new KvResult(Status.OK, old.value);
    }
    throw new IllegalArgumentException("unknown op " + op);
  }

  /** Sets {@code key} to {@code value}: in place when the key exists, else in both maps. */
  private void put(String key, String value) {
    Slot slot = byKey.get(key);
    if (slot != null) {
      slot.value = value;
      return;
    }
    slot = new Slot(value);
    byKey.put(key, slot);
    ordered.put(key, slot);
  }

  public String get(String key) {
    Slot slot = byKey.get(key);
    return slot == null ? null : slot.value;
  }

  /** The entries from {@code from} on, in key order; read-only (scans). */
  public Iterable<Map.Entry<String, String>> entriesFrom(String from, boolean inclusive) {
    return () -> new Iterator<>() {
      private final Iterator<Map.Entry<String, Slot>> in = ordered.tailMap(from, inclusive).entrySet().iterator();

      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public Map.Entry<String, String> next() {
        Map.Entry<String, Slot> e = in.next();
        return new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue().value);
      }
    };
  }

  public int keyCount() {
    return ordered.size();
  }

  /**
   * The keys' and values' sizes in UTF-8 bytes, summed (what a migration moves, dedup table aside);
   * equal to the lengths of {@code getBytes(UTF_8)}, counted without copying.
   */
  public long byteSize() {
    long n = 0;
    for (Map.Entry<String, Slot> e : ordered.entrySet()) {
      n += utf8Length(e.getKey()) + utf8Length(e.getValue().value);
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
    for (Map.Entry<String, Slot> e : ordered.entrySet()) d.put(e.getKey(), e.getValue().value);
    return d;
  }

  public void encodeTo(BinaryWriter w) {
    w.writeInt(ordered.size());
    for (Map.Entry<String, Slot> e : ordered.entrySet()) {
      w.writeString(e.getKey()).writeString(e.getValue().value);
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
    values.forEach(d::put);
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvData d && d.snapshotOfValues().equals(snapshotOfValues()) && d.dedup.equals(dedup);
  }

  @Override
  public int hashCode() {
    return snapshotOfValues().hashCode() * 31 + dedup.hashCode();
  }

  /** The keys and their values, in key order (equality and hashing; not on the write path). */
  private TreeMap<String, String> snapshotOfValues() {
    TreeMap<String, String> m = new TreeMap<>();
    for (Map.Entry<String, Slot> e : ordered.entrySet()) m.put(e.getKey(), e.getValue().value);
    return m;
  }
}
