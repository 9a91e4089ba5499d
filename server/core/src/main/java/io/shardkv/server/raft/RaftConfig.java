package io.shardkv.server.raft;

import java.util.List;
import java.util.TreeSet;

/**
 * Static configuration of one Raft node. All durations are in ticks (calls of
 * {@link RaftNode#tick()}); the driver decides how long a tick is (e.g. 10 ms).
 *
 * @param groupId                 the Raft group this node belongs to; only used in trace lines
 * @param nodeId                  this node's id, {@code >= 0}
 * @param members                 the group's seed configuration: ids of its voting members when neither
 *                                the snapshot nor the log records a configuration (Raft thesis §4: the
 *                                configuration then lives in the log, see {@link Membership}); includes
 *                                {@code nodeId} unless {@code joining}; no duplicates
 * @param electionTimeoutMinTicks lower bound of the randomized election timeout (Raft paper §5.2);
 *                                also the leader-stickiness window (thesis §4.2.3)
 * @param electionTimeoutMaxTicks upper bound (exclusive) of the randomized election timeout
 * @param heartbeatTicks          how often a leader sends heartbeats; must be well below the
 *                                election timeout
 * @param maxEntriesPerAppend     at most this many entries in one AppendEntries (batching)
 * @param maxBytesPerAppend       at most about this many payload bytes in one AppendEntries (at
 *                                least one entry is always sent)
 * @param maxInflightAppends      at most this many unacknowledged AppendEntries per follower
 *                                (pipelining window, thesis §10.2.2)
 * @param snapshotChunkBytes      size of one InstallSnapshot chunk (Raft paper §7)
 * @param maxInflightSnapshotChunks at most this many unacknowledged InstallSnapshot chunks per
 *                                follower (the snapshot's pipelining window; 1 = stop-and-wait)
 * @param preVote                 run the PreVote phase before an election (thesis §9.6)
 * @param checkQuorum             a leader steps down after an election timeout without hearing from
 *                                a quorum; followers ignore vote requests while a leader is live
 *                                (thesis §6.2, §4.2.3)
 * @param joining                 this node is not in the seed configuration: it was started to be
 *                                added to the group later (as a learner, thesis §4.2.1) and learns
 *                                the group's configuration from the leader's log or snapshot; it
 *                                never campaigns while it is not a voter
 */
