package io.shardkv.server.raft;

/**
 * The term comparison every incoming message goes through before its handler (Raft paper §5.1,
 * Fig. 2 "Rules for Servers"), with the PreVote and CheckQuorum refinements of the thesis.
 */
final class TermRules {
  private TermRules() { }

  /** Applies the term rules; returns true when the message should go on to its handler. */
  static boolean admit(RaftNode n, RaftMessage m) {
    if (m.term() > n.term) return higherTerm(n, m);
    if (m.term() < n.term) {
      lowerTerm(n, m);
      return false;
    }
    return true;
  }

  private static boolean higherTerm(RaftNode n, RaftMessage m) {
    if (m instanceof RaftMessage.RequestVote v) {
      // Thesis §4.2.3 / §9.6 (leader stickiness): "if a server receives a RequestVote request within
      // the minimum election timeout of hearing from a current leader, it does not update its term
      // or grant its vote". A transfer's election (thesis §3.10) is exempt.
      boolean inLease = n.config.checkQuorum() && n.leaderId != RaftNode.NO_LEADER
          && n.electionElapsed < n.config.electionTimeoutMinTicks();
      if (inLease && !v.leadershipTransfer()) {
        n.tracer.trace(() -> "<<< ignore " + (v.preVote() ? "pre-vote" : "vote") + " request from " + v.from()
            + " in term " + v.term() + ": heard from leader " + n.leaderId + " " + n.electionElapsed + " ticks ago");
        return false;
      }
      // Thesis §9.6: a pre-vote request does not change the receiver's term.
      if (v.preVote()) return true;
      Election.becomeFollower(n, m.term(), RaftNode.NO_LEADER);
      return true;
    }
    if (m instanceof RaftMessage.RequestVoteResponse r && r.preVote() && r.granted()) {
      // A granted pre-vote echoes the term the pre-candidate would campaign in; not a newer term.
      return true;
    }
    // Fig. 2: "If RPC request or response contains term T > currentTerm: set currentTerm = T,
    // convert to follower". A replication message tells us who the leader of that term is.
    boolean fromLeader = m instanceof RaftMessage.AppendEntries || m instanceof RaftMessage.Heartbeat
        || m instanceof RaftMessage.InstallSnapshot;
    Election.becomeFollower(n, m.term(), fromLeader ? m.from() : RaftNode.NO_LEADER);
    return true;
  }

  private static void lowerTerm(RaftNode n, RaftMessage m) {
    if ((n.config.checkQuorum() || n.config.preVote())
        && (m instanceof RaftMessage.AppendEntries || m instanceof RaftMessage.Heartbeat)) {
      // A stale leader keeps talking to us. With PreVote/CheckQuorum our term may have advanced
      // without an election it could hear about; answering with our term makes it step down
      // (etcd's answer to the same situation) instead of leaving it stranded.
      n.send(new RaftMessage.HeartbeatResponse(n.id0(), m.from(), n.term, 0));
    } else if (m instanceof RaftMessage.RequestVote v && v.preVote()) {
      // Tell a pre-candidate with a stale view our term so it can catch up.
      n.send(new RaftMessage.RequestVoteResponse(n.id0(), m.from(), n.term, true, false));
    } else {
      n.tracer.trace(() -> "<<< drop stale message of term " + m.term() + ": " + Tracer.describe(m)
          + " from " + m.from());
    }
  }
}
