package io.shardkv.server.raft;

import java.util.ArrayDeque;

/**
 * A leader's view of one follower (Raft paper Fig. 2 "volatile state on leaders": nextIndex,
 * matchIndex) plus flow control (thesis §10.2.2 pipelining).
 *
 * <ul>
 *   <li>{@link State#PROBE}: the leader does not know where the follower's log matches; it sends one
 *       AppendEntries at a time (at most one per heartbeat interval) and backs {@code next} off on
 *       rejection.</li>
 *   <li>{@link State#REPLICATE}: the follower matched; the leader streams batches optimistically,
 *       advancing {@code next} as it sends, with at most {@code maxInflight} appends unacknowledged.</li>
 *   <li>{@link State#SNAPSHOT}: the follower needs entries the leader has compacted; the leader sends
 *       its snapshot in chunks, one chunk in flight.</li>
 * </ul>
 * Invariant: {@code match < next}.
 */
final class Progress {
  enum State { PROBE, REPLICATE, SNAPSHOT }

  final int peer;
  long match;
  long next;
  State state = State.PROBE;
  /** PROBE: an append was sent and neither answered nor re-armed by a heartbeat response. */
  boolean probeSent;
  /** Last index of each in-flight append, oldest first (REPLICATE). */
  final ArrayDeque<Long> inflight = new ArrayDeque<>();
  /** Heard from the follower since the last CheckQuorum round (thesis §6.2). */
  boolean recentActive;
  /**
   * The leader's tick count when it last heard from the follower; only the deliberately broken
   * lease reads ({@link RaftConfig.Unsafe#leaseReads}) look at it.
   */
  long lastHeardTick = Long.MIN_VALUE / 2;
  /** Heartbeat rounds during which {@code match} did not advance while entries were outstanding. */
  int heartbeatsWithoutProgress;
  /** SNAPSHOT: identity of the snapshot being sent and how far the follower acknowledged it. */
  long snapshotIndex;
  long snapshotTerm;
  long snapshotAckedOffset;
  boolean snapshotChunkInFlight;

  /** Heard from the follower (any response) at the leader's tick {@code tick}. */
  void heard(long tick) {
    recentActive = true;
    lastHeardTick = tick;
  }

  Progress(int peer, long next) {
    this.peer = peer;
    this.next = next;
  }

  void becomeProbe() {
    state = State.PROBE;
    probeSent = false;
    inflight.clear();
    next = Math.max(next, match + 1);
    snapshotChunkInFlight = false;
  }

  void becomeReplicate() {
    state = State.REPLICATE;
    inflight.clear();
    next = match + 1;
    probeSent = false;
    snapshotChunkInFlight = false;
    heartbeatsWithoutProgress = 0;
  }

  void becomeSnapshot(long index, long term) {
    state = State.SNAPSHOT;
    inflight.clear();
    snapshotIndex = index;
    snapshotTerm = term;
    snapshotAckedOffset = 0;
    snapshotChunkInFlight = false;
  }

  /** Records a successful acknowledgement; returns true if {@code match} advanced. */
  boolean maybeUpdate(long matchIndex) {
    boolean advanced = false;
    if (matchIndex > match) {
      match = matchIndex;
      advanced = true;
      heartbeatsWithoutProgress = 0;
    }
    next = Math.max(next, match + 1);
    while (!inflight.isEmpty() && inflight.peekFirst() <= matchIndex) inflight.pollFirst();
    return advanced;
  }

  boolean windowFull(int maxInflight) { return inflight.size() >= maxInflight; }

  /** May the leader send this follower an append now? */
  boolean paused(int maxInflight) {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> windowFull(maxInflight);
      case SNAPSHOT -> true;
    };
  }

  @Override
  public String toString() {
    return peer + ":" + next;
  }
}
