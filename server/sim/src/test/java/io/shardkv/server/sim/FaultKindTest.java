package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class FaultKindTest {

  @Test
  void parsesNoneAllAndCommaLists() {
    assertEquals(EnumSet.noneOf(FaultKind.class), FaultKind.parseList("none"));
    assertEquals(EnumSet.allOf(FaultKind.class), FaultKind.parseList("ALL"));
    assertEquals(EnumSet.of(FaultKind.DROP, FaultKind.CRASH, FaultKind.PARTITION),
        FaultKind.parseList(" drop, crash ,partition"));
  }

  @Test
  void unknownFaultIsRejectedNamingTheTokenAndTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultKind.parseList("drop,flood"));
    assertTrue(e.getMessage().contains("'flood'"), e.getMessage());
    assertTrue(e.getMessage().contains("partition"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FaultKind.parseList(""));
  }

  @Test
  void formatRoundTrips() {
    for (String s : new String[] {"none", "all", "drop,dup,pause"}) {
      assertEquals(s, FaultKind.format(FaultKind.parseList(s)));
    }
  }
}
