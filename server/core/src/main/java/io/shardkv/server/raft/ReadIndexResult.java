package io.shardkv.server.raft;

/** The immediate answer of {@link RaftNode#readIndex}. */
public sealed interface ReadIndexResult permits ReadIndexResult.Pending, NotLeader {

  /**
   * The leader queued the read. It will appear either in {@link Ready#readStates()} (confirmed)
   * or in {@link Ready#abortedReads()} (this node lost leadership first; retry elsewhere).
   */
  record Pending(long requestId) implements ReadIndexResult { }
}
