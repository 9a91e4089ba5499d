package io.shardkv.driver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkv.driver.protocol.Configuration;
import io.shardkv.driver.routing.ShardConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WiringTest {
  @Test
  void configurationsConvertBothWaysWithoutLoss() {
    ShardConfig c = new ShardConfig(7, new int[] {1, 2, 2, 0}, new TreeMap<>(Map.of(1, List.of("a:1"), 2, List.of("b:1", "c:1"))));
    Configuration wire = Wiring.toConfiguration(c);
    assertEquals(7L, wire.num());
    assertEquals(c, Wiring.toShardConfig(wire));
  }

  @Test
  void configurationNumbersBeyondIntAreRejected() {
    Configuration wire = new Configuration(1L << 40, new int[] {0}, new TreeMap<>());
    assertThrows(IllegalArgumentException.class, () -> Wiring.toShardConfig(wire));
  }
}
