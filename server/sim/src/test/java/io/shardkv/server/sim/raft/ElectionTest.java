package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** 6.824 lab 2A (InitialElection, ReElection, ManyElections) on the simulator. */
class ElectionTest {

  /** 6.824: TestInitialElection2A. */
  @Test
  void initialElectionElectsOneLeaderAndTheTermStaysPutWithoutFailures() {
    RaftHarness h = new RaftHarness(3, 2001);
    h.checkOneLeader();
    h.sleep(50);
    long term1 = h.checkTerms();
    assertTrue(term1 >= 1, "term is " + term1 + ", but should be at least 1");
    h.sleep(2 * 1000);
    long term2 = h.checkTerms();
    assertEquals(term1, term2, "term changed even though there were no failures");
    h.checkOneLeader();
  }

  /** 6.824: TestReElection2A. */
  @Test
  void reElectionAfterLeaderDisconnectsAndNoLeaderWithoutQuorum() {
    RaftHarness h = new RaftHarness(3, 2002);
    int leader1 = h.checkOneLeader();
    h.disconnect(leader1);
    h.checkOneLeader();
    h.connect(leader1);
    int leader2 = h.checkOneLeader();
    h.disconnect(leader2);
    h.disconnect((leader2 + 1) % 3);
    h.sleep(2 * 1000);
    h.checkNoLeader();
    h.connect((leader2 + 1) % 3);
    h.checkOneLeader();
    h.connect(leader2);
    h.checkOneLeader();
  }

  /** 6.824: TestManyElections2A. */
  @Test
  void manyElectionsOnSevenNodesWithThreeRandomlyDisconnected() {
    RaftHarness h = new RaftHarness(7, 2003);
    h.checkOneLeader();
    for (int ii = 1; ii < 10; ii++) {
      int i1 = h.rnd.below(7);
      int i2 = h.rnd.below(7);
      int i3 = h.rnd.below(7);
      h.disconnect(i1);
      h.disconnect(i2);
      h.disconnect(i3);
      h.checkOneLeader();
      h.connect(i1);
      h.connect(i2);
      h.connect(i3);
    }
    h.checkOneLeader();
  }
}
