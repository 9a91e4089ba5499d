package io.shardkv.server.raft;

/** Handles {@link RaftMessage.InstallSnapshotResponse} on the leader (Raft paper §7). */
final class InstallSnapshotResponseHandler {
  private InstallSnapshotResponseHandler() { }

  static void handle(RaftNode n, RaftMessage.InstallSnapshotResponse m) {
    Progress pr = n.progress.get(m.from());
    if (n.role != Role.LEADER || pr == null) {
      n.tracer.trace(() -> "<<< ignore " + Tracer.describe(m) + " from " + m.from() + ": not leader");
      return;
    }
    pr.heard(n.ticks);
    if (m.installed()) {
      if (m.lastIndex() > n.log.lastIndex()) {
        n.tracer.trace(() -> "<<< drop " + Tracer.describe(m) + ": snapshot beyond our last index");
        return;
      }
      // The follower's log now matches ours up to the snapshot: resume normal replication.
      boolean advanced = pr.maybeUpdate(m.lastIndex());
      if (pr.state == Progress.State.SNAPSHOT) {
        pr.next = pr.match + 1;
        pr.becomeProbe();
      }
      if (advanced) {
        Replicator.maybeCommit(n);
        Replicator.maybeSendTimeoutNow(n, pr);
      }
      Replicator.sendAppends(n, pr, false);
      return;
    }
    if (pr.state != Progress.State.SNAPSHOT || m.lastIndex() != pr.snapshotIndex) {
      n.tracer.trace(() -> "<<< ignore stale " + Tracer.describe(m) + " from " + m.from());
      return;
    }
    pr.snapshotAckedOffset = m.nextOffset();
    pr.snapshotChunkInFlight = false;
    Replicator.sendSnapshotChunk(n, pr);
  }
}
