package io.shardkv.server.raft;

/** The immediate answer of {@link RaftNode#propose}. */
public sealed interface ProposeResult permits ProposeResult.Accepted, NotLeader, ProposeResult.Rejected {

  /**
   * The leader appended the command at {@code index} in {@code term}. This is NOT an
   * acknowledgement: the command is committed only if the entry applied at {@code index} (in
   * {@link Ready#committedEntries()}) has this {@code term}. If a different term shows up at that
   * index, or the node loses leadership first, the outcome is indeterminate from this node's view.
   */
  record Accepted(long index, long term) implements ProposeResult { }

  /** The leader refused the command now (e.g. a leadership transfer is in progress); retry later. */
  record Rejected(String reason) implements ProposeResult { }
}
