package io.shardkv.server.process;

import io.shardkv.server.raft.RaftMessage;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Raft messages this process sent, by kind, and the log entries its AppendEntries carried: what
 * {@code /metrics} exports as {@code shardkv_raft_messages_sent_total{kind=…}} and
 * {@code shardkv_raft_entries_sent_total}. Load-independent figures for the write path (issue 13):
 * entries per non-empty append is the replication batch size; empty appends and their answers are
 * the cost of telling followers a new commit index. Written on the loop thread, read from any.
 */
final class RaftTraffic {
  /** The kinds, in {@code /metrics} order; an AppendEntries without entries is {@code append_empty}. */
  enum Kind {
    APPEND, APPEND_EMPTY, APPEND_RESPONSE, HEARTBEAT, HEARTBEAT_RESPONSE, VOTE, VOTE_RESPONSE, SNAPSHOT,
    SNAPSHOT_RESPONSE, TIMEOUT_NOW;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final AtomicLongArray sent = new AtomicLongArray(Kind.values().length);
  private final java.util.concurrent.atomic.AtomicLong entries = new java.util.concurrent.atomic.AtomicLong();

  static Kind kindOf(RaftMessage m) {
    if (m instanceof RaftMessage.AppendEntries a) return a.entries().isEmpty() ? Kind.APPEND_EMPTY : Kind.APPEND;
    if (m instanceof RaftMessage.AppendEntriesResponse) return Kind.APPEND_RESPONSE;
    if (m instanceof RaftMessage.Heartbeat) return Kind.HEARTBEAT;
    if (m instanceof RaftMessage.HeartbeatResponse) return Kind.HEARTBEAT_RESPONSE;
    if (m instanceof RaftMessage.RequestVote) return Kind.VOTE;
    if (m instanceof RaftMessage.RequestVoteResponse) return Kind.VOTE_RESPONSE;
    if (m instanceof RaftMessage.InstallSnapshot) return Kind.SNAPSHOT;
    if (m instanceof RaftMessage.InstallSnapshotResponse) return Kind.SNAPSHOT_RESPONSE;
    return Kind.TIMEOUT_NOW;
  }

  /** Loop thread: {@code m} was handed to the transport. */
  void sent(RaftMessage m) {
    Kind k = kindOf(m);
    sent.incrementAndGet(k.ordinal());
    if (k == Kind.APPEND) entries.addAndGet(((RaftMessage.AppendEntries) m).entries().size());
  }

  long sent(Kind k) {
    return sent.get(k.ordinal());
  }

  /** Log entries carried by the AppendEntries sent. */
  long entries() {
    return entries.get();
  }
}
