package io.shardkv.server.raft;

/** Handles {@link RaftMessage.RequestVoteResponse} on a (pre-)candidate (Raft paper §5.2). */
final class RequestVoteResponseHandler {
  private RequestVoteResponseHandler() { }

  static void handle(RaftNode n, RaftMessage.RequestVoteResponse m) {
    boolean relevant = m.preVote()
        // A granted pre-vote echoes our would-be term; a rejection carries the voter's (equal) term.
        ? n.role == Role.PRE_CANDIDATE && m.term() == (m.granted() ? n.term + 1 : n.term)
        : n.role == Role.CANDIDATE && m.term() == n.term;
    if (!relevant) {
      n.tracer.trace(() -> "<<< ignore stale " + Tracer.describe(m) + " from " + m.from());
      return;
    }
    n.votes.putIfAbsent(m.from(), m.granted());
    switch (Election.tally(n)) {
      // §5.2: "a candidate wins an election if it receives votes from a majority of the servers".
      case WON -> Election.winVote(n, m.preVote());
      case LOST -> {
        n.tracer.trace(() -> (m.preVote() ? "pre-" : "") + "election lost");
        Election.becomeFollower(n, n.term, RaftNode.NO_LEADER);
      }
      case PENDING -> { }
    }
  }
}
