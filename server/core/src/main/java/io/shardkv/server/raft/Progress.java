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
 *       its snapshot in chunks (Raft paper §7), up to {@code maxInflightSnapshotChunks} of them
 *       unacknowledged (the same pipelining as REPLICATE, over byte offsets).</li>
 * </ul>
 * Invariants: {@code match < next}; in SNAPSHOT, {@code snapshotAckedOffset <= snapshotSentOffset} and
 * {@code snapshotChunkEnds} holds the end offsets of the chunks sent above {@code snapshotAckedOffset},
 * ascending, the last one {@code snapshotSentOffset}.
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
  /**
   * Heartbeat rounds during which {@code match} (in SNAPSHOT: the acknowledged snapshot offset) did
   * not advance while entries were outstanding.
   */
  int heartbeatsWithoutProgress;
  /** SNAPSHOT: identity of the snapshot being sent. */
  long snapshotIndex;
  long snapshotTerm;
  /**
   * SNAPSHOT: the follower said it holds every byte below this offset (its {@code nextOffset}). Kept
   * in the follower's memory only: a follower that restarts says 0 again (see InstallSnapshotHandler).
   */
  long snapshotAckedOffset;
  /** SNAPSHOT: the next byte to send; chunks {@code [snapshotAckedOffset, snapshotSentOffset)} are in flight. */
  long snapshotSentOffset;
  /** SNAPSHOT: end offset of each chunk in flight, oldest first (its size is the window in use). */
  final ArrayDeque<Long> snapshotChunkEnds = new ArrayDeque<>();
  /** SNAPSHOT: the chunk carrying {@code done} was sent and not yet answered by an installed response. */
  boolean snapshotDoneSent;
  /**
   * SNAPSHOT: the offset the window was last rewound to on the follower's word (-1: none yet). Every
   * chunk still in flight above a gap draws the same answer; only the first of them rewinds.
   */
  long snapshotRewoundAt = -1;

  /**
   * Since the last periodic heartbeat round: an append went to the follower, and the follower
   * answered something. Both set means the follower is being replicated to and is alive, so the
   * round may skip it (Replicator#broadcastHeartbeats).
   */
  boolean appendSentSinceHeartbeat;
  boolean heardSinceHeartbeat;

  /** Heard from the follower (any response) at the leader's tick {@code tick}. */
  void heard(long tick) {
    recentActive = true;
    lastHeardTick = tick;
    heardSinceHeartbeat = true;
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
    clearSnapshotWindow();
  }

  void becomeReplicate() {
    state = State.REPLICATE;
    inflight.clear();
    next = match + 1;
    probeSent = false;
    clearSnapshotWindow();
    heartbeatsWithoutProgress = 0;
  }

  void becomeSnapshot(long index, long term) {
    state = State.SNAPSHOT;
    inflight.clear();
    snapshotIndex = index;
    snapshotTerm = term;
    snapshotAckedOffset = 0;
    snapshotSentOffset = 0;
    clearSnapshotWindow();
    snapshotRewoundAt = -1;
    heartbeatsWithoutProgress = 0;
  }

  private void clearSnapshotWindow() {
    snapshotChunkEnds.clear();
    snapshotDoneSent = false;
  }

  /** SNAPSHOT: records a chunk {@code [snapshotSentOffset, end)} just sent. */
  void snapshotChunkSent(long end, boolean done) {
    snapshotChunkEnds.addLast(end);
    snapshotSentOffset = end;
    snapshotDoneSent = done;
  }

  /**
   * SNAPSHOT: the follower holds every byte below {@code offset}, more than acknowledged so far:
   * the chunks ending at or below it leave the window. Returns false (and changes nothing) unless
   * {@code offset} is above {@link #snapshotAckedOffset}.
   */
  boolean snapshotAcked(long offset) {
    if (offset <= snapshotAckedOffset) return false;
    snapshotAckedOffset = offset;
    while (!snapshotChunkEnds.isEmpty() && snapshotChunkEnds.peekFirst() <= offset) snapshotChunkEnds.pollFirst();
    if (snapshotSentOffset < offset) {
      // The follower is ahead of what this window sent (chunks of an earlier window arrived after
      // a rewind): continue from where it is.
      snapshotSentOffset = offset;
      clearSnapshotWindow();
    }
    heartbeatsWithoutProgress = 0;
    return true;
  }

  /**
   * SNAPSHOT: forgets every chunk in flight and resends from {@code offset} (go-back-N): the
   * follower expects that offset (a gap, a restart) or has not answered for a while (a loss).
   */
  void rewindSnapshot(long offset) {
    snapshotAckedOffset = offset;
    snapshotSentOffset = offset;
    clearSnapshotWindow();
    snapshotRewoundAt = offset;
    heartbeatsWithoutProgress = 0;
  }

  /** SNAPSHOT: chunks are unacknowledged (the window is in use). */
  boolean snapshotChunksInFlight() { return !snapshotChunkEnds.isEmpty() || snapshotDoneSent; }

  /** SNAPSHOT: may another chunk be sent now? */
  boolean snapshotWindowOpen(int maxInflightChunks) {
    return !snapshotDoneSent && snapshotChunkEnds.size() < maxInflightChunks;
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
