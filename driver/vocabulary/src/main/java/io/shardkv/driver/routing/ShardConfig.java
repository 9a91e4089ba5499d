package io.shardkv.driver.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One numbered configuration of the cluster, as the config center publishes it and clients cache
 * it: which replica group (gid) owns each shard, and the servers of each group. Immutable. Gid 0
 * means "no group"; configuration 0 has no groups and every shard on gid 0.
 *
 * <p>Wire form ({@link #encode}/{@link #decode}): int num, int shardCount, shardCount ints (gids),
 * int groupCount, then per group in ascending gid order: int gid, int serverCount, strings.
 */
public final class ShardConfig {
  /** Upper bound on the shard count accepted anywhere; keeps decoding and rebalancing bounded. */
  public static final int MAX_SHARDS = 1 << 16;

  private final int num;
  private final int[] shards;
  private final SortedMap<Integer, List<String>> groups;

  public ShardConfig(int num, int[] shards, Map<Integer, List<String>> groups) {
    if (num < 0) {
      throw new IllegalArgumentException("config number must be >= 0, got " + num);
    }
    if (shards.length == 0 || shards.length > MAX_SHARDS) {
      throw new IllegalArgumentException("shard count must be in [1, " + MAX_SHARDS + "], got "
          + shards.length);
    }
    SortedMap<Integer, List<String>> g = new TreeMap<>();
    for (Map.Entry<Integer, List<String>> e : groups.entrySet()) {
      if (e.getKey() <= 0) {
        throw new IllegalArgumentException("gid must be positive, got " + e.getKey());
      }
      g.put(e.getKey(), List.copyOf(e.getValue()));
    }
    for (int s = 0; s < shards.length; s++) {
      if (shards[s] != 0 && !g.containsKey(shards[s])) {
        throw new IllegalArgumentException("shard " + s + " is assigned to gid " + shards[s]
            + " which is not a group of config " + num);
      }
    }
    this.num = num;
    this.shards = shards.clone();
    this.groups = Collections.unmodifiableSortedMap(g);
  }

  /** Configuration 0: no groups, every shard unassigned. */
  public static ShardConfig initial(int shardCount) {
    return new ShardConfig(0, new int[shardCount], Map.of());
  }

  public int num() {
    return num;
  }

  public int shardCount() {
    return shards.length;
  }

  /** The gid owning {@code shard}, 0 if none. */
  public int ownerOf(int shard) {
    return shards[shard];
  }

  public int[] shards() {
    return shards.clone();
  }

  /** Groups by ascending gid; each server list in the order the group joined with. */
  public SortedMap<Integer, List<String>> groups() {
    return groups;
  }

  public List<String> serversOf(int gid) {
    return groups.getOrDefault(gid, List.of());
  }

  /** The shard a key belongs to under this configuration's shard count. */
  public int shardOfKey(String key) {
    return ShardHash.shardOf(key, shards.length);
  }

  /** Shards owned by {@code gid}, ascending. */
  public List<Integer> shardsOf(int gid) {
    List<Integer> out = new ArrayList<>();
    for (int s = 0; s < shards.length; s++) {
      if (shards[s] == gid) {
        out.add(s);
      }
    }
    return out;
  }

  public byte[] encode() {
    BinaryWriter w = new BinaryWriter(16 + shards.length * 4);
    encodeTo(w);
    return w.toByteArray();
  }

  public void encodeTo(BinaryWriter w) {
    w.writeInt(num).writeInt(shards.length);
    for (int gid : shards) {
      w.writeInt(gid);
    }
    w.writeInt(groups.size());
    for (Map.Entry<Integer, List<String>> e : groups.entrySet()) {
      w.writeInt(e.getKey()).writeInt(e.getValue().size());
      for (String server : e.getValue()) {
        w.writeString(server);
      }
    }
  }

  public static ShardConfig decode(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    ShardConfig c = decodeFrom(r);
    r.expectEnd("config");
    return c;
  }

  public static ShardConfig decodeFrom(BinaryReader r) {
    int num = r.readIntInRange("config number", 0, Integer.MAX_VALUE);
    int n = r.readIntInRange("shard count", 1, MAX_SHARDS);
    if ((long) n * 4 > r.remaining()) {
      throw new DecodeException("truncated config: " + n + " shards need " + (n * 4L)
          + " bytes but " + r.remaining() + " remain");
    }
    int[] shards = new int[n];
    for (int s = 0; s < n; s++) {
      shards[s] = r.readIntInRange("gid of shard " + s, 0, Integer.MAX_VALUE);
    }
    int groupCount = r.readCount("group count", 8);
    SortedMap<Integer, List<String>> groups = new TreeMap<>();
    for (int i = 0; i < groupCount; i++) {
      int gid = r.readIntInRange("gid", 1, Integer.MAX_VALUE);
      int serverCount = r.readCount("server count of gid " + gid, 4);
      List<String> servers = new ArrayList<>(serverCount);
      for (int j = 0; j < serverCount; j++) {
        servers.add(r.readString("server name"));
      }
      if (groups.put(gid, servers) != null) {
        throw new DecodeException("config " + num + " lists gid " + gid + " twice");
      }
    }
    try {
      return new ShardConfig(num, shards, groups);
    } catch (IllegalArgumentException e) {
      throw new DecodeException("inconsistent config: " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardConfig c && c.num == num && Arrays.equals(c.shards, shards)
        && c.groups.equals(groups);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * num + Arrays.hashCode(shards)) + groups.hashCode();
  }

  @Override
  public String toString() {
    return "Config{num=" + num + ", shards=" + Arrays.toString(shards) + ", groups=" + groups + "}";
  }
}
