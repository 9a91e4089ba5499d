package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RaftReadIndexTest {

  @Test
  void readIndexIsTheCommitIndexConfirmedByAHeartbeatQuorumWithoutAppendingToTheLog() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    for (int i = 0; i < 3; i++) c.propose(1, "w" + i);
    c.settle();
    long lastIndex = c.node(1).lastIndex();
    assertEquals(new ReadIndexResult.Pending(77), c.node(1).readIndex(77));
    c.drain();
    assertEquals(List.of(new ReadState(77, 4)), c.readStates.get(1));
    assertEquals(lastIndex, c.node(1).lastIndex(), "no log append for a read");
  }

  @Test
  void readIsNotConfirmedBeforeTheLeaderCommitsAnEntryOfItsOwnTerm() {
    // A new leader whose no-op cannot commit yet (followers drop its appends) must not answer.
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.dropIf = m -> m instanceof RaftMessage.AppendEntries;
    c.electLeader(1);
    c.node(1).readIndex(5);
    c.tickAll(6); // heartbeats go round and are acknowledged, but nothing commits
    assertEquals(0, c.node(1).commitIndex());
    assertEquals(List.of(), c.readStates.get(1));
    c.dropIf = m -> false;
    c.tickAll(6);
    assertEquals(List.of(new ReadState(5, 1)), c.readStates.get(1), "read index = the no-op's index");
  }

  @Test
  void readNeedsAcknowledgementsFromAQuorumAndFailsWhenLeadershipIsLost() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.isolated.add(1);
    c.node(1).readIndex(9);
    for (int i = 0; i < 5; i++) c.tick(1);
    assertEquals(List.of(), c.readStates.get(1), "no quorum, no answer");
    for (int i = 0; i < 2 * c.configs.get(1).electionTimeoutMinTicks(); i++) c.tick(1);
    assertEquals(Role.FOLLOWER, c.node(1).role());
    assertEquals(List.of(9L), c.abortedReads.get(1), "reported as aborted, to be retried elsewhere");
    assertEquals(List.of(), c.readStates.get(1));
  }

  @Test
  void oneFollowerAcknowledgementCompletesAQuorumOfThree() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.isolated.add(3);
    c.node(1).readIndex(1);
    c.node(1).readIndex(2);
    c.drain();
    assertEquals(List.of(new ReadState(1, 1), new ReadState(2, 1)), c.readStates.get(1));
  }

  @Test
  void readStartedAfterAWriteCommitsSeesThatWrite() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.propose(1, "x");
    c.node(1).readIndex(3);
    c.drain();
    assertEquals(List.of(new ReadState(3, 2)), c.readStates.get(1));
    assertEquals(List.of("x"), c.machines.get(1));
  }

  @Test
  void singleNodeConfirmsReadsAlone() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(1);
    c.electLeader(1);
    c.node(1).readIndex(4);
    c.drain();
    assertEquals(List.of(new ReadState(4, 1)), c.readStates.get(1));
  }

  @Test
  void followerAnswersReadsWithTheLeaderHint() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(2);
    c.settle();
    assertEquals(new NotLeader(2), c.node(1).readIndex(1));
  }

  @Test
  void staleLeaderCannotConfirmAReadAfterANewerLeaderWasElected() {
    // Old leader 1 is cut off while 2 is elected (CheckQuorum off, so 1 does not step down alone).
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withCheckQuorum(false), Map.of(), 5);
    c.electLeader(1);
    c.settle();
    c.isolated.add(1);
    c.electLeader(2);
    c.propose(2, "new");
    c.isolated.clear();
    // Node 1 still believes it leads term 1 until it hears term 2; its read must never be confirmed
    // with an index that misses "new".
    c.node(1).readIndex(8);
    c.drain();
    assertEquals(List.of(), c.readStates.get(1));
    assertEquals(List.of(8L), c.abortedReads.get(1));
    assertEquals(Role.FOLLOWER, c.node(1).role());
    assertEquals(List.of("new"), c.machines.get(2));
  }
}
