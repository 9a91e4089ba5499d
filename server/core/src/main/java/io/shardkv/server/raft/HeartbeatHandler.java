package io.shardkv.server.raft;

/** Handles {@link RaftMessage.Heartbeat} on a follower (Raft paper §5.2; thesis §6.4). */
final class HeartbeatHandler {
  private HeartbeatHandler() { }

  static void handle(RaftNode n, RaftMessage.Heartbeat m) {
    if (!AppendEntriesHandler.acceptLeader(n, m.from())) return;
    // The leader caps the commit index at our known match, so every entry up to it is ours.
    long before = n.log.commit();
    n.log.commitTo(m.commit());
    if (n.log.commit() > before) n.tracer.trace(() -> "commit " + before + " -> " + n.log.commit());
    // Echo the read context: acknowledges m.from() as leader of this term now (thesis §6.4).
    n.send(new RaftMessage.HeartbeatResponse(n.id0(), m.from(), n.term, m.readContext()));
  }
}
