package io.shardkv.driver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShardHashTest {
  @Test
  void fnv1aMatchesThePublishedTestVectors() {
    assertEquals(0x811c9dc5, ShardHash.fnv1a32(new byte[0]));
    assertEquals(0xe40c292c, ShardHash.fnv1a32("a".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0xbf9cf968, ShardHash.fnv1a32("foobar".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void shardOfAKeyIsFixedForeverAndUsesUtf8Bytes() {
    // Pinned values: changing the hash would move every stored key to another shard.
    assertEquals(0xbf9cf968L % 64, ShardHash.shardOf("foobar", 64));
    assertEquals(Integer.toUnsignedLong(ShardHash.fnv1a32("é".getBytes(StandardCharsets.UTF_8))) % 10,
        ShardHash.shardOf("é", 10));
  }

  @Test
  void keysSpreadOverEveryShard() {
    int[] hits = new int[64];
    for (int i = 0; i < 64_00; i++) {
      hits[ShardHash.shardOf("user:" + i, 64)]++;
    }
    for (int s = 0; s < 64; s++) {
      assertTrue(hits[s] > 50 && hits[s] < 150, "shard " + s + " got " + hits[s] + " of 6400 keys");
    }
  }

  @Test
  void nonPositiveShardCountIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> ShardHash.shardOf("k", 0));
  }
}
