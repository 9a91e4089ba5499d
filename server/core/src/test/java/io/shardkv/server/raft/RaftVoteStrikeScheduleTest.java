package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite's {@code vote-strike} schedule (chaos/suite {@code VoteStrike}, docs/chaos.md "Vote
 * strikes") played deterministically on the production Raft core, PreVote and CheckQuorum on: the
 * leader L=1 dies; the follower V=2 has a slow disk (its flushes wait for {@link
 * InMemoryRaftCluster#finishFlush}); W=3 wins the election with V's vote and takes a client write; V
 * loses power before its flush and W is paused (cut off, not ticked); L and V come back and elect a
 * leader Z; W resumes. With {@code vote-before-persist} Z leads W's term — two leaders of one term —
 * and, once W resumes, both commit through the same follower, which takes either's appends as the
 * one leader's (Log Matching assumes one leader per term): the same index applied differently, a
 * write acknowledged by W that the majority never has. With the defaults the schedule is safe.
 */
class RaftVoteStrikeScheduleTest {
  private static final RaftConfig.Unsafe VOTE_BEFORE_PERSIST = new RaftConfig.Unsafe(true, false, false);
  private static final int L = 1;
  private static final int V = 2;
  private static final int W = 3;

  /**
   * L leads with "a" committed everywhere; V's disk becomes slow; L crashes; W and V tick (V stays
   * short of its own timeout: V's long timeout stands for its slow campaign in the lab) until W leads,
   * V's held flushes completing only if {@code flushV}. V's timeout range is wide so that it is out
   * of leader stickiness (the minimum) before it would campaign itself.
   */
  private static InMemoryRaftCluster provoked(RaftConfig.Unsafe unsafe, boolean flushV) {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3,
        cfg -> (cfg.nodeId() == V ? cfg.withElectionTimeout(10, 1000) : cfg).withUnsafe(unsafe));
    assertTrue(c.configs.get(V).preVote() && c.configs.get(V).checkQuorum());
    c.electLeader(L);
    c.propose(L, "a");
    c.settle();
    c.slowDisk(V);
    c.crash(L);
    for (int t = 0; t < 300 && c.node(W).role() != Role.LEADER; t++) {
      RaftNode v = c.node(V);
      if (v.electionElapsed + 1 < v.randomizedElectionTimeout) {
        c.tick(V, W);
      } else {
        c.tick(W);
      }
      if (flushV && c.heldFlushes.containsKey(V)) {
        c.finishFlush(V);
      }
    }
    return c;
  }

  /** The second election: its winner, and the term V came back at. */
  private record Second(int z, long voterTermAfterRestart) {}

  /** W, leader, takes a write; V loses power before its flush; W is paused; L and V come back and elect. */
  private static Second strikeAndElectAgain(InMemoryRaftCluster c) {
    c.propose(W, "w-write");
    c.crash(V);
    c.isolated.add(W);
    c.restart(L);
    c.restart(V);
    long vTerm = c.node(V).term();
    int z = c.electAmong(L, V);
    c.propose(z, "z-write");
    for (int i = 0; i < 10; i++) c.tick(L, V);
    return new Second(z, vTerm);
  }

  @Test
  void voteBeforePersistLetsTheScheduleElectTwoLeadersOfOneTermThatBothCommit() {
    InMemoryRaftCluster c = provoked(VOTE_BEFORE_PERSIST, false);
    assertEquals(Role.LEADER, c.node(W).role(), "W won with V's vote, sent before V's flush");
    assertTrue(c.heldFlushes.containsKey(V), "V's flush recording the vote still waits on the slow disk");
    long t = c.node(W).term();

    Second s = strikeAndElectAgain(c);
    int z = s.z();
    assertEquals(t - 1, s.voterTermAfterRestart(), "V came back at its old term: the vote was never durable");
    assertEquals(t, c.node(z).term(), "Election Safety broken: a second leader of W's term");
    assertTrue(c.machines.get(z).contains("z-write"));

    // W resumes: never ticked while paused, it still leads term t; the followers take its appends too.
    c.isolated.remove(W);
    for (int i = 0; i < 20; i++) c.tick(L, V, W);
    assertEquals(Role.LEADER, c.node(W).role());
    assertEquals(Role.LEADER, c.node(z).role());
    assertEquals(t, c.node(W).term());
    assertEquals(t, c.node(z).term());
    List<String> w = c.machines.get(W);
    List<String> zs = c.machines.get(z);
    assertTrue(w.contains("w-write"), "W committed and applied (so acknowledged) its write: " + w);
    assertFalse(zs.contains("w-write"), "the majority's leader never applied it: " + zs);
    assertEquals("z-write", zs.get(w.indexOf("w-write")), "State Machine Safety broken: one index applied differently");
  }

  @Test
  void withTheDefaultsTheSameScheduleElectsNoSecondLeaderOfTheTermAndNoStateDiverges() {
    assertNotEquals(Role.LEADER, provoked(RaftConfig.Unsafe.NONE, false).node(W).role(),
        "V's vote waits for its flush: W cannot win while the slow disk holds it");
    InMemoryRaftCluster c = provoked(RaftConfig.Unsafe.NONE, true);
    assertEquals(Role.LEADER, c.node(W).role(), "with V's flushes completing W wins");
    long t = c.node(W).term();

    Second s = strikeAndElectAgain(c);
    int z = s.z();
    assertTrue(s.voterTermAfterRestart() >= t, "V remembers the term it voted in");
    assertTrue(c.node(z).term() > t, "no second leader of W's term");

    c.isolated.remove(W);
    for (int i = 0; i < 20; i++) c.tick(L, V, W);
    assertEquals(1, c.leaderCount());
    List<String> lead = c.machines.get(z);
    for (int id : List.of(L, V, W)) {
      List<String> m = c.machines.get(id);
      assertEquals(lead.subList(0, Math.min(lead.size(), m.size())), m.subList(0, Math.min(lead.size(), m.size())),
          "node " + id + " applied what the leader applied, in order");
    }
  }
}
