package io.shardkv.server.raft;

/** Handles {@link RaftMessage.HeartbeatResponse} on the leader (thesis §6.2, §6.4, §10.2). */
final class HeartbeatResponseHandler {
  /**
   * Heartbeat rounds without any progress of an outstanding pipeline (appends: match; snapshot
   * chunks: the acknowledged offset) before re-probing or resending.
   */
  static final int STALLED_HEARTBEATS = 3;

  private HeartbeatResponseHandler() { }

  static void handle(RaftNode n, RaftMessage.HeartbeatResponse m) {
    Progress pr = n.progress.get(m.from());
    if (n.role != Role.LEADER || pr == null) {
      n.tracer.trace(() -> "<<< ignore " + Tracer.describe(m) + " from " + m.from() + ": not leader");
      return;
    }
    // CheckQuorum (thesis §6.2): this follower is alive and accepts us as leader.
    pr.heard(n.ticks);
    // ReadIndex (thesis §6.4): a quorum echoing a context confirms every read round up to it.
    n.reads.ack(m.from(), m.readContext());
    n.reads.release(n.membership(), n.id0(), n.readStates);
    switch (pr.state) {
      case PROBE -> pr.probeSent = false; // the last probe may have been lost: allow another
      case SNAPSHOT -> {
        if (pr.heartbeatsWithoutProgress >= STALLED_HEARTBEATS && pr.snapshotChunksInFlight()) {
          // No chunk acknowledged for a while although chunks are in flight: they (or their
          // answers) were lost. Resend the window from the last acknowledged offset.
          n.tracer.trace(() -> "snapshot transfer to " + pr.peer + " stalled at offset " + pr.snapshotAckedOffset
              + "; resending from there");
          pr.rewindSnapshot(pr.snapshotAckedOffset);
        }
      }
      case REPLICATE -> {
        if (pr.heartbeatsWithoutProgress >= STALLED_HEARTBEATS && pr.match < n.log.lastIndex()) {
          // Appends in flight were lost (the follower is alive but its match does not move):
          // fall back to probing from its match instead of waiting forever.
          n.tracer.trace(() -> "replication to " + pr.peer + " stalled at " + pr.match + "; probing");
          pr.next = pr.match + 1;
          pr.becomeProbe();
          pr.heartbeatsWithoutProgress = 0;
        }
      }
    }
    if (pr.state == Progress.State.SNAPSHOT) {
      Replicator.sendSnapshotChunks(n, pr);
    } else if (pr.match < n.log.lastIndex()) {
      Replicator.sendAppends(n, pr, false);
    }
  }
}
