package io.shardkv.driver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.Configuration;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
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

  @Test
  void indefiniteWireStatusesRetryAsTimeoutAndDefiniteOnesNeverDo() {
    for (io.shardkv.driver.protocol.Status s : io.shardkv.driver.protocol.Status.values()) {
      Status r = Wiring.toRouting(s);
      if (s == io.shardkv.driver.protocol.Status.TIMEOUT || s == io.shardkv.driver.protocol.Status.SERVER_ERROR) {
        assertEquals(Status.TIMEOUT, r, s.name());
      } else {
        assertFalse(r == Status.TIMEOUT, s + " is definite on the wire but would be retried as maybe-executed");
      }
    }
    assertEquals(Status.WRONG_LEADER, Wiring.toRouting(io.shardkv.driver.protocol.Status.SHUTTING_DOWN));
  }

  @Test
  void everyStateMachineStatusHasAWireStatusOfTheSameDefiniteness() {
    for (Status s : Status.values()) {
      io.shardkv.driver.protocol.Status w = Wiring.toWire(s);
      boolean indefinite = s == Status.TIMEOUT || s == Status.STALE_REQUEST;
      assertEquals(indefinite, w == io.shardkv.driver.protocol.Status.TIMEOUT || w == io.shardkv.driver.protocol.Status.SERVER_ERROR, s.name());
    }
    assertTrue(Wiring.toWire(Status.OK) == io.shardkv.driver.protocol.Status.OK);
  }
}
