package io.shardkv.server.raft;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A message between two members of one Raft group. Every message carries its sender, its
 * receiver and the sender's term (Raft paper §5.1: a node seeing a higher term adopts it; a node
 * ignores messages from a lower term). All variants are immutable and compare by value (byte
 * arrays by content), so the simulator can hash, digest and de-duplicate them deterministically.
 *
 * <p>The transport delivers them unreliably: a message may be lost, delayed, duplicated or
 * reordered, and the node copes with all of that. Messages with impossible fields (negative
 * indices, a receiver that is not this node, a sender that is not a member) are dropped by
 * {@link RaftNode#step} with a trace line.
 */
public sealed interface RaftMessage {
  int from();
  int to();
  long term();

  /**
   * A vote request (Raft paper §5.2) or a pre-vote request (thesis §9.6). For a pre-vote,
   * {@code term} is the term the sender <em>would</em> campaign in (its current term + 1); the
   * sender has not incremented its own term and the receiver does not change its state.
   *
   * @param leadershipTransfer set when the election was started by {@link TimeoutNow}
   *                           (thesis §3.10); such a request bypasses leader stickiness
   */
  record RequestVote(int from, int to, long term, long lastLogIndex, long lastLogTerm,
                     boolean preVote, boolean leadershipTransfer) implements RaftMessage { }

  /** Answer to {@link RequestVote}; {@code term} is the voter's term (or the pre-vote term echoed). */
  record RequestVoteResponse(int from, int to, long term, boolean preVote, boolean granted)
      implements RaftMessage { }

  /**
   * Replicates {@code entries} following ({@code prevLogIndex}, {@code prevLogTerm}) (Raft paper
   * §5.3). {@code entries} may be empty (a probe).
   */
  record AppendEntries(int from, int to, long term, long prevLogIndex, long prevLogTerm,
                       List<LogEntry> entries, long leaderCommit) implements RaftMessage {
    public AppendEntries {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Answer to {@link AppendEntries}.
   *
   * <p>On success, {@code matchIndex} is the index of the last entry the follower has durably
   * stored that matches the leader's log ({@code prevLogIndex + entries.size()}).
   *
   * <p>On rejection, {@code rejectedIndex} is the {@code prevLogIndex} that did not match, and the
   * hints for fast backtracking (Raft paper §5.3, "the follower can include the term of the
   * conflicting entry and the first index it stores for that term"): {@code conflictTerm} is the
   * term of the follower's entry at {@code rejectedIndex} (0 when the follower's log is shorter) and
   * {@code conflictIndex} is the first index of that term in the follower's log (or the follower's
   * last index + 1 when its log is shorter). {@code matchIndex} is 0 on rejection.
   */
  record AppendEntriesResponse(int from, int to, long term, boolean success, long matchIndex,
                               long rejectedIndex, long conflictTerm, long conflictIndex)
      implements RaftMessage { }

  /**
   * A leader's heartbeat (Raft paper §5.2). {@code commit} is the leader's commit index capped at
   * the follower's known match index (never ahead of what the follower is known to hold).
   * {@code readContext} identifies the latest ReadIndex round (thesis §6.4); the follower echoes
   * it back.
   */
  record Heartbeat(int from, int to, long term, long commit, long readContext) implements RaftMessage { }

  /** Answer to {@link Heartbeat}, echoing its {@code readContext}. */
  record HeartbeatResponse(int from, int to, long term, long readContext) implements RaftMessage { }

  /**
   * One chunk of a snapshot (Raft paper §7, Fig. 13): bytes {@code [offset, offset+data.length)}
   * of the snapshot identified by ({@code lastIndex}, {@code lastTerm}); {@code done} marks the
   * last chunk. {@code membership} is the snapshot's configuration ({@link SnapshotMeta#membership()},
   * Fig. 13's "last config"; null = the seed configuration).
   */
  record InstallSnapshot(int from, int to, long term, long lastIndex, long lastTerm, long offset,
                         byte[] data, boolean done, Membership membership) implements RaftMessage {
    public InstallSnapshot {
      Objects.requireNonNull(data, "data");
    }

    /** A chunk of a snapshot with the seed configuration. */
    public InstallSnapshot(int from, int to, long term, long lastIndex, long lastTerm, long offset,
                           byte[] data, boolean done) {
      this(from, to, term, lastIndex, lastTerm, offset, data, done, null);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof InstallSnapshot s && from == s.from && to == s.to && term == s.term
          && lastIndex == s.lastIndex && lastTerm == s.lastTerm && offset == s.offset
          && done == s.done && Arrays.equals(data, s.data) && Objects.equals(membership, s.membership);
    }

    @Override
    public int hashCode() {
      int h = Objects.hash(from, to, term, lastIndex, lastTerm, offset, done);
      h = 31 * h + Arrays.hashCode(data);
      return membership == null ? h : 31 * h + membership.hashCode();
    }

    @Override
    public String toString() {
      return "InstallSnapshot[from=" + from + ", to=" + to + ", term=" + term + ", lastIndex="
          + lastIndex + ", lastTerm=" + lastTerm + ", offset=" + offset + ", len=" + data.length
          + ", done=" + done + (membership == null ? "" : ", membership=" + membership) + "]";
    }
  }

  /**
   * Answer to {@link InstallSnapshot}: the follower has received the snapshot
   * ({@code lastIndex}) up to {@code nextOffset}; when {@code installed} the whole snapshot is
   * durably stored and the follower's log now matches the leader's up to {@code lastIndex}.
   * A {@code nextOffset} lower than the leader sent asks the leader to resend from there.
   */
  record InstallSnapshotResponse(int from, int to, long term, long lastIndex, long nextOffset,
                                 boolean installed) implements RaftMessage { }

  /**
   * Leadership transfer (thesis §3.10): the leader tells a caught-up follower to start an election
   * at once, skipping PreVote and bypassing leader stickiness.
   */
  record TimeoutNow(int from, int to, long term) implements RaftMessage { }
}
