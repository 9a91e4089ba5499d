package io.shardkv.server.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * KvData finds a key's value by hash and keeps the keys ordered for encodings and scans (issue 13):
 * whatever mix of puts, appends, CAS and deletes it applies, it answers and encodes exactly as a
 * plain sorted map of the same writes, and a copy or a decoded copy is independent of the original.
 */
class KvDataIndexTest {
  private static final String[] KEYS = {"a", "b", "bench-1", "bench-10", "bench-2", "k", "zz", ""};

  @Test
  void randomWritesAnswerAndEncodeAsASortedMapOfTheSameWrites() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      KvData data = new KvData();
      TreeMap<String, String> model = new TreeMap<>();
      for (int i = 0; i < 2_000; i++) {
        String key = KEYS[rnd.nextInt(KEYS.length)];
        String value = "v" + rnd.nextInt(5);
        KvOp op = switch (rnd.nextInt(5)) {
          case 0 -> new KvOp.Put(key, value);
          case 1 -> new KvOp.Append(key, value);
          case 2 -> new KvOp.Cas(key, rnd.nextBoolean() ? model.get(key) : "v" + rnd.nextInt(5), value);
          case 3 -> new KvOp.Delete(key);
          default -> new KvOp.Get(key);
        };
        KvResult got = data.execute(new KvCommand(1, i + 1, op));
        assertEquals(expected(model, op), got, "seed " + seed + ", op " + i + ": " + op);
        for (String k : KEYS) assertEquals(model.get(k), data.get(k), "seed " + seed + ", key " + k);
      }
      assertEquals(model.size(), data.keyCount());
      List<String> scanned = new ArrayList<>();
      for (Map.Entry<String, String> e : data.entriesFrom("b", true)) scanned.add(e.getKey() + "=" + e.getValue());
      List<String> wanted = new ArrayList<>();
      for (Map.Entry<String, String> e : model.tailMap("b", true).entrySet()) wanted.add(e.getKey() + "=" + e.getValue());
      assertEquals(wanted, scanned, "seed " + seed + ": scans follow key order");
      KvData decoded = roundTrip(data);
      assertEquals(data, decoded);
      assertEquals(data.hashCode(), decoded.hashCode());
      BinaryWriter again = new BinaryWriter(64);
      decoded.encodeTo(again);
      BinaryWriter first = new BinaryWriter(64);
      data.encodeTo(first);
      assertEquals(java.util.Arrays.toString(first.toByteArray()), java.util.Arrays.toString(again.toByteArray()));
    }
  }

  @Test
  void aCopyAndADecodedCopyDoNotShareValuesWithTheOriginal() {
    KvData data = new KvData();
    data.execute(new KvCommand(1, 1, new KvOp.Put("k", "one")));
    KvData copy = data.copy();
    KvData decoded = roundTrip(data);
    data.execute(new KvCommand(1, 2, new KvOp.Put("k", "two")));
    data.execute(new KvCommand(1, 3, new KvOp.Append("k", "+")));
    assertEquals("two+", data.get("k"));
    assertEquals("one", copy.get("k"));
    assertEquals("one", decoded.get("k"));
    assertNotEquals(data, copy);
    copy.execute(new KvCommand(2, 1, new KvOp.Delete("k")));
    assertEquals("two+", data.get("k"));
    assertEquals(null, copy.get("k"));
    assertEquals(1, data.keyCount());
    assertEquals(0, copy.keyCount());
  }

  private static KvData roundTrip(KvData data) {
    BinaryWriter w = new BinaryWriter(64);
    data.encodeTo(w);
    return KvData.decodeFrom(new BinaryReader(w.toByteArray()));
  }

  /** What a sorted map of the same writes answers (the behaviour before the hash index). */
  private static KvResult expected(TreeMap<String, String> m, KvOp op) {
    if (op instanceof KvOp.Get g) {
      String v = m.get(g.key());
      return v == null ? KvResult.of(Status.NOT_FOUND) : new KvResult(Status.OK, v);
    } else if (op instanceof KvOp.Put p) {
      m.put(p.key(), p.value());
      return KvResult.of(Status.OK);
    } else if (op instanceof KvOp.Append a) {
      m.merge(a.key(), a.value(), String::concat);
      return KvResult.of(Status.OK);
    } else if (op instanceof KvOp.Cas c) {
      String current = m.get(c.key());
      if (!Objects.equals(current, c.expected())) return new KvResult(Status.CAS_MISMATCH, current);
      m.put(c.key(), c.value());
      return KvResult.of(Status.OK);
    }
    String old = m.remove(((KvOp.Delete) op).key());
    return old == null ? KvResult.of(Status.NOT_FOUND) : new KvResult(Status.OK, old);
  }
}
