package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Raft core's planted bugs ({@link RaftConfig.Unsafe}, docs/chaos.md "Mutants"): each switch
 * really breaks its guarantee in a scenario that exposes it, and the same scenario is safe with the
 * defaults. Each pair of tests differs only in the switch.
 */
class RaftPlantedBugsTest {

  @Test
  void defaultsPlantNoBug() {
    assertEquals(RaftConfig.Unsafe.NONE, RaftConfig.of(0, 1, List.of(1, 2, 3)).unsafe());
    assertFalse(RaftConfig.Unsafe.NONE.any());
    assertEquals(RaftConfig.Unsafe.NONE, RaftConfig.of(0, 1, List.of(1)).withPreVote(false).withCheckQuorum(false)
        .withElectionTimeout(20, 40).withHeartbeatTicks(3).withAppendLimits(1, 1, 1).withSnapshotChunkBytes(9).unsafe(),
        "no wither switches a bug on");
  }

  // ---- commit on minority: partitions ------------------------------------------------------------

  /** A leader cut off from both followers takes a write; then the majority elects a leader and writes. */
  private static InMemoryRaftCluster partitionedLeaderWrites(RaftConfig.Unsafe unsafe) {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withUnsafe(unsafe));
    c.electLeader(1);
    c.settle();
    c.isolated.add(1);
    c.propose(1, "acked-by-the-old-leader?");
    c.tick(1);
    for (int t = 0; t < 200 && c.node(2).role() != Role.LEADER && c.node(3).role() != Role.LEADER; t++) c.tick(2, 3);
    int leader = c.node(2).role() == Role.LEADER ? 2 : 3;
    c.propose(leader, "majority-write");
    c.settle();
    return c;
  }

  @Test
  void commitOnMinorityLetsACutOffLeaderCommitAndApplyAWriteTheMajorityOverwrites() {
    InMemoryRaftCluster c = partitionedLeaderWrites(new RaftConfig.Unsafe(false, true, false));
    assertTrue(c.machines.get(1).contains("acked-by-the-old-leader?"),
        "the cut-off leader committed and applied (so answered) the write alone: " + c.machines.get(1));
    int newLeader = c.node(2).role() == Role.LEADER ? 2 : 3;
    assertTrue(c.machines.get(newLeader).contains("majority-write"));
    assertFalse(c.machines.get(newLeader).contains("acked-by-the-old-leader?"), "the majority never saw it");
    // State Machine Safety (Raft paper Fig. 3) broken: the same index applied differently.
    int i = c.machines.get(1).indexOf("acked-by-the-old-leader?");
    assertNotEquals(c.machines.get(1).get(i), c.machines.get(newLeader).get(i));
  }

  @Test
  void withTheDefaultsACutOffLeaderCommitsNothing() {
    InMemoryRaftCluster c = partitionedLeaderWrites(RaftConfig.Unsafe.NONE);
    assertFalse(c.machines.get(1).contains("acked-by-the-old-leader?"), c.machines.get(1).toString());
    assertEquals(1, c.node(1).commitIndex(), "only the old leader's no-op, committed before the cut");
  }

  // ---- lease reads: a paused leader --------------------------------------------------------------

  /**
   * Leader 1 is paused (takes no ticks and no messages) while 2 and 3 elect a new leader and commit a
   * write; right after resuming, before hearing of the new term, 1 is asked for a read.
   */
  private static InMemoryRaftCluster pausedLeaderIsAskedToRead(RaftConfig.Unsafe unsafe) {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withUnsafe(unsafe));
    c.electLeader(1);
    c.propose(1, "old");
    c.settle();
    c.isolated.add(1); // paused: nothing in, nothing out, no ticks
    for (int t = 0; t < 200 && c.node(2).role() != Role.LEADER && c.node(3).role() != Role.LEADER; t++) c.tick(2, 3);
    int leader = c.node(2).role() == Role.LEADER ? 2 : 3;
    c.propose(leader, "new");
    c.settle();
    assertTrue(c.machines.get(leader).contains("new"), "the write is committed before the read starts");
    c.node(1).readIndex(7);
    c.processReady(1);
    return c;
  }

  @Test
  void leaseReadsLetAPausedLeaderAnswerAReadWithoutTheWriteCommittedMeanwhile() {
    InMemoryRaftCluster c = pausedLeaderIsAskedToRead(new RaftConfig.Unsafe(false, false, true));
    int leader = c.node(2).role() == Role.LEADER ? 2 : 3;
    assertEquals(1, c.readStates.get(1).size(), "answered at once from the lease");
    long readIndex = c.readStates.get(1).get(0).readIndex();
    assertTrue(readIndex < c.node(leader).commitIndex(),
        "stale: read index " + readIndex + " below the commit index " + c.node(leader).commitIndex()
            + " the new leader reached before the read began");
    assertEquals(List.of("old"), c.machines.get(1), "what the read would return lacks 'new'");
  }

  @Test
  void withTheDefaultsAPausedLeaderCannotConfirmAReadWithoutAQuorum() {
    InMemoryRaftCluster c = pausedLeaderIsAskedToRead(RaftConfig.Unsafe.NONE);
    for (int t = 0; t < 5; t++) c.tick(1);
    assertEquals(List.of(), c.readStates.get(1), "no heartbeat quorum, no read");
  }

  @Test
  void leaseReadsStillNeedAQuorumHeardWithinTheElectionTimeout() {
    // CheckQuorum off, so the leader stays leader and only the lease decides.
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withCheckQuorum(false).withUnsafe(new RaftConfig.Unsafe(false, false, true)));
    c.electLeader(1);
    c.settle();
    c.isolated.add(1);
    c.node(1).readIndex(8);
    c.processReady(1);
    assertEquals(1, c.readStates.get(1).size(), "within the lease: answered at once, no heartbeat round");
    for (int t = 0; t < c.configs.get(1).electionTimeoutMinTicks(); t++) c.tick(1);
    assertEquals(Role.LEADER, c.node(1).role());
    c.node(1).readIndex(9);
    c.processReady(1);
    assertEquals(1, c.readStates.get(1).size(), "the lease ran out on the leader's own clock: read 9 waits for a quorum");
  }

  // ---- vote before persist: kill -9 of a voter ---------------------------------------------------

  /**
   * Node 3 gets node 1's vote request for term 1; its flush has not completed when it is killed; it
   * restarts from its disk and gets node 2's request for the same term. Returns the granted votes
   * that left node 3.
   */
  private static List<RaftMessage.RequestVoteResponse> voterKilledBeforeItsFlush(RaftConfig.Unsafe unsafe) {
    RaftConfig cfg = RaftConfig.of(0, 3, List.of(1, 2, 3)).withUnsafe(unsafe);
    MemoryStorage disk = new MemoryStorage(PersistedState.EMPTY);
    List<RaftMessage.RequestVoteResponse> granted = new ArrayList<>();
    ReadyDriver.Transport wire = m -> {
      if (m instanceof RaftMessage.RequestVoteResponse v && v.granted()) granted.add(v);
    };
    ReadyDriver.Applier none = rd -> { };
    RaftNode voter = new RaftNode(cfg, disk.load(), bound -> 0, TraceSink.NONE);
    // The flush is requested and never completes: the process is killed first.
    ReadyDriver driver = new ReadyDriver(voter, disk, wire, none, batch -> { }, ReadyDriver.NO_HOOKS);
    driver.input(() -> voter.step(new RaftMessage.RequestVote(1, 3, 1, 0, 0, false, false)));
    disk.crash();
    RaftNode restarted = new RaftNode(cfg, disk.load(), bound -> 0, TraceSink.NONE);
    ReadyDriver again = new ReadyDriver(restarted, disk, wire, none, null, ReadyDriver.NO_HOOKS);
    again.input(() -> restarted.step(new RaftMessage.RequestVote(2, 3, 1, 0, 0, false, false)));
    return granted;
  }

  @Test
  void voteBeforePersistLetsAKilledVoterVoteTwiceInOneTerm() {
    List<RaftMessage.RequestVoteResponse> granted = voterKilledBeforeItsFlush(new RaftConfig.Unsafe(true, false, false));
    assertEquals(List.of(1, 2), granted.stream().map(RaftMessage::to).toList(),
        "two candidates of term 1 got node 3's vote: with their own, both have a majority of 3 (Election Safety broken)");
    assertTrue(granted.stream().allMatch(v -> v.term() == 1));
  }

  @Test
  void withTheDefaultsTheVoteThatWasNotDurableNeverLeft() {
    List<RaftMessage.RequestVoteResponse> granted = voterKilledBeforeItsFlush(RaftConfig.Unsafe.NONE);
    assertEquals(List.of(2), granted.stream().map(RaftMessage::to).toList(), "only the vote made durable was sent");
  }
}
