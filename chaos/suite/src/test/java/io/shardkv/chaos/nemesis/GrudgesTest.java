package io.shardkv.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrudgesTest {
  static List<String> hosts(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> "n" + i).toList();
  }

  @Test
  void halvesCutTheSmallerFirstHalfFromTheRest() {
    assertEquals(Map.of("n1", Set.of("n3", "n4", "n5"), "n2", Set.of("n3", "n4", "n5"),
        "n3", Set.of("n1", "n2"), "n4", Set.of("n1", "n2"), "n5", Set.of("n1", "n2")), Grudges.halves(hosts(5)));
  }

  @Test
  void isolatingOneHostCutsItFromEveryoneBothWays() {
    SortedMap<String, SortedSet<String>> g = Grudges.isolate(hosts(5), List.of("n3"));
    assertEquals(Set.of("n1", "n2", "n4", "n5"), g.get("n3"));
    for (String n : List.of("n1", "n2", "n4", "n5")) {
      assertEquals(Set.of("n3"), g.get(n));
    }
  }

  @Test
  void isolatingTheLeadersPutsEachAloneAndTheRestTogether() {
    SortedMap<String, SortedSet<String>> g = Grudges.isolate(hosts(5), List.of("n2", "n4"));
    assertEquals(Set.of("n1", "n3", "n4", "n5"), g.get("n2"));
    assertEquals(Set.of("n1", "n2", "n3", "n5"), g.get("n4"));
    assertEquals(Set.of("n2", "n4"), g.get("n1"));
  }

  @Test
  void aBridgeTalksToBothHalvesWhichCannotTalkToEachOther() {
    SortedMap<String, SortedSet<String>> g = Grudges.bridge(hosts(5));
    assertEquals("n3", Grudges.bridgeHost(hosts(5)));
    assertFalse(g.containsKey("n3"), "the bridge drops nobody");
    g.values().forEach(drops -> assertFalse(drops.contains("n3"), "nobody drops the bridge"));
    assertEquals(Set.of("n4", "n5"), g.get("n1"));
    assertEquals(Set.of("n1", "n2"), g.get("n5"));
  }

  @Test
  void randomShapesDependOnlyOnTheRandomSeed() {
    assertEquals(Grudges.randomHalves(hosts(5), new Random(9)), Grudges.randomHalves(hosts(5), new Random(9)));
    assertEquals(Grudges.majoritiesRing(hosts(7), new Random(9)), Grudges.majoritiesRing(hosts(7), new Random(9)));
    Set<Object> shapes = new HashSet<>();
    for (int seed = 0; seed < 20; seed++) {
      shapes.add(Grudges.randomHalves(hosts(5), new Random(seed)));
    }
    assertTrue(shapes.size() > 3, "random halves vary with the seed");
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 5, 7})
  void inAMajoritiesRingEveryHostSeesADifferentMajorityAndIsSeenByAMajority(int n) {
    for (int seed = 0; seed < 50; seed++) {
      List<String> nodes = hosts(n);
      SortedMap<String, SortedSet<String>> g = Grudges.majoritiesRing(nodes, new Random(seed));
      int majority = n / 2 + 1;
      Set<Set<String>> views = new HashSet<>();
      for (String x : nodes) {
        SortedSet<String> sees = Grudges.visible(nodes, g, x);
        assertEquals(majority, sees.size(), x + " sees " + sees + " in " + g);
        assertTrue(sees.contains(x), "a host never drops itself");
        views.add(new TreeSet<>(sees));
        long seenBy = nodes.stream().filter(y -> Grudges.visible(nodes, g, y).contains(x)).count();
        assertEquals(majority, seenBy, x + " is seen by " + seenBy + " hosts in " + g);
      }
      assertEquals(n, views.size(), "no two hosts see the same majority: " + g);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 7})
  void noMajorityInAMajoritiesRingCanTalkAmongItselfBothWays(int n) {
    // with 3 hosts a majority is 2 and each host's window of 2 is a mutual pair by construction
    List<String> nodes = hosts(n);
    SortedMap<String, SortedSet<String>> g = Grudges.majoritiesRing(nodes, new Random(1));
    int majority = n / 2 + 1;
    for (int mask = 0; mask < 1 << n; mask++) {
      if (Integer.bitCount(mask) != majority) {
        continue;
      }
      List<String> group = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        if ((mask & 1 << i) != 0) {
          group.add(nodes.get(i));
        }
      }
      boolean clique = group.stream().allMatch(a -> group.stream().allMatch(b -> Grudges.visible(nodes, g, a).contains(b)));
      assertFalse(clique, "hosts " + group + " all hear each other: a plain partition, not a ring " + g);
    }
  }
}
