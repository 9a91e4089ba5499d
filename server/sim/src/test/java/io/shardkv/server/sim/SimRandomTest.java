package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimRandomTest {

  @Test
  void sameSeedGivesTheSameStream() {
    SimRandom a = new SimRandom(42);
    SimRandom b = new SimRandom(42);
    for (int i = 0; i < 1000; i++) assertEquals(a.nextLong(), b.nextLong());
  }

  @Test
  void streamIsPinnedToSplitMix64SoItReplaysOnAnyJvm() {
    // Reference values of SplitMix64 seeded with 0 (first three outputs).
    SimRandom r = new SimRandom(0);
    assertEquals(0xe220a8397b1dcdafL, r.nextLong());
    assertEquals(0x6e789e6aa1b965f4L, r.nextLong());
    assertEquals(0x06c45d188009454fL, r.nextLong());
  }

  @Test
  void forksWithDifferentLabelsDivergeAndForkingIsDeterministic() {
    SimRandom p1 = new SimRandom(7);
    SimRandom p2 = new SimRandom(7);
    SimRandom a1 = p1.fork("node-1");
    SimRandom a2 = p2.fork("node-1");
    for (int i = 0; i < 100; i++) assertEquals(a1.nextLong(), a2.nextLong());
    SimRandom x = new SimRandom(7).fork("node-1");
    SimRandom y = new SimRandom(7).fork("node-2");
    assertNotEquals(x.nextLong(), y.nextLong());
  }

  @Test
  void aForkDependsOnlyOnTheParentsSeedAndTheLabelSoANewStreamShiftsNoOther() {
    SimRandom before = new SimRandom(7);
    SimRandom network1 = before.fork("network");
    SimRandom after = new SimRandom(7);
    after.nextLong();               // a component that now draws from the parent
    after.fork("a-new-stream");     // and a stream added before the existing one
    SimRandom network2 = after.fork("network");
    for (int i = 0; i < 100; i++) assertEquals(network1.nextLong(), network2.nextLong());
  }

  @Test
  void forkingTheSameLabelTwiceFromOneParentIsRefused() {
    SimRandom p = new SimRandom(7);
    p.fork("client");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.fork("client"));
    assertTrue(e.getMessage().contains("'client' forked twice"), e.getMessage());
    assertNotEquals(new SimRandom(7).fork("x").nextLong(), new SimRandom(8).fork("x").nextLong(),
        "the parent's seed matters");
  }

  @Test
  void betweenStaysInBoundsAndReachesBothEnds() {
    SimRandom r = new SimRandom(3);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      long v = r.between(5, 9);
      assertTrue(v >= 5 && v <= 9, "out of range: " + v);
      seen.add(v);
    }
    assertEquals(Set.of(5L, 6L, 7L, 8L, 9L), seen);
    assertThrows(IllegalArgumentException.class, () -> r.between(3, 2));
  }

  @Test
  void chanceHonoursItsExtremesAndRoughlyItsMiddle() {
    SimRandom r = new SimRandom(11);
    int hits = 0;
    for (int i = 0; i < 10_000; i++) {
      assertFalse(r.chance(0));
      assertTrue(r.chance(1));
      if (r.chance(0.3)) hits++;
    }
    assertTrue(hits > 2700 && hits < 3300, "chance(0.3) hit " + hits + " of 10000");
  }
}
