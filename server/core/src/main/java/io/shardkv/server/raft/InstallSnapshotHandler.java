package io.shardkv.server.raft;

/**
 * Handles {@link RaftMessage.InstallSnapshot} chunks on a follower (Raft paper §7, Fig. 13).
 *
 * <p>The follower accepts only the chunk at the offset it expects and answers every chunk with that
 * offset (cumulative acknowledgement; the leader pipelines chunks and rewinds on a gap). The partial
 * snapshot lives in memory only. Rule: an acknowledgement of a chunk ({@code installed = false})
 * promises nothing durable — it steers the leader's window, never its matchIndex — so it needs no
 * write; a follower that restarts has forgotten the partial snapshot and answers 0, and the leader
 * starts over. Only {@code installed = true} moves the leader's matchIndex, and it leaves after the
 * whole snapshot and its log reset are durable (Fig. 2: "respond after updating stable storage").
 */
final class InstallSnapshotHandler {
  private InstallSnapshotHandler() { }

  static void handle(RaftNode n, RaftMessage.InstallSnapshot m) {
    if (!AppendEntriesHandler.acceptLeader(n, m.from())) return;
    RaftLog log = n.log;
    RaftNode.IncomingSnapshot in = n.incomingSnapshot;
    if (in != null && in.lastIndex <= log.commit()) {
      n.incomingSnapshot = in = null; // the log got past it meanwhile: no longer needed
    }
    if (m.lastIndex() <= log.commit()) {
      // We already hold (committed, hence matching) everything the snapshot covers.
      reply(n, m, m.offset() + m.data().length, true);
      return;
    }
    if (in != null && in.leaderTerm == m.term() && m.lastIndex() < in.lastIndex) {
      // A leader's snapshots only grow within its term: this chunk of an older one was overtaken
      // (the leader moved on to the newer one we are receiving). Dropping it keeps our progress.
      n.tracer.trace(() -> "<<< ignore chunk of snapshot " + m.lastTerm() + "/" + m.lastIndex() + ": receiving "
          + n.incomingSnapshot.lastTerm + "/" + n.incomingSnapshot.lastIndex + " from the same leader");
      return;
    }
    // One transfer = one snapshot from one leader: a leader's term names it. Two leaders' snapshots
    // at the same index hold the same state but need not be the same bytes, so bytes of one are
    // never continued with the other's.
    if (in == null || in.lastIndex != m.lastIndex() || in.lastTerm != m.lastTerm() || in.leaderTerm != m.term()) {
      // Fig. 13 step 2: "Create new snapshot file if first chunk (offset is 0)".
      if (m.offset() != 0) {
        reply(n, m, 0, false); // ask for the start of this snapshot
        return;
      }
      in = new RaftNode.IncomingSnapshot(m.lastIndex(), m.lastTerm(), m.term());
      n.incomingSnapshot = in;
    }
    if (m.offset() != in.bytes.size()) {
      reply(n, m, in.bytes.size(), false); // duplicate or out-of-order chunk: say where we are
      return;
    }
    // Fig. 13 step 3: "Write data into snapshot file at given offset".
    in.bytes.write(m.data(), 0, m.data().length);
    if (!m.done()) {
      // Step 4: "Reply and wait for more data chunks if done is false".
      reply(n, m, in.bytes.size(), false);
      return;
    }
    n.incomingSnapshot = null;
    // Fig. 13 "last config": the snapshot brings the configuration at its last index (thesis §4).
    SnapshotMeta meta = new SnapshotMeta(m.lastIndex(), m.lastTerm(), m.membership());
    byte[] data = in.bytes.toByteArray();
    if (log.matches(meta.lastIndex(), meta.lastTerm())) {
      // Step 6: "If existing log entry has same index and term as snapshot's last included entry,
      // retain log entries following it and reply" — the entries are ours already; just commit.
      log.commitTo(meta.lastIndex());
      n.tracer.trace(() -> "snapshot " + meta.lastTerm() + "/" + meta.lastIndex() + " already in log; committed");
    } else {
      // Steps 7-8: "Discard the entire log. Reset state machine using snapshot contents".
      log.restore(meta, data);
      Snapshot snap = new Snapshot(meta, data);
      n.snapshotToPersist = snap;
      n.snapshotToApply = snap;
      n.tracer.trace(() -> "installed snapshot " + meta.lastTerm() + "/" + meta.lastIndex() + " ("
          + data.length + " bytes) from " + m.from());
    }
    // Sent only after the snapshot is durable (messagesAfterPersist).
    reply(n, m, data.length, true);
  }

  private static void reply(RaftNode n, RaftMessage.InstallSnapshot m, long nextOffset, boolean installed) {
    n.send(new RaftMessage.InstallSnapshotResponse(n.id0(), m.from(), n.term, m.lastIndex(), nextOffset, installed));
  }
}
