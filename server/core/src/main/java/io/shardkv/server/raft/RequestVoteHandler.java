package io.shardkv.server.raft;

/** Handles {@link RaftMessage.RequestVote} (Raft paper §5.2, §5.4.1; thesis §9.6 PreVote). */
final class RequestVoteHandler {
  private RequestVoteHandler() { }

  /** Called after {@link TermRules}: {@code m.term() == n.term}, or a pre-vote for a later term. */
  static void handle(RaftNode n, RaftMessage.RequestVote m) {
    // §5.2: "each server will vote for at most one candidate in a given term, on a
    // first-come-first-served basis". A repeated request from our own choice is answered again.
    // A pre-vote for a future term commits us to nothing, so it only needs the log check.
    boolean canVote = n.votedFor == m.from()
        || (n.votedFor == HardState.NO_VOTE && n.leaderId == RaftNode.NO_LEADER)
        || (m.preVote() && m.term() > n.term);
    // §5.4.1: "the voter denies its vote if its own log is more up-to-date than that of the candidate".
    boolean upToDate = n.log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
    // No check of this node's own configuration (thesis §4.1: "servers process incoming RPC requests
    // without consulting their current configurations"): a learner promoted by an entry it has not
    // received yet may be needed to elect the leader that would send it (etcd raft does the same).
    // Its vote counts only where the candidate's configuration makes it a voter (Election.tally).
    boolean grant = canVote && upToDate;
    if (grant && !m.preVote()) {
      n.votedFor = m.from();
      // §5.2: a follower that grants a vote resets its election timer.
      n.resetElectionTimer();
    }
    long replyTerm = grant && m.preVote() ? m.term() : n.term;
    n.tracer.trace(() -> "<<< " + (m.preVote() ? "pre-vote" : "vote") + " request from " + m.from()
        + " term " + m.term() + ": " + (grant ? "granted" : "rejected (canVote=" + canVote + " upToDate=" + upToDate + ")"));
    // Persist before you speak: the vote is durable before this response leaves (Ready contract).
    n.send(new RaftMessage.RequestVoteResponse(n.id0(), m.from(), replyTerm, m.preVote(), grant));
  }
}
