package io.shardkv.driver.routing;

import java.nio.charset.StandardCharsets;

/**
 * Maps a key to its shard: 32-bit FNV-1a over the key's UTF-8 bytes, taken as an unsigned number,
 * modulo the shard count. Fixed forever (a change would move every key), independent of the JVM and
 * of {@link String#hashCode()}. FNV-1a: offset basis 2166136261, prime 16777619, per byte
 * {@code h = (h ^ b) * prime}.
 */
public final class ShardHash {
  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private ShardHash() {}

  public static int fnv1a32(byte[] bytes) {
    int h = FNV_OFFSET;
    for (byte b : bytes) {
      h ^= (b & 0xff);
      h *= FNV_PRIME;
    }
    return h;
  }

  /** The shard of {@code key}, in {@code [0, shardCount)}. */
  public static int shardOf(String key, int shardCount) {
    if (shardCount <= 0) {
      throw new IllegalArgumentException("shard count must be positive, got " + shardCount);
    }
    long unsigned = fnv1a32(key.getBytes(StandardCharsets.UTF_8)) & 0xffffffffL;
    return (int) (unsigned % shardCount);
  }
}
