package io.shardkv.server.raft;

/** Handles {@link RaftMessage.AppendEntriesResponse} on the leader (Raft paper §5.3, thesis §10.2). */
final class AppendEntriesResponseHandler {
  private AppendEntriesResponseHandler() { }

  static void handle(RaftNode n, RaftMessage.AppendEntriesResponse m) {
    Progress pr = n.progress.get(m.from());
    if (n.role != Role.LEADER || pr == null) {
      n.tracer.trace(() -> "<<< ignore " + Tracer.describe(m) + " from " + m.from() + ": not leader");
      return;
    }
    pr.heard(n.ticks);
    if (m.success()) {
      onSuccess(n, pr, m);
    } else {
      onRejection(n, pr, m);
    }
  }

  private static void onSuccess(RaftNode n, Progress pr, RaftMessage.AppendEntriesResponse m) {
    if (m.matchIndex() > n.log.lastIndex()) {
      n.tracer.trace(() -> "<<< drop " + Tracer.describe(m) + " from " + m.from()
          + ": match beyond our last index " + n.log.lastIndex());
      return;
    }
    // Fig. 2: "If successful: update nextIndex and matchIndex for follower".
    boolean advanced = pr.maybeUpdate(m.matchIndex());
    if (pr.state == Progress.State.PROBE
        || pr.state == Progress.State.SNAPSHOT && pr.match >= n.log.snapshot().lastIndex()) {
      // The follower's log matches ours up to match: stream from there (thesis §10.2.2).
      pr.becomeReplicate();
    }
    if (advanced) {
      Replicator.maybeCommit(n);
      Replicator.maybeSendTimeoutNow(n, pr);
    }
    Replicator.sendAppends(n, pr, false);
  }

  private static void onRejection(RaftNode n, Progress pr, RaftMessage.AppendEntriesResponse m) {
    boolean stale = switch (pr.state) {
      case REPLICATE -> m.rejectedIndex() <= pr.match;
      case PROBE -> m.rejectedIndex() != pr.next - 1;
      case SNAPSHOT -> true;
    };
    if (stale) {
      n.tracer.trace(() -> "<<< ignore stale rejection from " + m.from() + " of index " + m.rejectedIndex());
      return;
    }
    // Fig. 2: "If AppendEntries fails because of log inconsistency: decrement nextIndex and retry",
    // accelerated by the follower's hint (§5.3): skip the whole conflicting term at once.
    long next;
    if (m.conflictTerm() == 0) {
      next = m.conflictIndex(); // the follower's log is shorter
    } else {
      long lastOfTerm = n.log.lastIndexOfTerm(m.conflictTerm(), m.rejectedIndex());
      next = lastOfTerm > 0 ? lastOfTerm + 1 : m.conflictIndex();
    }
    next = Math.max(Math.min(next, m.rejectedIndex()), pr.match + 1);
    pr.next = next;
    pr.becomeProbe();
    long chosen = next;
    n.tracer.trace(() -> "follower " + m.from() + " rejected index " + m.rejectedIndex() + " (hint "
        + m.conflictTerm() + "/" + m.conflictIndex() + "); probing from " + chosen);
    Replicator.sendAppends(n, pr, false);
  }
}
