package io.shardkv.server.raft;

/** Handles {@link RaftMessage.TimeoutNow} (Raft thesis §3.10, leadership transfer). */
final class TimeoutNowHandler {
  private TimeoutNowHandler() { }

  static void handle(RaftNode n, RaftMessage.TimeoutNow m) {
    if (!n.isVoter()) {
      // A learner or removed server never campaigns (thesis §4.2.1), even when asked to.
      n.tracer.trace(() -> "<<< ignore timeout-now from " + m.from() + ": not a voter of " + n.membership());
      return;
    }
    if (n.role != Role.FOLLOWER) {
      n.tracer.trace(() -> "<<< ignore timeout-now from " + m.from() + " as " + n.role);
      return;
    }
    // §3.10: "upon receiving TimeoutNow, the target server starts a new election immediately
    // (without waiting for its election timeout)". It skips PreVote and its requests bypass the
    // voters' leader stickiness, since the current leader asked for it.
    n.tracer.trace(() -> "<<< timeout-now from " + m.from() + ": campaigning at once");
    Election.campaign(n, false, true);
  }
}
