package io.shardkv.server.raft;

import java.util.List;

/** Handles {@link RaftMessage.AppendEntries} on a follower (Raft paper §5.3, Fig. 2). */
final class AppendEntriesHandler {
  private AppendEntriesHandler() { }

  /** Called after {@link TermRules}: {@code m.term() == n.term}. */
  static void handle(RaftNode n, RaftMessage.AppendEntries m) {
    if (!acceptLeader(n, m.from())) return;
    RaftLog log = n.log;
    long prev = m.prevLogIndex();
    List<LogEntry> entries = m.entries();
    if (prev < log.commit()) {
      // Entries up to our commit index are committed, so they match every later leader's log
      // (Leader Completeness, §5.4): skip them and continue from the commit index.
      int skip = (int) Math.min(entries.size(), log.commit() - prev);
      entries = entries.subList(skip, entries.size());
      prev = log.commit();
    } else if (!log.matches(prev, m.prevLogTerm())) {
      reject(n, m);
      return;
    }
    // §5.3: "If an existing entry conflicts with a new one (same index but different terms), delete
    // the existing entry and all that follow it. Append any new entries not already in the log."
    if (!log.appendFromLeader(entries)) {
      n.tracer.trace(() -> "<<< drop append from " + m.from() + ": it conflicts with committed entries "
          + "(commit " + log.commit() + "): " + Tracer.describe(m));
      return;
    }
    long lastNew = prev + entries.size();
    // Fig. 2: "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry)".
    long before = log.commit();
    log.commitTo(Math.min(m.leaderCommit(), lastNew));
    if (log.commit() > before) n.tracer.trace(() -> "commit " + before + " -> " + log.commit());
    // Sent only after the appended entries are durable (messagesAfterPersist).
    n.send(new RaftMessage.AppendEntriesResponse(n.id0(), m.from(), n.term, true, lastNew, 0, 0, 0));
  }

  /**
   * Fig. 2: "Reply false if log doesn't contain an entry at prevLogIndex whose term matches
   * prevLogTerm", with §5.3's hint: the conflicting term and the first index we store for it.
   */
  private static void reject(RaftNode n, RaftMessage.AppendEntries m) {
    RaftLog log = n.log;
    long conflictTerm;
    long conflictIndex;
    if (m.prevLogIndex() > log.lastIndex()) {
      conflictTerm = 0;
      conflictIndex = log.lastIndex() + 1;
    } else {
      conflictTerm = log.term(m.prevLogIndex());
      conflictIndex = log.firstIndexOfTermRun(m.prevLogIndex(), log.commit());
    }
    n.send(new RaftMessage.AppendEntriesResponse(n.id0(), m.from(), n.term, false, 0, m.prevLogIndex(),
        conflictTerm, conflictIndex));
  }

  /**
   * A replication message in our term comes from the one leader of the term (Election Safety):
   * a candidate "recognizes the leader as legitimate and returns to follower state" (§5.2), and
   * the election timer restarts.
   */
  static boolean acceptLeader(RaftNode n, int from) {
    if (n.role == Role.LEADER) {
      // Two leaders in one term would violate Election Safety; never let it corrupt our state.
      n.tracer.trace(() -> "<<< drop replication message from " + from + ": this node leads term " + n.term);
      return false;
    }
    if (n.role != Role.FOLLOWER || n.leaderId != from) {
      Election.becomeFollower(n, n.term, from);
    }
    n.electionElapsed = 0;
    return true;
  }
}
