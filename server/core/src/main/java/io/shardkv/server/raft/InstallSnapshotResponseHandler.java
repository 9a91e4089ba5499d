package io.shardkv.server.raft;

/** Handles {@link RaftMessage.InstallSnapshotResponse} on the leader (Raft paper §7): install, or chunk flow control. */
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
    // (If a newer snapshot replaced the one this answers, sending starts over with it.)
    if (pr.snapshotIndex == n.log.snapshot().lastIndex()) onChunkAck(n, pr, m.nextOffset());
    Replicator.sendSnapshotChunks(n, pr);
  }

  /**
   * Flow control of the chunk window. The follower answers every chunk with the offset it expects
   * next (cumulative, like TCP's ack). That offset only grows for one transfer (one leader term,
   * one snapshot), except that it falls back to 0 when the follower lost the partial snapshot it
   * held in memory (it restarted) — so:
   * <ul>
   *   <li>above what was acknowledged: progress; the window slides;</li>
   *   <li>below it: the follower restarted (or the answer is a stale one, overtaken): resend from
   *       there (a stale one costs duplicates, which the follower answers with its real offset);</li>
   *   <li>equal to it while chunks are in flight beyond it: the chunk at that offset was lost or
   *       overtaken (every later chunk draws this same answer): resend from there once.</li>
   * </ul>
   */
  private static void onChunkAck(RaftNode n, Progress pr, long nextOffset) {
    long size = n.log.snapshotData().length;
    if (nextOffset > size) {
      n.tracer.trace(() -> "<<< drop snapshot ack from " + pr.peer + ": offset " + nextOffset
          + " beyond the snapshot's " + size + " bytes");
      return;
    }
    if (pr.snapshotAcked(nextOffset)) return;
    if (nextOffset < pr.snapshotAckedOffset
        || pr.snapshotSentOffset > nextOffset && pr.snapshotRewoundAt != nextOffset) {
      n.tracer.trace(() -> "follower " + pr.peer + " expects snapshot offset " + nextOffset + " (acked "
          + pr.snapshotAckedOffset + ", sent " + pr.snapshotSentOffset + "); resending from there");
      pr.rewindSnapshot(nextOffset);
    }
  }
}
