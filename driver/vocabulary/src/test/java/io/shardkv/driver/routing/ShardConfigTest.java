package io.shardkv.driver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardConfigTest {
  @Test
  void encodingRoundTripsExactly() {
    ShardConfig c = new ShardConfig(7, new int[] {1, 2, 1, 0}, Map.of(1, List.of("a:1", "b:1"),
        2, List.of("c:2")));
    assertEquals(c, ShardConfig.decode(c.encode()));
    assertEquals(List.of(0, 2), c.shardsOf(1));
    assertEquals(List.of("c:2"), c.serversOf(2));
  }

  @Test
  void shardOnAGroupTheConfigDoesNotListIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ShardConfig(1, new int[] {3}, Map.of()));
    assertTrue(e.getMessage().contains("gid 3"), e.getMessage());
  }

  @Test
  void decodingAnInconsistentConfigIsADecodeException() {
    byte[] bytes = new BinaryWriter().writeInt(1).writeInt(1).writeInt(5).writeInt(0).toByteArray();
    DecodeException e = assertThrows(DecodeException.class, () -> ShardConfig.decode(bytes));
    assertTrue(e.getMessage().contains("gid 5"), e.getMessage());
  }
}
