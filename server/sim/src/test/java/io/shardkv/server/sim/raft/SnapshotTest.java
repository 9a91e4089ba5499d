package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * 6.824 lab 2D on the simulator: the state machine snapshots every {@link #INTERVAL} applied
 * entries; followers that fell behind the compacted prefix get InstallSnapshot (in 1 KiB chunks);
 * restarts load snapshot plus log tail. Every applied prefix is checked identical on all nodes,
 * including state restored from snapshots.
 */
class SnapshotTest {
  static final int INTERVAL = 10;
  /** In-memory entries beyond the snapshot: the interval, plus one iteration's unreplicated batch. */
  static final long MAX_LOG_LENGTH = 2 * INTERVAL + 2 * INTERVAL;

  private static RaftHarness harness(int nodes, long seed) {
    return new RaftHarness(RaftHarness.labTiming(RaftSimOptions.defaults(seed, nodes)).withSnapshotEvery(INTERVAL));
  }

  private static void snapCommon(long seed, boolean disconnect, boolean reliable, boolean crash) {
    int iters = 30;
    RaftHarness h = harness(3, seed);
    h.setUnreliable(!reliable);
    h.one(h.randomCommand(), 3, true);
    int leader1 = h.checkOneLeader();
    for (int i = 0; i < iters; i++) {
      int victim = (leader1 + 1) % 3;
      int sender = leader1;
      if (i % 3 == 1) {
        sender = (leader1 + 1) % 3;
        victim = leader1;
      }
      if (disconnect) {
        h.disconnect(victim);
        h.one(h.randomCommand(), 2, true);
      }
      if (crash) {
        h.crash1(victim);
        h.one(h.randomCommand(), 2, true);
      }
      // Perhaps send enough to get a snapshot taken.
      long nn = INTERVAL / 2 + h.rnd.below(INTERVAL);
      for (int j = 0; j < nn; j++) h.start(sender, h.randomCommand());
      // Let applier threads catch up with the starts, but not the victim.
      if (!disconnect && !crash) h.one(h.randomCommand(), 3, true);
      else h.one(h.randomCommand(), 2, true);
      assertTrue(h.maxLogLength() <= MAX_LOG_LENGTH, "log length " + h.maxLogLength() + " exceeds " + MAX_LOG_LENGTH);
      if (disconnect) {
        // Reconnect a follower, who may be behind and need to receive a snapshot to catch up.
        h.connect(victim);
        h.one(h.randomCommand(), 3, true);
        leader1 = h.checkOneLeader();
      }
      if (crash) {
        h.start1(victim);
        h.connect(victim);
        h.one(h.randomCommand(), 3, true);
        leader1 = h.checkOneLeader();
      }
    }
    assertTrue(h.cluster.committedIndex() > iters * INTERVAL / 2, "too little was committed");
    if (disconnect || crash) assertTrue(h.snapshotChunks > 0, "no follower ever needed InstallSnapshot");
  }

  /** 6.824: TestSnapshotBasic2D. */
  @Test
  void snapshotsKeepTheLogShortWithoutFailures() {
    snapCommon(2301, false, true, false);
  }

  /** 6.824: TestSnapshotInstall2D. */
  @Test
  void disconnectedFollowerCatchesUpByInstallSnapshot() {
    snapCommon(2302, true, true, false);
  }

  /** 6.824: TestSnapshotInstallUnreliable2D. */
  @Test
  void installSnapshotOverAnUnreliableNetwork() {
    snapCommon(2303, true, false, false);
  }

  /** 6.824: TestSnapshotInstallCrash2D. */
  @Test
  void crashedFollowerCatchesUpByInstallSnapshot() {
    snapCommon(2304, false, true, true);
  }

  /** 6.824: TestSnapshotInstallUnCrash2D. */
  @Test
  void crashedFollowerCatchesUpByInstallSnapshotOverAnUnreliableNetwork() {
    snapCommon(2305, false, false, true);
  }

  /** 6.824: TestSnapshotAllCrash2D. */
  @Test
  void allNodesCrashAfterSnapshotsAndRecoverFromThem() {
    RaftHarness h = harness(3, 2306);
    h.one(h.randomCommand(), 3, true);
    for (int i = 0; i < 5; i++) {
      long nn = INTERVAL / 2 + h.rnd.below(INTERVAL);
      for (int j = 0; j < nn; j++) h.one(h.randomCommand(), 3, true);
      long index1 = h.one(h.randomCommand(), 3, true);
      for (int k = 0; k < 3; k++) h.crash1(k);
      for (int k = 0; k < 3; k++) {
        h.start1(k);
        h.connect(k);
      }
      long index2 = h.one(h.randomCommand(), 3, true);
      assertTrue(index2 >= index1 + 1, "index decreased from " + index1 + " to " + index2);
    }
  }

  /** 6.824: TestSnapshotInit2D. */
  @Test
  void restartedNodesStartFromTheirSnapshot() {
    RaftHarness h = harness(3, 2307);
    h.one(h.randomCommand(), 3, true);
    for (int i = 0; i < INTERVAL + 1; i++) h.one(h.randomCommand(), 3, true);
    for (int k = 0; k < 3; k++) h.crash1(k);
    for (int k = 0; k < 3; k++) {
      h.start1(k);
      h.connect(k);
      assertTrue(h.node(k).snapshotMeta().lastIndex() >= INTERVAL,
          "n" + k + " restarted without its snapshot: " + h.node(k).snapshotMeta());
    }
    h.one(h.randomCommand(), 3, true);
    for (int k = 0; k < 3; k++) h.crash1(k);
    for (int k = 0; k < 3; k++) {
      h.start1(k);
      h.connect(k);
    }
    h.one(h.randomCommand(), 3, true);
  }
}
