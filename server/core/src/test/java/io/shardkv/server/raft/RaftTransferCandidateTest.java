package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Which follower a leader hands over to when asked to stop (Raft thesis §3.10: the target must be
 * up to date before TimeoutNow, so the most up-to-date follower needs least; a follower the leader
 * has not heard from since its last CheckQuorum round, §6.2, may be down and is passed over).
 */
class RaftTransferCandidateTest {

  @Test
  void theCandidateIsTheFollowerWithTheHighestMatchNotTheLowestId() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(5);
    c.electLeader(1);
    c.settle();
    // Node 2 answers heartbeats (it stays active) but never receives entries: it falls behind.
    c.dropIf = m -> m instanceof RaftMessage.AppendEntries a && a.to() == 2 && !a.entries().isEmpty();
    c.propose(1, "a");
    c.propose(1, "b");
    c.settle();
    assertTrue(c.node(2).lastIndex() < c.node(3).lastIndex(), "node 2 is behind: " + c.node(2) + " vs " + c.node(3));
    assertEquals(3, c.node(1).transferCandidate(), "among the up-to-date 3, 4, 5 the lowest id; 2 is behind");
  }

  @Test
  void aFollowerNotHeardFromSinceTheLastCheckQuorumRoundIsPassedOverAndTheTransferToTheCandidateSucceeds() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.propose(1, "a");
    c.settle();
    assertEquals(2, c.node(1).transferCandidate(), "2 and 3 are both up to date: the lowest id");
    c.crash(2); // up to date, but silent from now on
    c.tickAll(c.configs.get(1).electionTimeoutMinTicks() + 3 * c.configs.get(1).heartbeatTicks());
    assertEquals(Role.LEADER, c.node(1).role(), "1 and 3 are a quorum");
    int candidate = c.node(1).transferCandidate();
    assertEquals(3, candidate, "2 was not heard from since the CheckQuorum round");
    assertTrue(c.node(1).transferLeadership(candidate));
    assertEquals(3, c.node(1).transferTarget(), "the leader reports the transfer under way");
    c.drain();
    assertEquals(Role.LEADER, c.node(3).role());
    assertEquals(RaftNode.NO_LEADER, c.node(1).transferTarget(), "a follower has no transfer under way");
    assertEquals(RaftNode.NO_LEADER, c.node(1).transferCandidate(), "only a leader names a candidate");
  }
}
