package io.shardkv.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.db.Topology;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The member nemesis's choices on the lab's shape (5 hosts; the config center on n1..n3, group 1 on
 * n1, n4, n5, group 2 on n2..n4): what may be removed, where a fresh replica goes, under which id.
 */
class MemberPlanTest {
  private static final Set<String> ALL_UP = Set.of("n1", "n2", "n3", "n4", "n5");
  private final Topology topology = Topology.place(
      IntStream.rangeClosed(1, 5).mapToObj(k -> new Host("n" + k, "198.19.0." + k, 22, "root", null)).toList(),
      Topology.Shape.defaults(), Topology.defaultSettings());
  private final MemberPlan plan = new MemberPlan(topology);

  @Test
  void theShapeIsTheLabs() {
    assertEquals(Map.of(0, List.of(1, 2, 3), 1, List.of(1, 4, 5), 2, List.of(2, 3, 4)), topology.groups());
  }

  @Test
  void aRemovalNeverTakesAGroupBelowAMajorityOfItsFullSize() {
    assertEquals(List.of(1, 4, 5), plan.removable(1, List.of(1, 4, 5)));
    assertEquals(List.of(), plan.removable(1, List.of(1, 4)), "2 voters of 3: one more removal would leave 1");
    assertEquals(List.of(1, 4, 5, 103), plan.removable(1, List.of(1, 4, 5, 103)), "4 voters after a replace whose removal was refused");
  }

  @Test
  void theConfigCenterKeepsAMajorityOfItsSeedServers_theAddressesClientsKnowItBy() {
    assertEquals(List.of(1, 2, 3), plan.removable(0, List.of(1, 2, 3)));
    assertEquals(List.of(104), plan.replaceable(0, List.of(1, 2, 104)), "only 2 seed voters left: neither may go");
    assertEquals(List.of(1, 2, 104), plan.replaceable(1, List.of(1, 2, 104)), "shard groups are published to the config center");
  }

  @Test
  void aFreshReplicaGoesToAHostWithNoMemberOfTheGroup_underItsFirstNeverUsedId() {
    for (int seed = 0; seed < 20; seed++) {
      Topology.Server s = plan.fresh(0, List.of(1, 2, 3), null, ALL_UP, new Random(seed)).orElseThrow();
      assertTrue(Set.of(4, 5).contains(s.id()), "n4 or n5 under its own id (never in group 0): " + s.id());
    }
    assertEquals(Optional.empty(), plan.fresh(0, List.of(1, 2, 3), null, Set.of("n1", "n2", "n3"), new Random(1)),
        "n4 and n5 do not answer: no host to put it on");
  }

  @Test
  void aRemovedVoterIsReAddedOnItsOwnHost_underASpareId_thenTheNextOne() {
    plan.removed(1, 5); // n5's replica of group 1 went
    Topology.Server s = plan.fresh(1, List.of(1, 4), plan.lastRemovedFrom(1), ALL_UP, new Random(3)).orElseThrow();
    assertEquals(105, s.id(), "n5 again, but server 5 was in group 1's seed: its first spare");
    assertEquals("n5", s.node());
    plan.adding(1, 105);
    plan.removed(1, 105);
    assertEquals(205, plan.fresh(1, List.of(1, 4), "n5", ALL_UP, new Random(3)).orElseThrow().id());
    plan.adding(1, 205);
    Topology.Server other = plan.fresh(1, List.of(1, 4), "n5", ALL_UP, new Random(3)).orElseThrow();
    assertTrue(Set.of(2, 3).contains(other.id()), "n5 has no fresh id left for group 1: another host's own id, " + other.id());
  }

  @Test
  void everyIdOnceAddedIsBurntForThatGroupOnly() {
    plan.adding(2, 1);
    assertTrue(plan.fresh(2, List.of(2, 3, 4), "n1", ALL_UP, new Random(1)).map(Topology.Server::id).orElseThrow() == 101);
    assertEquals(4, plan.fresh(0, List.of(1, 2, 3), "n4", ALL_UP, new Random(1)).orElseThrow().id(), "group 0 may still use server 4");
  }
}
