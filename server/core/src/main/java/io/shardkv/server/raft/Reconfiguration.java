package io.shardkv.server.raft;

/**
 * Membership changes of a Raft group, one server at a time (Raft thesis §4.1-4.3).
 *
 * <h2>Why single-server changes, not joint consensus</h2>
 * Every change adds or removes at most one <em>voter</em> (adding or removing a learner changes no
 * voter at all). Any majority of the old voters and any majority of the new ones then share a
 * server (thesis §4.1, Fig. 4.3), so the new configuration can take effect at once, without the
 * intermediate C<sub>old,new</sub> of joint consensus (§4.3). Replacing a host is two such steps
 * (add + promote, then remove), which is all an operator needs; joint consensus would add a second
 * quorum rule to every commit, vote and CheckQuorum count for no gain in this system, and the
 * thesis itself recommends the simpler form (§4.3: "we recommend single-server changes").
 *
 * <h2>Rules, and where they live</h2>
 * <ol>
 *   <li><b>A configuration takes effect when appended</b>, on every server, committed or not
 *       (§4.1): {@link RaftLog#membership()} is the latest config entry in the log; truncating it
 *       reverts to the previous one; restarting recomputes it from snapshot + log.</li>
 *   <li><b>One change at a time</b> (§4.1): the leader refuses a change while the latest config entry
 *       is uncommitted ({@link #propose}).</li>
 *   <li><b>The leader first commits an entry of its own term</b> (§4.1 footnote; Ongaro's raft-dev
 *       post "bug in single-server membership changes", 2015): otherwise a change left uncommitted by
 *       a previous leader, overwritten later, can combine with this one into two changes in flight.
 *       ({@link #propose}).</li>
 *   <li><b>Learners</b> (§4.2.1): receive appends and snapshots, never campaign, and never count
 *       toward an election, commit, CheckQuorum or ReadIndex quorum (Election, Replicator,
 *       ReadIndexTracker). A learner asked for its vote does answer (RequestVoteHandler): it may
 *       have been promoted by an entry it has not received yet, and the leader that would send it
 *       may need that vote (found by the simulator, seed 117 of {@code sim raft --membership}: a
 *       two-voter group whose new voter did not know it was one could never elect a leader). Its
 *       answer counts only for a candidate whose configuration makes it a voter. A learner is promoted only once it holds the leader's
 *       commit index ("the leader should wait until the new server is caught up").</li>
 *   <li><b>Removing the leader</b> (§4.2.2): from the moment it appends its own removal the leader
 *       stops counting itself in majorities, keeps replicating until the entry commits, then steps
 *       down ({@link #afterCommit}); not being a voter it never campaigns again.</li>
 *   <li><b>Removed servers must not disrupt</b> (§4.2.3): a server that is not a voter in its own
 *       configuration never starts an election (like etcd raft's "promotable"; the thesis lets it
 *       campaign in case the removal is rolled back, which this node forgoes: until the removal is
 *       truncated it waits to be asked for its vote); one that never learnt of its removal is held
 *       off by PreVote (§9.6) and leader stickiness (TermRules: votes are ignored within an election
 *       timeout of hearing from a leader).</li>
 *   <li><b>Snapshots</b> carry the configuration at their last index ({@link SnapshotMeta#membership()},
 *       Fig. 13 "last config"), so compaction never loses it.</li>
 * </ol>
 * Messages are processed without consulting the configuration (§4.1: "servers process incoming
 * RPC requests without consulting their current configurations"), so a new server accepts the
 * leader's appends before it knows it is a member, and a lagging one follows a leader it has not
 * heard of yet.
 */
final class Reconfiguration {
  private Reconfiguration() { }

  /** Leader: appends the configuration after {@code change}, or says why it cannot now. */
  static ProposeResult propose(RaftNode n, MembershipChange change) {
    if (n.role != Role.LEADER) return new NotLeader(n.leaderId);
    if (n.transferTarget != RaftNode.NO_LEADER) {
      return new ProposeResult.Rejected("leadership transfer to node " + n.transferTarget + " in progress; retry after it");
    }
    RaftLog log = n.log;
    if (log.configIndex() > log.commit()) {
      return new ProposeResult.Rejected("a membership change is already in progress (config entry at index "
          + log.configIndex() + " is not committed yet, commit index " + log.commit() + "); one change at a time: "
          + "retry when it has committed");
    }
    if (log.term(log.commit()) != n.term) {
      return new ProposeResult.Rejected("this leader has not committed an entry of its term " + n.term
          + " yet (Raft thesis §4.1: required before a membership change); retry shortly");
    }
    Membership current = log.membership();
    Membership next;
    try {
      next = current.apply(change);
    } catch (IllegalArgumentException e) {
      return new ProposeResult.Rejected(e.getMessage());
    }
    if (change.kind() == MembershipChange.Kind.PROMOTE) {
      Progress pr = n.progress.get(change.nodeId());
      if (pr == null || pr.match < log.commit()) {
        long match = pr == null ? 0 : pr.match;
        return new ProposeResult.Rejected("learner " + change.nodeId() + " has not caught up (it holds index "
            + match + ", the commit index is " + log.commit() + "); retry when it has (Raft thesis §4.2.1)");
      }
    }
    LogEntry e = new LogEntry(log.lastIndex() + 1, n.term, EntryKind.CONFIG, next.encode());
    log.appendNew(e);
    n.broadcastPending = true;
    n.tracer.trace(() -> "proposed membership change " + change + " at " + e.index() + ": " + current + " -> " + next);
    syncProgress(n);
    return new ProposeResult.Accepted(e.index(), e.term());
  }

  /**
   * Leader: one {@link Progress} per member other than itself, voter or learner, after the
   * configuration changed (it took effect on append, rule 1). New members start probing from the
   * end of the log; removed ones are no longer replicated to.
   */
  static void syncProgress(RaftNode n) {
    Membership m = n.log.membership();
    n.progress.keySet().removeIf(peer -> !m.contains(peer));
    for (int peer : m.all()) {
      if (peer != n.id0() && !n.progress.containsKey(peer)) {
        n.progress.put(peer, new Progress(peer, n.log.lastIndex() + 1));
      }
    }
    if (n.transferTarget != RaftNode.NO_LEADER && !m.isVoter(n.transferTarget)) {
      n.tracer.trace(() -> "leadership transfer to " + n.transferTarget + " aborted: no longer a voter");
      n.transferTarget = RaftNode.NO_LEADER;
    }
  }

  /**
   * Leader, after its commit index advanced: a leader whose own removal has committed steps down
   * (thesis §4.2.2). The commit broadcast is sent first (not left for the next Ready, which a
   * follower no longer broadcasts), so the remaining voters learn of the commit; being no voter,
   * this node never campaigns again.
   */
  static void afterCommit(RaftNode n) {
    if (n.role == Role.LEADER && !n.isVoter() && n.log.configIndex() <= n.log.commit()) {
      Replicator.broadcastAppends(n, true);
      n.commitBroadcastPending = false;
      n.tracer.trace(() -> "own removal committed (" + n.log.membership() + "); stepping down");
      Election.becomeFollower(n, n.term, RaftNode.NO_LEADER);
    }
  }
}
