package io.shardkv.server.sim.raft;

import io.shardkv.server.raft.RaftConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The knobs of a simulated Raft cluster. Durations in simulated milliseconds, Raft timeouts in
 * ticks.
 *
 * @param seed               the one number the whole run derives from
 * @param nodes              cluster size
 * @param tickMs             length of one Raft tick
 * @param diskLatencyMinMs   shortest flush
 * @param diskLatencyMaxMs   longest flush
 * @param electionMinTicks   lower bound of the election timeout
 * @param electionMaxTicks   upper bound (exclusive) of the election timeout
 * @param heartbeatTicks     heartbeat interval
 * @param snapshotEvery      take a snapshot when this many entries were applied since the last
 *                           one (0: never)
 * @param preVote            PreVote on
 * @param checkQuorum        CheckQuorum and leader stickiness on
 * @param trace              collect the nodes' trace lines
 * @param ackBeforeFlush     a deliberately broken driver that sends acknowledgements before the
 *                           flush: only for showing that the invariants catch it (the production
 *                           switch of PlantedBug.ACK_BEFORE_FSYNC)
 * @param unsafe             the Raft core's deliberately broken switches (PlantedBug's vote-before-persist,
 *                           commit-on-minority, lease-reads), {@link RaftConfig.Unsafe#NONE} normally
 * @param seedVoters         how many of the nodes (0..seedVoters-1) form the group's seed configuration;
 *                           the others start outside it ({@link RaftConfig#joining}) and take part only
 *                           once added by a membership change; 0 = all nodes (the default)
 */
public record RaftSimOptions(long seed, int nodes, long tickMs, long diskLatencyMinMs, long diskLatencyMaxMs,
                             int electionMinTicks, int electionMaxTicks, int heartbeatTicks,
                             int snapshotEvery, boolean preVote, boolean checkQuorum, boolean trace,
                             boolean ackBeforeFlush, RaftConfig.Unsafe unsafe,
                             int seedVoters) {

  public RaftSimOptions {
    if (nodes < 1 || nodes > 64) throw new IllegalArgumentException("--nodes must be in 1..64, got " + nodes);
    if (tickMs < 1) throw new IllegalArgumentException("tick must be >= 1 ms, got " + tickMs);
    if (diskLatencyMinMs < 0 || diskLatencyMaxMs < diskLatencyMinMs) {
      throw new IllegalArgumentException("disk latency range must satisfy 0 <= min <= max");
    }
    if (snapshotEvery < 0) throw new IllegalArgumentException("snapshotEvery must be >= 0");
    java.util.Objects.requireNonNull(unsafe, "unsafe");
    if (seedVoters < 0 || seedVoters > nodes) {
      throw new IllegalArgumentException("seed voters must be in 0.." + nodes + ", got " + seedVoters);
    }
  }

  /** 10 ms ticks, 1–5 ms flushes, election timeout 10–20 ticks, heartbeat 2 ticks, no snapshots. */
  public static RaftSimOptions defaults(long seed, int nodes) {
    return new RaftSimOptions(seed, nodes, 10, 1, 5, 10, 20, 2, 0, true, true, false, false, RaftConfig.Unsafe.NONE, 0);
  }

  public RaftSimOptions withSeed(long s) {
    return new RaftSimOptions(s, nodes, tickMs, diskLatencyMinMs, diskLatencyMaxMs, electionMinTicks,
        electionMaxTicks, heartbeatTicks, snapshotEvery, preVote, checkQuorum, trace, ackBeforeFlush, unsafe, seedVoters);
  }

  public RaftSimOptions withTimeouts(int electionMin, int electionMax, int heartbeat) {
    return new RaftSimOptions(seed, nodes, tickMs, diskLatencyMinMs, diskLatencyMaxMs, electionMin,
        electionMax, heartbeat, snapshotEvery, preVote, checkQuorum, trace, ackBeforeFlush, unsafe, seedVoters);
  }

  public RaftSimOptions withSnapshotEvery(int entries) {
    return new RaftSimOptions(seed, nodes, tickMs, diskLatencyMinMs, diskLatencyMaxMs, electionMinTicks,
        electionMaxTicks, heartbeatTicks, entries, preVote, checkQuorum, trace, ackBeforeFlush, unsafe, seedVoters);
  }

  public RaftSimOptions withPreVoteAndCheckQuorum(boolean preVoteOn, boolean checkQuorumOn) {
    return new RaftSimOptions(seed, nodes, tickMs, diskLatencyMinMs, diskLatencyMaxMs, electionMinTicks,
        electionMaxTicks, heartbeatTicks, snapshotEvery, preVoteOn, checkQuorumOn, trace, ackBeforeFlush, unsafe, seedVoters);
  }

  public RaftSimOptions withTrace(boolean on) {
    return new RaftSimOptions(seed, nodes, tickMs, diskLatencyMinMs, diskLatencyMaxMs, electionMinTicks,
        electionMaxTicks, heartbeatTicks, snapshotEvery, preVote, checkQuorum, on, ackBeforeFlush, unsafe, seedVoters);
  }

  /** The broken "acknowledge before flush" driver with slow disks, to test the checker itself. */
  public RaftSimOptions withAckBeforeFlushBug(long diskMinMs, long diskMaxMs) {
    return new RaftSimOptions(seed, nodes, tickMs, diskMinMs, diskMaxMs, electionMinTicks,
        electionMaxTicks, heartbeatTicks, snapshotEvery, preVote, checkQuorum, trace, true, unsafe, seedVoters);
  }

  /** The planted bugs of the Raft core and the Ready driver (production switches; docs/chaos.md, Mutants). */
  public RaftSimOptions withUnsafe(RaftConfig.Unsafe u, boolean ackBeforeFlushOn) {
    return new RaftSimOptions(seed, nodes, tickMs, diskLatencyMinMs, diskLatencyMaxMs, electionMinTicks,
        electionMaxTicks, heartbeatTicks, snapshotEvery, preVote, checkQuorum, trace, ackBeforeFlushOn, u, seedVoters);
  }

  /** Only nodes 0..voters-1 are the seed configuration; the rest join by membership changes. */
  public RaftSimOptions withSeedVoters(int voters) {
    return new RaftSimOptions(seed, nodes, tickMs, diskLatencyMinMs, diskLatencyMaxMs, electionMinTicks,
        electionMaxTicks, heartbeatTicks, snapshotEvery, preVote, checkQuorum, trace, ackBeforeFlush, unsafe, voters);
  }

  /** The seed configuration's voters. */
  public List<Integer> seedMembers() {
    List<Integer> members = new ArrayList<>();
    for (int i = 0; i < (seedVoters == 0 ? nodes : seedVoters); i++) members.add(i);
    return members;
  }

  /** Longest election timeout in simulated milliseconds. */
  public long electionTimeoutMs() { return electionMaxTicks * tickMs; }

  RaftConfig raftConfig(int node) {
    List<Integer> members = seedMembers();
    RaftConfig base = members.contains(node) ? RaftConfig.of(1, node, members) : RaftConfig.joining(1, node, members);
    return base
        .withElectionTimeout(electionMinTicks, electionMaxTicks)
        .withHeartbeatTicks(heartbeatTicks)
        // Small chunks: a snapshot of the test state machine (under 2 KiB) spans several, so the sweeps
        // exercise the chunk window (its default size) under loss, duplication, reordering and crashes.
        .withSnapshotChunkBytes(128)
        .withPreVote(preVote)
        .withCheckQuorum(checkQuorum)
        .withUnsafe(unsafe);
  }
}
