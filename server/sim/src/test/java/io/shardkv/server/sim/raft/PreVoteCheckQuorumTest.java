package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.*;

import io.shardkv.server.raft.Role;
import org.junit.jupiter.api.Test;

/** PreVote (thesis §9.6) and CheckQuorum with leader stickiness (§6.2, §4.2.3), on the simulator. */
class PreVoteCheckQuorumTest {

  private static RaftHarness harness(long seed, boolean preVoteAndCheckQuorum) {
    return new RaftHarness(RaftSimOptions.defaults(seed, 5).withPreVoteAndCheckQuorum(preVoteAndCheckQuorum,
        preVoteAndCheckQuorum));
  }

  @Test
  void partitionedFollowerRejoiningNeitherDeposesTheLeaderNorInflatesTerms() {
    RaftHarness h = harness(2501, true);
    h.one("x", 5, true);
    int leader = h.checkOneLeader();
    long term = h.node(leader).term();
    int follower = (leader + 1) % 5;
    h.disconnect(follower);
    h.sleep(5000);
    assertEquals(term, h.node(follower).term(), "the isolated follower inflated its term");
    h.connect(follower);
    h.sleep(3000);
    assertEquals(Role.LEADER, h.node(leader).role(), "the healthy leader was deposed");
    assertEquals(term, h.node(leader).term(), "the leader's term changed");
    h.one("y", 5, true);
  }

  @Test
  void withoutPreVoteTheSameRejoinDisruptsTheLeader() {
    // The counterpart of the test above: it shows that scenario can tell PreVote apart.
    RaftHarness h = harness(2501, false);
    h.one("x", 5, true);
    int leader = h.checkOneLeader();
    long term = h.node(leader).term();
    int follower = (leader + 1) % 5;
    h.disconnect(follower);
    h.sleep(5000);
    assertTrue(h.node(follower).term() > term, "without PreVote an isolated node keeps raising its term");
    h.connect(follower);
    h.sleep(3000);
    assertTrue(h.node(leader).term() > term, "without PreVote the rejoining node's term deposes the leader");
  }

  @Test
  void leaderIsolatedInAMinorityStepsDownWithinTwoElectionTimeouts() {
    RaftHarness h = harness(2502, true);
    h.one("x", 5, true);
    int leader = h.checkOneLeader();
    h.disconnect(leader);
    long bound = 2 * h.cluster.options().electionTimeoutMs();
    long t0 = h.now();
    boolean steppedDown = h.cluster.loop().runUntil(() -> h.node(leader).role() != Role.LEADER, t0 + bound);
    assertTrue(steppedDown, "isolated leader still leads " + bound + " ms later");
    int newLeader = h.checkOneLeader();
    assertNotEquals(leader, newLeader);
    h.connect(leader);
    h.one("y", 5, true);
  }

  @Test
  void leaderCutOffFromAllButOneFollowerStepsDown() {
    RaftHarness h = harness(2503, true);
    h.one("x", 5, true);
    int leader = h.checkOneLeader();
    int buddy = (leader + 1) % 5;
    java.util.List<Integer> minority = java.util.List.of(leader, buddy);
    java.util.List<Integer> majority = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) if (!minority.contains(i)) majority.add(i);
    h.cluster.network().partition(java.util.List.of(minority, majority));
    long bound = 2 * h.cluster.options().electionTimeoutMs();
    long t0 = h.now();
    assertTrue(h.cluster.loop().runUntil(() -> h.node(leader).role() != Role.LEADER, t0 + bound),
        "leader of a 2-node minority still leads " + bound + " ms later");
  }
}
