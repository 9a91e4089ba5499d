package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Single-server membership changes (Raft thesis §4.1-4.3), one rule per test. The group is seeded
 * with voters 1, 2, 3; nodes 4 and 5 start outside it ({@link InMemoryRaftCluster#join}).
 */
class RaftMembershipTest {

  private static Membership voters(Integer... ids) { return Membership.ofVoters(List.of(ids)); }

  private static Membership of(List<Integer> voters, List<Integer> learners) { return new Membership(voters, learners); }

  private static long accepted(ProposeResult r) {
    assertInstanceOf(ProposeResult.Accepted.class, r, String.valueOf(r));
    return ((ProposeResult.Accepted) r).index();
  }

  private static String rejected(ProposeResult r) {
    assertInstanceOf(ProposeResult.Rejected.class, r, String.valueOf(r));
    return ((ProposeResult.Rejected) r).reason();
  }

  /** Leader 1 of voters {1,2,3} with learner 4 added and caught up. */
  private static InMemoryRaftCluster withLearner4() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.join(4);
    long idx = accepted(c.change(1, MembershipChange.addLearner(4)));
    c.settle();
    assertTrue(c.node(1).commitIndex() >= idx);
    return c;
  }

  @Test
  void aConfigEntryTakesEffectWhenAppendedNotWhenCommitted() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.isolated.addAll(List.of(2, 3));
    long idx = accepted(c.change(1, MembershipChange.addLearner(4)));
    assertTrue(c.node(1).commitIndex() < idx, "cannot commit with both followers cut off");
    assertEquals(of(List.of(1, 2, 3), List.of(4)), c.node(1).membership());
    assertEquals(idx, c.node(1).membershipIndex());
  }

  @Test
  void noTwoChangesInFlight() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.isolated.addAll(List.of(2, 3));
    accepted(c.change(1, MembershipChange.addLearner(4)));
    String why = rejected(c.change(1, MembershipChange.addLearner(5)));
    assertTrue(why.contains("a membership change is already in progress"), why);
    assertEquals(of(List.of(1, 2, 3), List.of(4)), c.node(1).membership(), "the second change was not appended");
    c.isolated.clear();
    c.settle();
    accepted(c.change(1, MembershipChange.addLearner(5))); // once the first has committed
  }

  /** Thesis §4.1 footnote (Ongaro, raft-dev 2015): no change before an entry of the leader's term commits. */
  @Test
  void aNewLeaderMakesNoChangeBeforeCommittingAnEntryOfItsTerm() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.dropIf = m -> m instanceof RaftMessage.AppendEntries; // the new leader's no-op never arrives
    c.electLeader(1);
    assertNotEquals(c.node(1).term(), c.node(1).termAt(c.node(1).commitIndex()));
    String why = rejected(c.node(1).proposeMembershipChange(MembershipChange.addLearner(4)));
    assertTrue(why.contains("has not committed an entry of its term"), why);
    c.dropIf = m -> false;
    c.settle();
    accepted(c.change(1, MembershipChange.addLearner(4)));
  }

  @Test
  void aLearnerReceivesTheLogButNeverCountsTowardCommit() {
    InMemoryRaftCluster c = withLearner4();
    c.propose(1, "a");
    c.settle();
    assertEquals(List.of("a"), c.machines.get(4), "the learner applies what the voters commit");
    c.isolated.addAll(List.of(2, 3));
    long idx = ((ProposeResult.Accepted) c.propose(1, "b")).index();
    c.tickAll(4);
    assertEquals(idx, c.node(4).lastIndex(), "the learner holds the entry");
    assertTrue(c.node(1).commitIndex() < idx, "leader + learner are 2 of 4 members but only 1 of 3 voters");
    c.isolated.clear();
    c.settle();
    assertTrue(c.node(1).commitIndex() >= idx);
  }

  @Test
  void aLearnerNeverCampaignsAndItsVoteNeverCounts() {
    InMemoryRaftCluster c = withLearner4();
    long term = c.node(4).term();
    for (int i = 0; i < 200; i++) c.tick(4);
    assertEquals(Role.FOLLOWER, c.node(4).role());
    assertEquals(term, c.node(4).term(), "no (pre-)election was started");
    assertTrue(c.sentOf(RaftMessage.RequestVote.class, 4, 1).isEmpty());
    assertFalse(c.node(1).transferLeadership(4), "a learner cannot be a transfer target");
    // Node 2 campaigns while voters 1 and 3 are unreachable: a granted pre-vote from learner 4 is no majority.
    c.crash(1);
    c.isolated.add(3);
    for (int i = 0; i < 100 && c.node(2).role() != Role.PRE_CANDIDATE; i++) c.tick(2);
    assertEquals(Role.PRE_CANDIDATE, c.node(2).role());
    assertTrue(c.sentOf(RaftMessage.RequestVote.class, 2, 4).isEmpty(), "a candidate asks only voters");
    long t = c.node(2).term();
    c.node(2).step(new RaftMessage.RequestVoteResponse(4, 2, t + 1, true, true));
    c.processReady(2);
    assertEquals(Role.PRE_CANDIDATE, c.node(2).role(), "2 and learner 4 are not a majority of voters {1,2,3}");
    c.node(2).step(new RaftMessage.RequestVoteResponse(3, 2, t + 1, true, true));
    c.processReady(2);
    assertEquals(Role.CANDIDATE, c.node(2).role(), "2 and voter 3 are");
  }

  /**
   * Found by the simulator ({@code sim raft --membership --seed 117}): a voter that has not yet
   * received its own promotion still answers vote requests, else a group that needs its vote to
   * elect the leader who would send it the promotion could never elect anyone.
   */
  @Test
  void aVoterThatDoesNotKnowItWasPromotedStillVotes() {
    InMemoryRaftCluster c = withLearner4();
    c.isolated.add(4);
    accepted(c.change(1, MembershipChange.promote(4)));
    c.settle();
    accepted(c.change(1, MembershipChange.remove(2)));
    c.settle();
    assertEquals(voters(1, 3, 4), c.node(3).membership());
    assertEquals(of(List.of(1, 2, 3), List.of(4)), c.node(4).membership(), "4 missed its promotion");
    c.crash(1);
    c.crash(2);
    c.isolated.clear();
    assertEquals(3, c.electAmong(3, 4), "3 needs the vote of 4, which thinks it is a learner");
    c.settle();
    assertEquals(voters(1, 3, 4), c.node(4).membership(), "and then learns it is a voter");
  }

  @Test
  void aLearnerIsPromotedOnlyOnceCaughtUpAndThenCountsAsAVoter() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.join(4);
    c.isolated.add(4);
    accepted(c.change(1, MembershipChange.addLearner(4)));
    c.settle();
    String why = rejected(c.change(1, MembershipChange.promote(4)));
    assertTrue(why.contains("learner 4 has not caught up"), why);
    c.isolated.clear();
    c.settle();
    accepted(c.change(1, MembershipChange.promote(4)));
    c.settle();
    assertEquals(voters(1, 2, 3, 4), c.node(4).membership());
    // Voters {1,2,3,4}: quorum 3. With 2 and 3 cut off, 1 and 4 are not enough; with 3 cut off, they are.
    c.isolated.addAll(List.of(2, 3));
    long idx = ((ProposeResult.Accepted) c.propose(1, "x")).index();
    c.tickAll(4);
    assertTrue(c.node(1).commitIndex() < idx);
    c.isolated.remove(2);
    c.tickAll(4);
    assertTrue(c.node(1).commitIndex() >= idx);
  }

  @Test
  void replacingAVoterAddsPromotesThenRemoves() {
    InMemoryRaftCluster c = withLearner4();
    accepted(c.change(1, MembershipChange.promote(4)));
    c.settle();
    accepted(c.change(1, MembershipChange.remove(3)));
    c.settle();
    assertEquals(voters(1, 2, 4), c.node(1).membership());
    assertEquals(voters(1, 2, 4), c.node(4).membership());
    c.crash(3);
    c.isolated.add(2);
    c.propose(1, "after");
    c.settle();
    assertEquals(List.of("after"), c.machines.get(4), "1 and 4 are a majority of {1,2,4}");
    String why = rejected(c.change(1, MembershipChange.remove(3)));
    assertTrue(why.contains("node 3 is not a member"), why);
  }

  /** Thesis §4.2.2: the leader stops counting itself at once, replicates until commit, then steps down. */
  @Test
  void aLeaderRemovingItselfStepsDownOnlyOnceTheRemovalCommits() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.isolated.add(3);
    long idx = accepted(c.change(1, MembershipChange.remove(1)));
    c.tickAll(4);
    assertEquals(Role.LEADER, c.node(1).role(), "still leading while the removal is uncommitted");
    assertTrue(c.node(1).commitIndex() < idx, "1 and 2 were a majority of {1,2,3}, but 1 no longer counts: 2 of {2,3} needed");
    c.isolated.clear();
    c.tickAll(4);
    assertTrue(c.node(2).commitIndex() >= idx, "the remaining voters learnt the commit");
    assertEquals(Role.FOLLOWER, c.node(1).role(), "stepped down after the commit");
    assertEquals(voters(2, 3), c.node(2).membership());
    long term = c.node(1).term();
    for (int i = 0; i < 100; i++) c.tick(1);
    assertEquals(term, c.node(1).term(), "a removed server never campaigns");
    int next = c.electAmong(2, 3);
    c.propose(next, "y");
    c.settle();
    assertEquals(List.of("y"), c.machines.get(next == 2 ? 3 : 2));
  }

  /** Thesis §4.1: "a server always uses the latest configuration in its log" — also when it is truncated. */
  @Test
  void aConfigEntryTruncatedByANewLeaderRevertsTheMembership() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.isolated.add(1);
    accepted(c.change(1, MembershipChange.addLearner(4)));
    assertEquals(of(List.of(1, 2, 3), List.of(4)), c.node(1).membership());
    int leader = c.electAmong(2, 3);
    c.propose(leader, "z");
    c.isolated.clear();
    c.settle();
    assertEquals(Role.FOLLOWER, c.node(1).role());
    assertEquals(voters(1, 2, 3), c.node(1).membership(), "the uncommitted config entry was overwritten");
    assertEquals(0, c.node(1).membershipIndex());
    assertEquals(List.of("z"), c.machines.get(1));
  }

  @Test
  void membershipSurvivesSnapshotAndRestart() {
    InMemoryRaftCluster c = withLearner4();
    accepted(c.change(1, MembershipChange.promote(4)));
    c.settle();
    c.propose(1, "a");
    c.settle();
    Membership expected = voters(1, 2, 3, 4);
    for (int id : List.of(1, 2, 3, 4)) c.takeSnapshot(id);
    assertEquals(expected, c.node(2).snapshotMeta().membership(), "the snapshot records the configuration at its index");
    assertEquals(expected, c.storages.get(2).load().snapshot().membership());
    c.crash(2);
    c.restart(2);
    assertEquals(expected, c.node(2).membership(), "restored from the snapshot, its log holds no config entry");
    assertEquals(0, c.node(2).membershipIndex());
    // A node restarted from its log alone derives the configuration from the config entries.
    InMemoryRaftCluster d = withLearner4();
    d.crash(3);
    d.restart(3);
    assertEquals(of(List.of(1, 2, 3), List.of(4)), d.node(3).membership());
  }

  @Test
  void aLearnerAddedAfterCompactionCatchesUpBySnapshotThatCarriesTheConfiguration() {
    InMemoryRaftCluster c = withLearner4();
    c.propose(1, "a");
    c.settle();
    c.takeSnapshot(1);
    c.join(5);
    accepted(c.change(1, MembershipChange.addLearner(5)));
    c.settle();
    assertEquals(of(List.of(1, 2, 3), List.of(4, 5)), c.node(5).membership());
    assertEquals(List.of("a"), c.machines.get(5));
    assertEquals(of(List.of(1, 2, 3), List.of(4)), c.node(5).snapshotMeta().membership(),
        "installed snapshot's configuration (then the config entry after it added 5)");
  }

  /**
   * Issue 16, dynamic address book: the address an addition carries is part of the configuration, so
   * it reaches every member through the log, survives compaction and restart, and a member added
   * later learns it from the snapshot it installs.
   */
  @Test
  void anAddressCarriedByAnAdditionReachesEveryMemberThroughLogSnapshotAndRestart() {
    Membership.Address a4 = new Membership.Address("10.0.0.4:7000", "10.0.0.4:8000");
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.join(4);
    accepted(c.change(1, MembershipChange.addLearner(4, a4)));
    c.settle();
    for (int id : List.of(1, 2, 3, 4)) assertEquals(a4, c.node(id).membership().address(4), "node " + id);
    accepted(c.change(1, MembershipChange.promote(4)));
    c.settle();
    c.propose(1, "a");
    c.settle();
    c.takeSnapshot(1);
    assertEquals(a4, c.storages.get(1).load().snapshot().membership().address(4), "the snapshot file carries it");
    c.join(5);
    accepted(c.change(1, MembershipChange.addLearner(5)));
    c.settle();
    assertEquals(a4, c.node(5).snapshotMeta().membership().address(4), "a later member learns it from the snapshot");
    assertEquals(a4, c.node(5).membership().address(4));
    assertNull(c.node(5).membership().address(5), "an addition without an address carries none");
    c.crash(1);
    c.restart(1);
    assertEquals(a4, c.node(1).membership().address(4), "restored from snapshot and log");
  }

  @Test
  void aSnapshotOfTheSeedConfigurationRecordsNone() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.propose(1, "a");
    c.settle();
    c.takeSnapshot(1);
    assertNull(c.node(1).snapshotMeta().membership(), "old formats keep being written when nothing changed");
  }

  /** Thesis §4.2.3: a removed server that never learnt of its removal cannot disrupt the group. */
  @Test
  void aRemovedServerThatMissedItsRemovalDoesNotDisruptTheLeader() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    c.isolated.add(3);
    accepted(c.change(1, MembershipChange.remove(3)));
    c.settle();
    assertEquals(voters(1, 2), c.node(2).membership());
    assertEquals(voters(1, 2, 3), c.node(3).membership(), "3 never heard of its removal");
    c.isolated.clear();
    long term = c.node(1).term();
    for (int i = 0; i < 200; i++) c.tick(1, 2, 3);
    assertEquals(Role.LEADER, c.node(1).role());
    assertEquals(term, c.node(1).term(), "3's (pre-)elections never raised the group's term");
    assertEquals(term, c.node(2).term());
    assertTrue(c.sentOf(RaftMessage.RequestVote.class, 3, 2).size() > 0, "3 did try");
  }

  @Test
  void inapplicableChangesAreRejectedWithTheReason() {
    InMemoryRaftCluster c = withLearner4();
    assertTrue(rejected(c.change(1, MembershipChange.addLearner(2))).contains("node 2 is already a voter"));
    assertTrue(rejected(c.change(1, MembershipChange.promote(2))).contains("it is a voter already"));
    assertTrue(rejected(c.change(1, MembershipChange.promote(7))).contains("add it as a learner first"));
    assertTrue(rejected(c.change(1, MembershipChange.remove(7))).contains("node 7 is not a member"));
    assertInstanceOf(NotLeader.class, c.change(2, MembershipChange.remove(3)));
    accepted(c.change(1, MembershipChange.remove(4)));
    c.settle();
    assertEquals(voters(1, 2, 3), c.node(1).membership());
  }

  @Test
  void membershipEncodingRoundTripsAndRejectsGarbage() {
    Membership m = of(List.of(3, 1, 2), List.of(9));
    assertEquals(m, Membership.decode(m.encode()));
    assertEquals(List.of(1, 2, 3), m.voters());
    assertNotNull(m.toString());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Membership.decode(new byte[] {1, 0}));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }
}
