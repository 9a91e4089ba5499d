package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.*;

import io.shardkv.server.raft.ProposeResult;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.raft.Role;
import io.shardkv.server.sim.LinkProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The seed project's Raft tests, on the simulator (every invariant checked throughout). */
class SeedScenarioTest {

  @Test
  void tenRoundsOfPartitioningARandomMinorityLeaveExactlyOneLeaderInTheMajority() {
    RaftHarness h = new RaftHarness(7, 2401);
    h.checkOneLeader();
    for (int round = 0; round < 10; round++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 7; i++) order.add(i);
      for (int i = 6; i > 0; i--) java.util.Collections.swap(order, i, h.rnd.below(i + 1));
      int minoritySize = 1 + h.rnd.below(3);
      List<Integer> minority = order.subList(0, minoritySize);
      List<Integer> majority = order.subList(minoritySize, 7);
      h.cluster.network().partition(List.of(minority, majority));
      h.sleep(2000);
      List<Integer> leaders = new ArrayList<>();
      long maxTerm = -1;
      for (int i : majority) maxTerm = Math.max(maxTerm, h.node(i).term());
      for (int i : majority) {
        RaftNode r = h.node(i);
        if (r.role() == Role.LEADER && r.term() == maxTerm) leaders.add(i);
      }
      assertEquals(1, leaders.size(), "round " + round + ": leaders in majority " + majority + ": " + leaders);
      for (int i : majority) {
        RaftNode r = h.node(i);
        if (r.role() == Role.LEADER) assertEquals(maxTerm, r.term(), "stale leader in the majority");
      }
      h.cluster.network().heal();
      h.sleep(500);
    }
    // At most one leader per term over the whole run is asserted by the invariants on every step.
    assertTrue(h.cluster.elections() >= 1);
  }

  @Test
  void fiveConcurrentProposersOnThreeNodesGetEveryValueCommitted() {
    RaftHarness h = new RaftHarness(3, 2402);
    h.checkOneLeader();
    List<String> all = new ArrayList<>();
    for (int p = 0; p < 5; p++) for (int k = 0; k < 20; k++) all.add("p" + p + "-" + k);
    // Each proposer submits its next value every few milliseconds to whichever node it picks.
    for (int p = 0; p < 5; p++) {
      int proposer = p;
      for (int k = 0; k < 20; k++) {
        String v = "p" + proposer + "-" + k;
        h.cluster.loop().after(h.rnd.between(0, 500), () -> {
          int target = h.cluster.currentLeader() >= 0 ? h.cluster.currentLeader() : h.rnd.below(3);
          byte[] b = v.getBytes(StandardCharsets.UTF_8);
          if (h.node(target) != null) h.cluster.submit(target, r -> r.propose(b));
        });
      }
    }
    h.sleep(600);
    h.oneAll(all, 3);
    assertTrue(h.appliedAnywhere().containsAll(all));
  }

  @Test
  void afterAQuorumIncludingTheLeaderCrashesAndTheLeaderReturnsProposalsCommit() {
    RaftHarness h = new RaftHarness(5, 2403);
    h.one("before", 5, true);
    int leader = h.checkOneLeader();
    int f1 = (leader + 1) % 5;
    int f2 = (leader + 2) % 5;
    h.crash1(leader);
    h.crash1(f1);
    h.crash1(f2);
    h.sleep(2000);
    h.checkNoLeader();
    assertFalse(h.start((leader + 3) % 5, "no-quorum") instanceof ProposeResult.Accepted,
        "a survivor without quorum accepted a proposal as leader");
    h.start1(leader);
    h.connect(leader);
    h.one("after-1", 3, true);
    h.one("after-2", 3, true);
    h.start1(f1);
    h.connect(f1);
    h.start1(f2);
    h.connect(f2);
    h.one("after-3", 5, true);
    assertEquals(0, h.countApplied("no-quorum"));
  }

  @Test
  void uncommittedEntriesOfIsolatedLeadersAreOverwritten() {
    RaftHarness h = new RaftHarness(5, 2404);
    h.one("base", 5, true);
    List<Long> orphanIndices = new ArrayList<>();
    Set<String> orphans = new HashSet<>();
    for (int round = 0; round < 3; round++) {
      int leader = h.checkOneLeader();
      h.disconnect(leader);
      for (int k = 0; k < 5; k++) {
        String v = "orphan-" + round + "-" + k;
        ProposeResult r = h.start(leader, v);
        assertInstanceOf(ProposeResult.Accepted.class, r, "isolated leader stopped accepting at once");
        orphanIndices.add(RaftHarness.acceptedIndex(r));
        orphans.add(v);
      }
      for (int k = 0; k < 8; k++) h.one("majority-" + round + "-" + k, 4, true);
      h.connect(leader);
      h.one("healed-" + round, 5, true);
    }
    for (String v : orphans) assertEquals(0, h.countApplied(v), v + " was committed");
    for (long index : orphanIndices) {
      RaftHarness.Committed c = h.nCommitted((int) index);
      assertFalse(orphans.contains(c.command()), "index " + index + " holds an orphan");
    }
  }

  @Test
  void threeHundredSerialProposalsWithRandomShutdownsOverAFaultyNetworkAllCommitWithABoundedLog() {
    int interval = 20;
    RaftHarness h = new RaftHarness(RaftHarness.labTiming(RaftSimOptions.defaults(2405, 5)).withSnapshotEvery(interval));
    h.cluster.network().setProfile(new LinkProfile(0.05, 0.02, 1, 40, 0.05, 100, 300));
    long maxLog = 0;
    for (int v = 0; v < 300; v++) {
      if (h.rnd.below(100) < 10) {
        int down = 0;
        for (int i = 0; i < 5; i++) if (h.node(i) == null) down++;
        int victim = h.rnd.below(5);
        if (h.node(victim) != null && down < 2) {
          h.crash1(victim);
        } else if (h.node(victim) == null) {
          h.start1(victim);
          h.connect(victim);
        }
      }
      h.one("serial-" + v, 3, true);
      maxLog = Math.max(maxLog, h.maxLogLength());
      assertTrue(maxLog <= 3L * interval, "log grew to " + maxLog + " entries: snapshots not taken in time");
    }
    for (int i = 0; i < 5; i++) {
      if (h.node(i) == null) h.start1(i);
      h.connect(i);
    }
    h.one("final", 5, true);
    Set<String> applied = h.appliedAnywhere();
    for (int v = 0; v < 300; v++) assertTrue(applied.contains("serial-" + v), "serial-" + v + " missing");
  }
}
