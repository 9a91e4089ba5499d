package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RaftReplicationTest {

  private static LogEntry e(long index, long term) {
    return new LogEntry(index, term, EntryKind.COMMAND, ("v" + index + "t" + term).getBytes(StandardCharsets.UTF_8));
  }

  private static PersistedState state(long term, LogEntry... entries) {
    return new PersistedState(new HardState(term, HardState.NO_VOTE), SnapshotMeta.NONE, new byte[0], List.of(entries));
  }

  @Test
  void proposedCommandsCommitAndApplyInOrderOnEveryNode() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ProposeResult r = c.propose(1, "cmd" + i);
      assertEquals(new ProposeResult.Accepted(i + 2, 1), r, "index after the no-op at 1");
      expected.add("cmd" + i);
    }
    c.settle();
    for (int id = 1; id <= 3; id++) {
      assertEquals(expected, c.machines.get(id), "state machine of node " + id);
      assertEquals(21, c.node(id).commitIndex());
      assertEquals(21, c.node(id).appliedIndex());
    }
  }

  @Test
  void singleNodeLeaderCommitsAnEntryOnlyAfterItIsPersisted() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1)), PersistedState.EMPTY, b -> 0, TraceSink.NONE);
    while (n.role() != Role.LEADER) n.tick();
    Ready first = n.ready();
    assertEquals(List.of(new LogEntry(1, 1, EntryKind.NOOP, new byte[0])), first.entriesToAppend());
    assertEquals(0, n.commitIndex(), "the no-op is not durable yet");
    assertEquals(List.of(), first.committedEntries());
    n.advance(first);
    assertEquals(1, n.commitIndex(), "durable after advance: the leader counts itself");
    Ready second = n.ready();
    assertEquals(1, second.committedEntries().size());
    n.advance(second);
    assertEquals(1, n.appliedIndex());
  }

  @Test
  void leaderMaySendAppendsBeforePersistingButFollowerAcksOnlyAfterPersisting() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.node(1).propose("p".getBytes(StandardCharsets.UTF_8));
    Ready leaderReady = c.node(1).ready();
    assertEquals(1, leaderReady.entriesToAppend().size());
    assertEquals(2, leaderReady.messagesBeforePersist().size(), "one AppendEntries per follower, sendable at once");
    assertTrue(leaderReady.messagesBeforePersist().stream().allMatch(m -> m instanceof RaftMessage.AppendEntries));
    assertEquals(List.of(), leaderReady.messagesAfterPersist());
    RaftNode f = c.node(2);
    f.step(leaderReady.messagesBeforePersist().get(0));
    Ready followerReady = f.ready();
    assertEquals(leaderReady.entriesToAppend(), followerReady.entriesToAppend());
    assertEquals(List.of(), followerReady.messagesBeforePersist());
    assertEquals(List.of(new RaftMessage.AppendEntriesResponse(2, 1, 1, true, 2, 0, 0, 0)),
        followerReady.messagesAfterPersist());
    f.advance(followerReady);
    c.node(1).advance(leaderReady);
  }

  @Test
  void manyProposalsBetweenReadiesTravelInOneBatchedAppend() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    for (int i = 0; i < 10; i++) c.node(1).propose(("b" + i).getBytes(StandardCharsets.UTF_8));
    Ready rd = c.node(1).ready();
    assertEquals(2, rd.messagesBeforePersist().size());
    for (RaftMessage m : rd.messagesBeforePersist()) {
      assertEquals(10, ((RaftMessage.AppendEntries) m).entries().size());
    }
    c.node(1).advance(rd);
  }

  @Test
  void aCommitAndAProposalInOneTurnReachEachFollowerInOneAppend() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    RaftNode leader = c.node(1);
    ProposeResult.Accepted x = (ProposeResult.Accepted) leader.propose("x".getBytes(StandardCharsets.UTF_8));
    leader.advance(leader.ready()); // x sent to both followers and durable on the leader
    // In one turn: follower 2 acknowledges x (a quorum: x commits), and a client proposes y.
    leader.step(new RaftMessage.AppendEntriesResponse(2, 1, leader.term(), true, x.index(), 0, 0, 0));
    assertEquals(x.index(), leader.commitIndex());
    leader.propose("y".getBytes(StandardCharsets.UTF_8));
    Ready rd = leader.ready();
    List<RaftMessage> sent = rd.messagesBeforePersist();
    assertEquals(2, sent.size(), "one append per follower, not an empty one for the commit and another for y: " + sent);
    for (RaftMessage m : sent) {
      RaftMessage.AppendEntries a = (RaftMessage.AppendEntries) m;
      assertEquals(1, a.entries().size(), "carries y");
      assertEquals(x.index(), a.leaderCommit(), "and the new commit index");
    }
    leader.advance(rd);
  }

  @Test
  void twoCommitStepsInOneTurnReachEachFollowerInOneEmptyAppend() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    RaftNode leader = c.node(1);
    ProposeResult.Accepted x = (ProposeResult.Accepted) leader.propose("x".getBytes(StandardCharsets.UTF_8));
    leader.advance(leader.ready());
    ProposeResult.Accepted z = (ProposeResult.Accepted) leader.propose("z".getBytes(StandardCharsets.UTF_8));
    leader.advance(leader.ready()); // x and z sent to both followers (pipelined) and durable on the leader
    // In one turn: follower 2 acknowledges x (x commits), then follower 3 acknowledges z (z commits).
    leader.step(new RaftMessage.AppendEntriesResponse(2, 1, leader.term(), true, x.index(), 0, 0, 0));
    assertEquals(x.index(), leader.commitIndex());
    leader.step(new RaftMessage.AppendEntriesResponse(3, 1, leader.term(), true, z.index(), 0, 0, 0));
    assertEquals(z.index(), leader.commitIndex());
    Ready rd = leader.ready();
    assertEquals(2, rd.messagesBeforePersist().size(), "one per follower, not one per commit step: " + rd.messagesBeforePersist());
    for (RaftMessage m : rd.messagesBeforePersist()) {
      RaftMessage.AppendEntries a = (RaftMessage.AppendEntries) m;
      assertEquals(List.of(), a.entries());
      assertEquals(z.index(), a.leaderCommit(), "the latest commit index");
    }
    leader.advance(rd);
  }

  @Test
  void aFollowerAcknowledgesSeveralAppendsOfOneReadyOnce() {
    RaftNode f = new RaftNode(RaftConfig.of(0, 2, List.of(1, 2, 3)), PersistedState.EMPTY, b -> 0, TraceSink.NONE);
    f.step(new RaftMessage.AppendEntries(1, 2, 1, 0, 0, List.of(e(1, 1)), 0));
    f.step(new RaftMessage.AppendEntries(1, 2, 1, 1, 1, List.of(e(2, 1)), 0));
    f.step(new RaftMessage.AppendEntries(1, 2, 1, 2, 1, List.of(e(3, 1)), 0));
    Ready rd = f.ready();
    assertEquals(List.of(new RaftMessage.AppendEntriesResponse(2, 1, 1, true, 3, 0, 0, 0)), rd.messagesAfterPersist());
    f.advance(rd);
  }

  /** Ticks the leader until a periodic heartbeat round, returning the followers that got a heartbeat. */
  private static List<Integer> nextHeartbeatRound(RaftNode leader) {
    for (int i = 0; i < 100; i++) {
      leader.tick();
      Ready rd = leader.ready();
      List<Integer> to = rd.messagesBeforePersist().stream().filter(m -> m instanceof RaftMessage.Heartbeat)
          .map(RaftMessage::to).toList();
      leader.advance(rd);
      if (leader.heartbeatElapsed == 0) return to; // this tick was a round
    }
    throw new AssertionError("no heartbeat round in 100 ticks");
  }

  @Test
  void aPeriodicHeartbeatSkipsAFollowerThatWasSentAnAppendAndAnsweredSinceTheLastRound() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    RaftNode leader = c.node(1);
    assertEquals(List.of(2, 3), nextHeartbeatRound(leader), "idle: both");
    ProposeResult.Accepted x = (ProposeResult.Accepted) leader.propose("x".getBytes(StandardCharsets.UTF_8));
    leader.advance(leader.ready()); // x sent to 2 and 3
    leader.step(new RaftMessage.AppendEntriesResponse(2, 1, leader.term(), true, x.index(), 0, 0, 0));
    leader.advance(leader.ready());
    assertEquals(List.of(3), nextHeartbeatRound(leader), "2 was sent x and answered; 3 has not answered");
    assertEquals(List.of(2, 3), nextHeartbeatRound(leader), "nothing sent since the last round: both");
  }

  @Test
  void aPeriodicHeartbeatSkipsNoFollowerWhileAReadRoundAwaitsConfirmation() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    RaftNode leader = c.node(1);
    nextHeartbeatRound(leader);
    leader.readIndex(42);
    leader.advance(leader.ready()); // the read's own heartbeat round (its answers are never delivered)
    ProposeResult.Accepted x = (ProposeResult.Accepted) leader.propose("x".getBytes(StandardCharsets.UTF_8));
    leader.advance(leader.ready());
    leader.step(new RaftMessage.AppendEntriesResponse(2, 1, leader.term(), true, x.index(), 0, 0, 0));
    leader.step(new RaftMessage.AppendEntriesResponse(3, 1, leader.term(), true, x.index(), 0, 0, 0));
    leader.advance(leader.ready());
    assertEquals(List.of(2, 3), nextHeartbeatRound(leader), "the periodic round re-asks the read's confirmation");
  }

  @Test
  void appendBatchesRespectTheEntryCountLimit() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(2, cfg -> cfg.withAppendLimits(4, 1 << 20, 100));
    c.electLeader(1);
    c.settle();
    for (int i = 0; i < 10; i++) c.node(1).propose(("b" + i).getBytes(StandardCharsets.UTF_8));
    Ready rd = c.node(1).ready();
    List<Integer> sizes = new ArrayList<>();
    for (RaftMessage m : rd.messagesBeforePersist()) sizes.add(((RaftMessage.AppendEntries) m).entries().size());
    assertEquals(List.of(4, 4, 2), sizes);
    c.node(1).advance(rd);
  }

  @Test
  void pipeliningKeepsAtMostTheWindowOfAppendsUnacknowledgedPerFollower() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(2, cfg -> cfg.withAppendLimits(1, 1 << 20, 3));
    c.electLeader(1);
    c.settle();
    c.hold = true;
    int before = c.sentOf(RaftMessage.AppendEntries.class, 1, 2).size();
    for (int i = 0; i < 10; i++) c.node(1).propose(("w" + i).getBytes(StandardCharsets.UTF_8));
    c.processReady(1);
    List<RaftMessage.AppendEntries> appends = c.sentOf(RaftMessage.AppendEntries.class, 1, 2);
    assertEquals(3, appends.size() - before, "window of 3 in flight");
    // The follower receives all three and acks each; every acknowledgement frees one slot.
    for (int i = 0; i < 3; i++) c.deliverOne();
    assertEquals(3, c.sentOf(RaftMessage.AppendEntries.class, 1, 2).size() - before);
    c.deliverOne(); // first ack -> leader
    assertEquals(4, c.sentOf(RaftMessage.AppendEntries.class, 1, 2).size() - before);
    c.deliverOne(); // second ack -> leader
    assertEquals(5, c.sentOf(RaftMessage.AppendEntries.class, 1, 2).size() - before);
    c.hold = false;
    c.drain();
    c.settle();
    assertEquals(10, c.machines.get(2).size());
  }

  @Test
  void followerWithLongConflictingSuffixIsRepairedWithOneRejectionUsingConflictHints() {
    // Leader-to-be: 1@1 2@1 3@3 4@3. Node 2: 1@1 then 2..12 in term 2 (never committed).
    PersistedState leader = state(3, e(1, 1), e(2, 1), e(3, 3), e(4, 3));
    LogEntry[] stale = new LogEntry[12];
    stale[0] = e(1, 1);
    for (int i = 2; i <= 12; i++) stale[i - 1] = e(i, 2);
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg, Map.of(1, leader, 2, state(2, stale), 3, leader), 3);
    c.electLeader(1);
    c.settle();
    List<RaftMessage.AppendEntriesResponse> rejections = new ArrayList<>();
    for (RaftMessage.AppendEntriesResponse r : c.sentOf(RaftMessage.AppendEntriesResponse.class, 2, 1)) {
      if (!r.success()) rejections.add(r);
    }
    // prev 4@3 fails; hint says term 2 starts at 2; the leader has no term 2, so it resends from 2.
    assertEquals(List.of(new RaftMessage.AppendEntriesResponse(2, 1, 4, false, 0, 4, 2, 2)), rejections);
    assertEquals(InMemoryRaftCluster.log(c.node(1)), InMemoryRaftCluster.log(c.node(2)));
    assertEquals(5, c.node(2).commitIndex());
    assertEquals(5, c.storages.get(2).load().lastIndex(), "stale suffix truncated in storage too");
  }

  @Test
  void shorterFollowerLogIsCaughtUpInOneRoundTripUsingItsLength() {
    PersistedState leader = state(2, e(1, 1), e(2, 1), e(3, 2), e(4, 2), e(5, 2), e(6, 2));
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg, Map.of(1, leader, 2, state(1, e(1, 1)), 3, leader), 3);
    c.electLeader(1);
    c.settle();
    List<RaftMessage.AppendEntriesResponse> rejections = new ArrayList<>();
    for (RaftMessage.AppendEntriesResponse r : c.sentOf(RaftMessage.AppendEntriesResponse.class, 2, 1)) {
      if (!r.success()) rejections.add(r);
    }
    assertEquals(List.of(new RaftMessage.AppendEntriesResponse(2, 1, 3, false, 0, 6, 0, 2)), rejections);
    assertEquals(InMemoryRaftCluster.log(c.node(1)), InMemoryRaftCluster.log(c.node(2)));
  }

  @Test
  void figure8LeaderNeverCommitsAnEarlierTermEntryByCountingReplicas() {
    // Raft paper Fig. 8 (c): entry 2@2 is on a majority (1, 2, 3), but node 5 holds 2@3 and could
    // still win an election with votes from 2, 3 and 4 and overwrite it. So node 1, now leader in
    // term 4, must not commit index 2 until an entry of its own term is on a majority.
    // Nodes 3, 4 and 5 elected node 5 in term 3; nodes 1 and 2 have since heard of term 3.
    PersistedState s12 = state(3, e(1, 1), e(2, 2));
    PersistedState s34 = new PersistedState(new HardState(3, 5), SnapshotMeta.NONE, new byte[0], List.of(e(1, 1)));
    PersistedState s5 = new PersistedState(new HardState(3, 5), SnapshotMeta.NONE, new byte[0], List.of(e(1, 1), e(2, 3)));
    InMemoryRaftCluster c = new InMemoryRaftCluster(5, cfg -> cfg.withAppendLimits(1, 1 << 20, 8),
        Map.of(1, s12, 2, s12, 3, s34, 4, s34, 5, s5), 11);
    // Hold back every append that carries an entry of the new leader's term, unless the receiver
    // will reject it anyway (its log is too short): that rejection lets the leader back up and
    // copy 2@2 alone (one entry per append) to nodes 3 and 4.
    c.dropIf = m -> m instanceof RaftMessage.AppendEntries a
        && a.entries().stream().anyMatch(x -> x.term() == a.term())
        && c.node(a.to()).lastIndex() >= a.prevLogIndex();
    c.electLeader(1);
    long leaderTerm = c.node(1).term();
    assertEquals(4, leaderTerm);
    c.settle();
    assertEquals(2, c.node(3).lastIndex(), "2@2 reached node 3");
    assertEquals(2, c.node(4).lastIndex(), "2@2 reached node 4: the leader knows it is on 1, 3, 4");
    assertEquals(2, c.node(3).termAt(2));
    assertEquals(0, c.node(1).commitIndex(), "Fig. 8: not committed by counting replicas");
    c.dropIf = m -> false;
    c.settle();
    assertEquals(3, c.node(1).commitIndex(), "committed together with the term-" + leaderTerm + " no-op");
    for (int id = 1; id <= 5; id++) assertEquals(InMemoryRaftCluster.log(c.node(1)), InMemoryRaftCluster.log(c.node(id)));
  }

  @Test
  void uncommittedEntriesOfAnIsolatedLeaderAreOverwrittenByTheNewLeader() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.settle();
    c.isolated.add(1);
    for (int i = 0; i < 5; i++) c.propose(1, "lost" + i);
    assertEquals(6, c.node(1).lastIndex());
    c.tickAll(60);
    int leader = c.node(2).role() == Role.LEADER ? 2 : 3;
    assertEquals(Role.LEADER, c.node(leader).role());
    c.propose(leader, "kept");
    c.isolated.clear();
    c.tickAll(20);
    for (int id = 1; id <= 3; id++) {
      assertEquals(List.of("kept"), c.machines.get(id), "node " + id);
      assertEquals(InMemoryRaftCluster.log(c.node(leader)), InMemoryRaftCluster.log(c.node(id)));
    }
    assertTrue(c.storages.get(1).load().entries().stream().noneMatch(x -> new String(x.data()).startsWith("lost")));
  }

  @Test
  void replicationRecoversWhenTheLastAppendsOfAPipelineAreLost() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withAppendLimits(1, 1 << 20, 4));
    c.electLeader(1);
    c.settle();
    // Drop every append to node 3 carrying commands, once each.
    java.util.Set<Long> dropped = new java.util.TreeSet<>();
    c.dropIf = m -> m instanceof RaftMessage.AppendEntries a && a.to() == 3 && !a.entries().isEmpty()
        && dropped.add(a.entries().get(0).index());
    for (int i = 0; i < 6; i++) c.node(1).propose(("r" + i).getBytes(StandardCharsets.UTF_8));
    c.drain();
    assertEquals(1, c.node(3).lastIndex(), "node 3 got nothing");
    c.tickAll(40);
    assertEquals(List.of("r0", "r1", "r2", "r3", "r4", "r5"), c.machines.get(3));
  }

  @Test
  void restartedNodeKeepsTermVoteAndLogAndRelearnsTheCommitIndex() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    for (int i = 0; i < 5; i++) c.propose(1, "c" + i);
    c.settle();
    List<LogEntry> before = InMemoryRaftCluster.log(c.node(2));
    c.crash(2);
    c.restart(2);
    RaftNode n = c.node(2);
    assertEquals(1, n.term());
    assertEquals(1, n.votedFor());
    assertEquals(before, InMemoryRaftCluster.log(n));
    assertEquals(0, n.commitIndex(), "commit is volatile: starts at the snapshot index");
    c.settle();
    assertEquals(6, n.commitIndex());
    assertEquals(List.of("c0", "c1", "c2", "c3", "c4"), c.machines.get(2));
  }

  @Test
  void crashedLeaderRestartsAndLaterProposalsCommit() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.propose(1, "a");
    c.settle();
    c.crash(1);
    c.crash(2);
    c.restart(1);
    c.tickAll(60);
    c.restart(2);
    c.tickAll(60);
    int leader = -1;
    for (int id = 1; id <= 3; id++) if (c.node(id).role() == Role.LEADER) leader = id;
    assertTrue(leader > 0, "a leader exists");
    c.propose(leader, "b");
    c.settle();
    for (int id = 1; id <= 3; id++) assertEquals(List.of("a", "b"), c.machines.get(id), "node " + id);
  }
}
