package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvData;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A paginated scan of one shard: the keys of {@code shard} that start with {@code prefix} and are
 * greater than {@code after}, in key order, at most {@code limit} per page. A scan is a read: the
 * host serves it the way it serves a get (ReadIndex, thesis §6.4: the leader confirms it still leads
 * and answers from a state that includes every write committed before the scan arrived), so each
 * page is linearizable on its own. Pages are not a snapshot of the shard, let alone of the store;
 * a walk that resumes each page after the previous page's last key returns every key that existed
 * throughout the walk exactly once, because a shard's keys move between groups only together
 * (an InstallShard carries the whole frozen shard) and keys within a shard only ever grow past the
 * cursor.
 *
 * <p>Encodings (version 1, the shard group's client-request bytes, distinct from {@link KvCodec}
 * commands by their tag):
 * <pre>
 * query  := u8 version=1, u8 tag=16, i32 shard, string prefix, nullable-string after, i32 limit
 * page   := u8 version=1, u8 status, then for OK: i32 n, n × (string key, string value), u8 more;
 *           for any other status: nullable-string message
 * </pre>
 */
public final class ShardScan {
  /** The tag after the version byte; KV commands use 1..5. */
  public static final int TAG = 16;
  /** A page never holds more keys than this, whatever the query asks. */
  public static final int MAX_PAGE_KEYS = 10_000;
  /**
   * A page stops growing once its keys and values reach this many chars (at most 3 MiB of UTF-8,
   * well inside the 16 MiB frame), and holds at least one entry.
   */
  public static final long PAGE_CHAR_BUDGET = 1L << 20;

  private ShardScan() {}

  /** One page request. {@code after} null: from the shard's first key with the prefix. */
  public record Query(int shard, String prefix, String after, int limit) {
    public Query {
      Objects.requireNonNull(prefix, "prefix");
      if (limit < 1) throw new IllegalArgumentException("scan limit must be >= 1, got " + limit);
    }
  }

  /**
   * The answer: OK with the entries in key order and whether the shard may hold further matching
   * keys after the last one; WRONG_GROUP (the group does not serve the shard now); BAD_REQUEST.
   */
  public record Page(Status status, SortedMap<String, String> entries, boolean more, String message) {
    public Page {
      Objects.requireNonNull(status, "status");
      entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    }

    public static Page of(Status status, String message) {
      return new Page(status, new TreeMap<>(), false, message);
    }
  }

  /** The page of {@code data} (one shard's data) that {@code q} asks for. */
  public static Page page(KvData data, Query q) {
    String from = q.after() != null && q.after().compareTo(q.prefix()) >= 0 ? q.after() : q.prefix();
    boolean inclusive = !from.equals(q.after());
    int limit = Math.min(q.limit(), MAX_PAGE_KEYS);
    SortedMap<String, String> out = new TreeMap<>();
    long chars = 0;
    for (Map.Entry<String, String> e : data.entriesFrom(from, inclusive)) {
      if (!e.getKey().startsWith(q.prefix())) {
        break; // keys with the prefix are contiguous in key order; past them there is none
      }
      if (out.size() >= limit || (!out.isEmpty() && chars >= PAGE_CHAR_BUDGET)) {
        return new Page(Status.OK, out, true, null);
      }
      out.put(e.getKey(), e.getValue());
      chars += e.getKey().length() + e.getValue().length();
    }
    return new Page(Status.OK, out, false, null);
  }

  /** True if {@code request} is a scan query (and not a KV command). */
  public static boolean isQuery(byte[] request) {
    return request.length >= 2 && (request[1] & 0xFF) == TAG;
  }

  public static byte[] encodeQuery(Query q) {
    BinaryWriter w = new BinaryWriter(32 + q.prefix().length());
    w.writeByte(KvCodec.VERSION).writeByte(TAG).writeInt(q.shard()).writeString(q.prefix())
        .writeNullableString(q.after()).writeInt(q.limit());
    return w.toByteArray();
  }

  public static Query decodeQuery(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    KvCodec.expectVersion(r, "scan query");
    int tag = r.readByte("scan tag");
    if (tag != TAG) throw new DecodeException("not a scan query: tag " + tag);
    int shard = r.readIntInRange("scanned shard", 0, ShardConfig.MAX_SHARDS - 1);
    String prefix = r.readString("scan prefix", KvCodec.MAX_KEY_BYTES);
    String after = r.readNullableString("scan cursor");
    int limit = r.readIntInRange("scan limit", 1, Integer.MAX_VALUE);
    r.expectEnd("scan query");
    return new Query(shard, prefix, after, limit);
  }

  public static byte[] encodePage(Page p) {
    BinaryWriter w = new BinaryWriter(64);
    w.writeByte(KvCodec.VERSION).writeByte(p.status().logCode());
    if (p.status() == Status.OK) {
      w.writeInt(p.entries().size());
      p.entries().forEach((k, v) -> w.writeString(k).writeString(v));
      w.writeBoolean(p.more());
    } else {
      w.writeNullableString(p.message());
    }
    return w.toByteArray();
  }

  public static Page decodePage(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    KvCodec.expectVersion(r, "scan page");
    Status status = Status.fromLogCode(r.readByte("scan status"));
    Page p;
    if (status == Status.OK) {
      int n = r.readCount("scan entries", 8);
      SortedMap<String, String> m = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        m.put(r.readString("scan key"), r.readString("scan value"));
      }
      p = new Page(Status.OK, m, r.readBoolean("scan more"), null);
    } else {
      p = Page.of(status, r.readNullableString("scan message"));
    }
    r.expectEnd("scan page");
    return p;
  }
}
