package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RaftElectionTest {

  @Test
  void singleNodeElectsItselfAndCommitsItsNoopAfterPersisting() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(1);
    c.electLeader(1);
    RaftNode n = c.node(1);
    assertEquals(1, n.term());
    assertEquals(1, n.commitIndex());
    assertEquals(EntryKind.NOOP, n.entry(1).kind());
    assertEquals(new HardState(1, 1), c.storages.get(1).load().hardState());
  }

  @Test
  void firstNodeToTimeOutBecomesLeaderAndOthersFollowIt() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    for (int id = 1; id <= 3; id++) {
      RaftNode n = c.node(id);
      assertEquals(1, n.term(), "term of node " + id);
      assertEquals(1, n.leaderId(), "leader seen by node " + id);
      assertEquals(id == 1 ? Role.LEADER : Role.FOLLOWER, n.role());
      assertEquals(1, n.commitIndex(), "the leader's no-op is committed on node " + id);
    }
  }

  @Test
  void electionTimeoutsAreDrawnFromTheInjectedRandomSource() {
    // A random source that always answers 0 gives the minimum timeout: the election starts on the
    // 10th tick exactly (PreVote then vote happen in the same drain).
    RaftConfig cfg = RaftConfig.of(0, 1, List.of(1)).withElectionTimeout(10, 20);
    RaftNode n = new RaftNode(cfg, PersistedState.EMPTY, bound -> 0, TraceSink.NONE);
    for (int i = 0; i < 9; i++) n.tick();
    assertEquals(Role.FOLLOWER, n.role());
    n.tick();
    assertEquals(Role.LEADER, n.role());
    // The upper end: bound - 1 gives timeout 19.
    RaftNode m = new RaftNode(cfg, PersistedState.EMPTY, bound -> bound - 1, TraceSink.NONE);
    for (int i = 0; i < 18; i++) m.tick();
    assertEquals(Role.FOLLOWER, m.role());
    m.tick();
    assertEquals(Role.LEADER, m.role());
  }

  @Test
  void newLeaderCommitsEarlierTermEntriesThroughItsNoopWithoutClientTraffic() {
    // Node 1 holds an uncommitted entry of term 1 that nodes 2 and 3 also hold.
    List<LogEntry> log = List.of(new LogEntry(1, 1, EntryKind.COMMAND, "x".getBytes()));
    PersistedState s = new PersistedState(new HardState(1, HardState.NO_VOTE), SnapshotMeta.NONE, new byte[0], log);
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg, Map.of(1, s, 2, s, 3, s), 7);
    c.electLeader(2);
    c.settle();
    for (int id = 1; id <= 3; id++) {
      assertEquals(EntryKind.NOOP, c.node(id).entry(2).kind());
      assertEquals(2, c.node(id).term());
      assertEquals(2, c.node(id).commitIndex(), "entry 1 (term 1) committed via the term-2 no-op on " + id);
      assertEquals(List.of("x"), c.machines.get(id));
    }
  }

  @Test
  void preVoteKeepsARejoiningPartitionedNodeFromInflatingTermsOrDeposingTheLeader() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.isolated.add(3);
    for (int i = 0; i < 100; i++) c.tick(3); // many election timeouts alone
    assertEquals(1, c.node(3).term(), "pre-votes never succeed, so the term never grows");
    assertEquals(Role.PRE_CANDIDATE, c.node(3).role());
    c.isolated.clear();
    c.tickAll(20);
    assertEquals(Role.LEADER, c.node(1).role());
    for (int id = 1; id <= 3; id++) assertEquals(1, c.node(id).term(), "term of node " + id);
    assertEquals(1, c.node(3).leaderId());
  }

  @Test
  void withoutPreVoteAPartitionedNodeInflatesItsTermAndForcesAnElectionOnReturn() {
    // The contrast that shows the test above can fail: the same scenario with PreVote off.
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withPreVote(false).withCheckQuorum(false));
    c.electLeader(1);
    c.settle();
    c.isolated.add(3);
    for (int i = 0; i < 100; i++) c.tick(3);
    assertTrue(c.node(3).term() > 3, "term grew to " + c.node(3).term());
    c.isolated.clear();
    c.tickAll(40);
    assertTrue(c.node(1).term() > 1, "the old leader was forced into a higher term");
  }

  @Test
  void leaderIsolatedInMinorityStepsDownWithinElectionTimeout() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.isolated.add(1);
    int min = c.configs.get(1).electionTimeoutMinTicks();
    for (int i = 0; i < 2 * min; i++) c.tick(1);
    assertEquals(Role.FOLLOWER, c.node(1).role(), "CheckQuorum: no quorum heard within an election timeout");
    assertEquals(1, c.node(1).term(), "stepping down does not change the term");
  }

  @Test
  void leaderThatHearsFromAQuorumStaysLeaderIndefinitely() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.tickAll(500);
    assertEquals(Role.LEADER, c.node(1).role());
    assertEquals(1, c.node(1).term());
  }

  @Test
  void followerThatHeardFromLiveLeaderIgnoresVoteRequestsOfHigherTerm() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    RaftNode f = c.node(2);
    int before = c.sent.size();
    f.step(new RaftMessage.RequestVote(3, 2, 5, 10, 1, false, false));
    c.processReady(2);
    assertEquals(1, f.term(), "stickiness: the term is not raised");
    assertEquals(1, f.votedFor(), "still the term-1 vote for node 1");
    assertEquals(before, c.sent.size(), "no answer at all");
  }

  @Test
  void leadershipTransferRequestBypassesStickiness() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    RaftNode f = c.node(2);
    f.step(new RaftMessage.RequestVote(3, 2, 5, 10, 1, false, true));
    c.hold = true;
    c.processReady(2);
    assertEquals(5, f.term());
    assertEquals(3, f.votedFor());
    assertEquals(List.of(new RaftMessage.RequestVoteResponse(2, 3, 5, false, true)), List.copyOf(c.network));
  }

  @Test
  void nodeVotesAtMostOncePerTermButRepeatsItsVoteToTheSameCandidate() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), PersistedState.EMPTY, b -> 0, TraceSink.NONE);
    assertEquals(List.of(new RaftMessage.RequestVoteResponse(1, 2, 1, false, true)),
        answers(n, new RaftMessage.RequestVote(2, 1, 1, 0, 0, false, false)));
    assertEquals(List.of(new RaftMessage.RequestVoteResponse(1, 3, 1, false, false)),
        answers(n, new RaftMessage.RequestVote(3, 1, 1, 0, 0, false, false)));
    assertEquals(List.of(new RaftMessage.RequestVoteResponse(1, 2, 1, false, true)),
        answers(n, new RaftMessage.RequestVote(2, 1, 1, 0, 0, false, false)));
    assertEquals(2, n.votedFor());
  }

  @Test
  void voterRejectsCandidateWhoseLogIsLessUpToDate() {
    List<LogEntry> log = List.of(new LogEntry(1, 1, EntryKind.NOOP, new byte[0]),
        new LogEntry(2, 2, EntryKind.NOOP, new byte[0]));
    PersistedState s = new PersistedState(new HardState(2, HardState.NO_VOTE), SnapshotMeta.NONE, new byte[0], log);
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), s, b -> 0, TraceSink.NONE);
    // §5.4.1: lower last term loses even with a longer log.
    assertEquals(List.of(new RaftMessage.RequestVoteResponse(1, 2, 3, false, false)),
        answers(n, new RaftMessage.RequestVote(2, 1, 3, 9, 1, false, false)));
    // Same last term but shorter log loses.
    assertEquals(List.of(new RaftMessage.RequestVoteResponse(1, 3, 3, false, false)),
        answers(n, new RaftMessage.RequestVote(3, 1, 3, 1, 2, false, false)));
    // Same last term, same length wins.
    assertEquals(List.of(new RaftMessage.RequestVoteResponse(1, 3, 3, false, true)),
        answers(n, new RaftMessage.RequestVote(3, 1, 3, 2, 2, false, false)));
  }

  @Test
  void preVoteIsGrantedWithoutChangingTheVotersTermOrVote() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), PersistedState.EMPTY, b -> 0, TraceSink.NONE);
    assertEquals(List.of(new RaftMessage.RequestVoteResponse(1, 2, 1, true, true)),
        answers(n, new RaftMessage.RequestVote(2, 1, 1, 0, 0, true, false)));
    assertEquals(0, n.term());
    assertEquals(HardState.NO_VOTE, n.votedFor());
  }

  @Test
  void voteIsPersistedInTheSameReadyBeforeTheResponseMaySend() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), PersistedState.EMPTY, b -> 0, TraceSink.NONE);
    n.step(new RaftMessage.RequestVote(2, 1, 4, 0, 0, false, false));
    Ready rd = n.ready();
    assertEquals(new HardState(4, 2), rd.hardState());
    assertEquals(List.of(), rd.messagesBeforePersist());
    assertEquals(List.of(new RaftMessage.RequestVoteResponse(1, 2, 4, false, true)), rd.messagesAfterPersist());
    n.advance(rd);
  }

  @Test
  void candidateSendsVoteRequestsOnlyAfterItsTermAndSelfVoteArePersisted() {
    RaftConfig cfg = RaftConfig.of(0, 1, List.of(1, 2, 3)).withPreVote(false);
    RaftNode n = new RaftNode(cfg, PersistedState.EMPTY, b -> 0, TraceSink.NONE);
    for (int i = 0; i < cfg.electionTimeoutMinTicks(); i++) n.tick();
    Ready rd = n.ready();
    assertEquals(new HardState(1, 1), rd.hardState());
    assertEquals(List.of(), rd.messagesBeforePersist());
    assertEquals(List.of(new RaftMessage.RequestVote(1, 2, 1, 0, 0, false, false),
        new RaftMessage.RequestVote(1, 3, 1, 0, 0, false, false)), rd.messagesAfterPersist());
  }

  @Test
  void leadershipTransferMakesTheTargetLeaderAtOnce() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.propose(1, "a");
    assertTrue(c.node(1).transferLeadership(3));
    c.drain();
    assertEquals(Role.LEADER, c.node(3).role());
    assertEquals(2, c.node(3).term());
    assertEquals(Role.FOLLOWER, c.node(1).role());
    assertEquals(3, c.node(1).leaderId());
    c.settle();
    for (int id = 1; id <= 3; id++) assertEquals(List.of("a"), c.machines.get(id));
  }

  @Test
  void proposalsAreRejectedWhileALeadershipTransferIsInProgressAndResumeAfterItTimesOut() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.isolated.add(3); // the target never answers
    assertTrue(c.node(1).transferLeadership(3));
    assertFalse(c.node(1).transferLeadership(3), "already transferring to 3");
    assertTrue(c.propose(1, "x") instanceof ProposeResult.Rejected);
    for (int i = 0; i < c.configs.get(1).electionTimeoutMinTicks(); i++) c.tick(1, 2);
    assertEquals(Role.LEADER, c.node(1).role());
    assertTrue(c.propose(1, "y") instanceof ProposeResult.Accepted);
  }

  @Test
  void followerRedirectsProposalsToTheLeader() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    assertEquals(new NotLeader(1), c.propose(2, "x"));
    RaftNode fresh = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2)), PersistedState.EMPTY, b -> 0, TraceSink.NONE);
    assertEquals(new NotLeader(RaftNode.NO_LEADER), fresh.propose(new byte[0]));
  }

  @Test
  void aPartitionedMinorityNeverHasTwoLeadersInOneTerm() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(5);
    c.electLeader(1);
    c.settle();
    c.isolated.add(1);
    c.isolated.add(2);
    c.tickAll(100);
    assertTrue(c.node(1).role() != Role.LEADER, "the old leader stepped down: " + c.node(1));
    int leaders = 0;
    for (int id = 3; id <= 5; id++) if (c.node(id).role() == Role.LEADER) leaders++;
    assertEquals(1, leaders, "exactly one leader in the majority");
  }

  @Test
  void staleLeaderIsToldTheNewerTermByAFollowerAndStepsDown() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withCheckQuorum(false));
    c.electLeader(1);
    c.settle();
    c.isolated.add(1);
    c.electLeader(2);
    c.isolated.clear();
    c.dropIf = m -> m.from() == 2 && m.to() == 1; // the new leader cannot reach it
    c.tick(1);
    c.tick(1); // its heartbeats (term 1) reach node 3 (term 2), which answers with its term
    assertEquals(Role.FOLLOWER, c.node(1).role());
    assertEquals(2, c.node(1).term());
  }

  @Test
  void heartbeatNeverAdvancesAFollowersCommitBeyondItsLastIndex() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), PersistedState.EMPTY, b -> 0, TraceSink.NONE);
    assertEquals(List.of(new RaftMessage.HeartbeatResponse(1, 2, 1, 3)),
        answers(n, new RaftMessage.Heartbeat(2, 1, 1, 50, 3)));
    assertEquals(0, n.commitIndex());
    assertEquals(2, n.leaderId());
  }

  /** Steps {@code m} into {@code n} and returns the messages of the resulting Ready. */
  static List<RaftMessage> answers(RaftNode n, RaftMessage m) {
    n.step(m);
    Ready rd = n.ready();
    List<RaftMessage> out = new java.util.ArrayList<>(rd.messagesBeforePersist());
    out.addAll(rd.messagesAfterPersist());
    n.advance(rd);
    return out;
  }
}