public record RaftConfig(int groupId, int nodeId, List<Integer> members,
                         int electionTimeoutMinTicks, int electionTimeoutMaxTicks, int heartbeatTicks,
                         int maxEntriesPerAppend, long maxBytesPerAppend, int maxInflightAppends,
                         int snapshotChunkBytes, int maxInflightSnapshotChunks, boolean preVote,
                         boolean checkQuorum, Unsafe unsafe, boolean joining) {

  /** Default size of a snapshot chunk: 256 KiB (a quarter of an append's byte budget). */
  public static final int DEFAULT_SNAPSHOT_CHUNK_BYTES = 256 * 1024;
  /** Default snapshot window: 4 chunks, 1 MiB in flight per follower (as much as one full append). */
  public static final int DEFAULT_MAX_INFLIGHT_SNAPSHOT_CHUNKS = 4;

  /**
   * Deliberately broken behaviour, each off by default and switched on only by a cluster config
   * that also says {@code i-know-this-is-unsafe = true} (the server's PlantedBug; docs/chaos.md,
   * "Mutants"). They exist to prove the chaos suite and the simulator can catch each violation.
   *
   * @param voteBeforePersist a granted vote leaves before the Ready that records it is durable
   *                          (breaks Raft paper Fig. 2 "respond after updating stable storage";
   *                          exposed by kill -9 of voters during elections)
   * @param commitOnMinority  the leader counts its own match twice in the commit rule (§5.3), so a
   *                          minority commits (exposed by partitions)
   * @param leaseReads        ReadIndex is answered at once while the leader heard from a quorum
   *                          within the last election timeout, counted in its own ticks from when the
   *                          acks arrived, with no clock-drift bound (thesis §6.4.1 done wrong;
   *                          exposed by pausing the leader)
   */
  public record Unsafe(boolean voteBeforePersist, boolean commitOnMinority, boolean leaseReads) {
    /** Every guarantee kept (the default). */
    public static final Unsafe NONE = new Unsafe(false, false, false);

    public boolean any() { return voteBeforePersist || commitOnMinority || leaseReads; }
  }

  public RaftConfig {
    members = List.copyOf(members);
    java.util.Objects.requireNonNull(unsafe, "unsafe (use RaftConfig.Unsafe.NONE)");
    if (nodeId < 0) throw new IllegalArgumentException("nodeId must be >= 0, got " + nodeId);
    if (new TreeSet<>(members).size() != members.size()) {
      throw new IllegalArgumentException("members contain duplicates: " + members);
    }
    for (int m : members) {
      if (m < 0) throw new IllegalArgumentException("member ids must be >= 0: " + members);
    }
    if (!joining && !members.contains(nodeId)) {
      throw new IllegalArgumentException("members " + members + " must include nodeId " + nodeId);
    }
    if (joining && members.contains(nodeId)) {
      throw new IllegalArgumentException("node " + nodeId + " is joining the group but the seed members "
          + members + " already include it; start it as a seed member instead");
    }
    if (members.isEmpty()) throw new IllegalArgumentException("members must not be empty");
    if (heartbeatTicks < 1) throw new IllegalArgumentException("heartbeatTicks must be >= 1");
    if (electionTimeoutMinTicks <= heartbeatTicks) {
      throw new IllegalArgumentException("electionTimeoutMinTicks (" + electionTimeoutMinTicks
          + ") must exceed heartbeatTicks (" + heartbeatTicks + ")");
    }
    if (electionTimeoutMaxTicks <= electionTimeoutMinTicks) {
      throw new IllegalArgumentException("electionTimeoutMaxTicks (" + electionTimeoutMaxTicks
          + ") must exceed electionTimeoutMinTicks (" + electionTimeoutMinTicks + ")");
    }
    if (maxEntriesPerAppend < 1) throw new IllegalArgumentException("maxEntriesPerAppend must be >= 1");
    if (maxBytesPerAppend < 1) throw new IllegalArgumentException("maxBytesPerAppend must be >= 1");
    if (maxInflightAppends < 1) throw new IllegalArgumentException("maxInflightAppends must be >= 1");
    if (snapshotChunkBytes < 1) throw new IllegalArgumentException("snapshotChunkBytes must be >= 1");
    if (maxInflightSnapshotChunks < 1) {
      throw new IllegalArgumentException("maxInflightSnapshotChunks must be >= 1, got " + maxInflightSnapshotChunks);
    }
  }

  /**
   * The configuration as it was before the snapshot window existed (kept for callers of that
   * constructor): {@link #DEFAULT_MAX_INFLIGHT_SNAPSHOT_CHUNKS} chunks in flight.
   */
  public RaftConfig(int groupId, int nodeId, List<Integer> members,
                    int electionTimeoutMinTicks, int electionTimeoutMaxTicks, int heartbeatTicks,
                    int maxEntriesPerAppend, long maxBytesPerAppend, int maxInflightAppends,
                    int snapshotChunkBytes, boolean preVote, boolean checkQuorum, Unsafe unsafe,
                    boolean joining) {
    this(groupId, nodeId, members, electionTimeoutMinTicks, electionTimeoutMaxTicks, heartbeatTicks,
        maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, snapshotChunkBytes,
        DEFAULT_MAX_INFLIGHT_SNAPSHOT_CHUNKS, preVote, checkQuorum, unsafe, joining);
  }

  /**
   * Sensible defaults for a node of a group: election timeout 10..20 ticks, heartbeat every 2
   * ticks, 64 entries / 1 MiB per append, 8 appends in flight, 256 KiB snapshot chunks with 4 in
   * flight, PreVote and CheckQuorum on.
   */
  public static RaftConfig of(int groupId, int nodeId, List<Integer> members) {
    return new RaftConfig(groupId, nodeId, members, 10, 20, 2, 64, 1 << 20, 8, DEFAULT_SNAPSHOT_CHUNK_BYTES,
        DEFAULT_MAX_INFLIGHT_SNAPSHOT_CHUNKS, true, true, Unsafe.NONE, false);
  }

  public RaftConfig withElectionTimeout(int minTicks, int maxTicks) {
    return new RaftConfig(groupId, nodeId, members, minTicks, maxTicks, heartbeatTicks,
        maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, snapshotChunkBytes, maxInflightSnapshotChunks, preVote, checkQuorum, unsafe, joining);
  }

  public RaftConfig withHeartbeatTicks(int ticks) {
    return new RaftConfig(groupId, nodeId, members, electionTimeoutMinTicks, electionTimeoutMaxTicks, ticks,
        maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, snapshotChunkBytes, maxInflightSnapshotChunks, preVote, checkQuorum, unsafe, joining);
  }

  public RaftConfig withAppendLimits(int maxEntries, long maxBytes, int maxInflight) {
    return new RaftConfig(groupId, nodeId, members, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatTicks, maxEntries, maxBytes, maxInflight, snapshotChunkBytes, maxInflightSnapshotChunks, preVote, checkQuorum, unsafe, joining);
  }

  public RaftConfig withSnapshotChunkBytes(int bytes) {
    return new RaftConfig(groupId, nodeId, members, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatTicks, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, bytes, maxInflightSnapshotChunks, preVote, checkQuorum, unsafe, joining);
  }

  /** Snapshot transfer (Raft paper §7): chunk size and how many chunks may be unacknowledged. */
  public RaftConfig withSnapshotTransfer(int chunkBytes, int maxInflightChunks) {
    return new RaftConfig(groupId, nodeId, members, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatTicks, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, chunkBytes, maxInflightChunks,
        preVote, checkQuorum, unsafe, joining);
  }

  public RaftConfig withPreVote(boolean on) {
    return new RaftConfig(groupId, nodeId, members, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatTicks, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, snapshotChunkBytes, maxInflightSnapshotChunks, on, checkQuorum, unsafe, joining);
  }

  public RaftConfig withCheckQuorum(boolean on) {
    return new RaftConfig(groupId, nodeId, members, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatTicks, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, snapshotChunkBytes, maxInflightSnapshotChunks, preVote, on, unsafe, joining);
  }

  /** The same configuration with the given deliberately broken behaviour (see {@link Unsafe}). */
  public RaftConfig withUnsafe(Unsafe u) {
    return new RaftConfig(groupId, nodeId, members, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatTicks, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, snapshotChunkBytes, maxInflightSnapshotChunks, preVote, checkQuorum, u, joining);
  }

  /**
   * The same configuration for a node that joins the group later (see {@code joining}):
   * {@code members} is the group's seed, which does not include this node.
   */
  public static RaftConfig joining(int groupId, int nodeId, List<Integer> seedMembers) {
    return new RaftConfig(groupId, nodeId, seedMembers, 10, 20, 2, 64, 1 << 20, 8, DEFAULT_SNAPSHOT_CHUNK_BYTES,
        DEFAULT_MAX_INFLIGHT_SNAPSHOT_CHUNKS, true, true, Unsafe.NONE, true);
  }

  /** The seed configuration as a {@link Membership}: {@link #members()}, all voters. */
  public Membership seedMembership() { return Membership.ofVoters(members); }

  /**
   * Number of votes that form a majority of the <em>seed</em> {@link #members()}. The node's quorum
   * is its current configuration's ({@link RaftNode#membership()}, thesis §4.1).
   */
  public int quorum() { return members.size() / 2 + 1; }

  /** Seed members other than this node, in ascending id order (deterministic iteration). */
  public List<Integer> peers() {
    return members.stream().filter(m -> m != nodeId).sorted().toList();
  }
}
