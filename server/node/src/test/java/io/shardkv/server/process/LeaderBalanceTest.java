package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.process.LeaderBalance.Move;
import io.shardkv.server.process.LeaderBalance.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The leader-balancing rule: who hands which shard group over, and when nothing moves. */
class LeaderBalanceTest {
  private static final List<Integer> ALL = List.of(1, 2, 3);

  /** Server {@code self}'s view when {@code leaders[g-1]} leads group g (every server a voter of every group, all ready). */
  private static List<View> views(int self, int... leaders) {
    List<View> vs = new ArrayList<>();
    for (int g = 1; g <= leaders.length; g++) {
      boolean mine = leaders[g - 1] == self;
      vs.add(new View(g, leaders[g - 1], ALL, mine ? Set.of(1, 2, 3) : Set.of(), false));
    }
    return vs;
  }

  @Test
  void aServerLeadingEveryGroupHandsOneToTheFirstServerLeadingNone() {
    Optional<Move> m = LeaderBalance.choose(3, views(3, 3, 3, 3));
    assertTrue(m.isPresent());
    assertEquals(1, m.get().group(), "lowest group first");
    assertEquals(1, m.get().to(), "lowest id among the least loaded");
    assertEquals(new TreeMap<>(Map.of(1, 0, 2, 0, 3, 3)), m.get().counts());
  }

  @Test
  void movesStopOnceNoServerLeadsTwoMoreThanAVoterOfItsGroups() {
    int[] leaders = {3, 3, 3};
    int moves = 0;
    // Each server applies the rule to its own view in turn until nobody moves.
    for (boolean moved = true; moved; ) {
      moved = false;
      for (int self : ALL) {
        Optional<Move> m = LeaderBalance.choose(self, views(self, leaders));
        if (m.isPresent()) {
          leaders[m.get().group() - 1] = m.get().to();
          moved = true;
          moves++;
        }
      }
      assertTrue(moves <= 10, "the rule converges");
    }
    assertEquals(2, moves);
    assertEquals(Set.of(1, 2, 3), Set.of(leaders[0], leaders[1], leaders[2]), "one group led by each server");
  }

  @Test
  void countsThatDifferByOneNeverMove() {
    assertTrue(LeaderBalance.choose(3, views(3, 3, 3, 1, 2, 1)).isEmpty(), "3 leads 2, 1 leads 2, 2 leads 1");
    assertTrue(LeaderBalance.choose(1, views(1, 1)).isEmpty(), "one group over three servers");
  }

  @Test
  void aDifferenceOfTwoMovesOneGroupToTheLeastLoadedVoter() {
    // Server 1 leads groups 1 and 2, server 2 leads group 3, server 3 leads nothing.
    Optional<Move> m = LeaderBalance.choose(1, views(1, 1, 1, 2));
    assertTrue(m.isPresent());
    assertEquals(3, m.get().to());
  }

  @Test
  void onlyAReadyFollowerIsATarget() {
    // 3 leads everything; 1 is down or behind (not ready): the group goes to 2.
    List<View> vs = new ArrayList<>();
    for (int g = 1; g <= 3; g++) vs.add(new View(g, 3, ALL, Set.of(2, 3), false));
    assertEquals(2, LeaderBalance.choose(3, vs).orElseThrow().to());
    // Nobody ready: nothing moves (a transfer to a dead server would refuse proposals for an election timeout).
    vs.clear();
    for (int g = 1; g <= 3; g++) vs.add(new View(g, 3, ALL, Set.of(), false));
    assertTrue(LeaderBalance.choose(3, vs).isEmpty());
  }

  @Test
  void nothingMovesWhileOneOfThisServersTransfersIsUnderWay() {
    List<View> vs = new ArrayList<>(views(3, 3, 3, 3));
    vs.set(2, new View(3, 3, ALL, Set.of(1, 2), true));
    assertTrue(LeaderBalance.choose(3, vs).isEmpty());
  }

  @Test
  void onlyTheLeaderMovesItsGroupAndOnlyToAVoterOfThatGroup() {
    assertTrue(LeaderBalance.choose(1, views(1, 3, 3, 3)).isEmpty(), "1 leads nothing: it is the target, not the mover");
    // Group 1 has voters {3, 4, 5}: 1 and 2 lead nothing but are not its voters; 4 leads group 2.
    List<View> vs = List.of(
        new View(1, 3, List.of(3, 4, 5), Set.of(4, 5), false),
        new View(2, 4, List.of(3, 4, 5), Set.of(), false),
        new View(3, 3, List.of(1, 2, 3), Set.of(1, 2), false),
        new View(4, 3, List.of(1, 2, 3), Set.of(1, 2), false));
    Move m = LeaderBalance.choose(3, vs).orElseThrow();
    assertEquals(1, m.group());
    assertEquals(5, m.to(), "of group 1's voters, 5 leads nothing (1 and 2 lead nothing too but are not its voters)");
  }

  @Test
  void unknownLeadersAreNotCounted() {
    // 3 leads two groups, the third has no known leader: 1 and 2 lead none → 3 sheds one.
    List<View> vs = List.of(new View(1, 3, ALL, Set.of(1, 2), false), new View(2, 3, ALL, Set.of(1, 2), false),
        new View(3, -1, ALL, Set.of(), false));
    assertEquals(1, LeaderBalance.choose(3, vs).orElseThrow().to());
  }
}
