package io.shardkv.server.raft;

/**
 * Role transitions and timers (Raft paper §5.2, thesis §9.6 PreVote, §6.2 CheckQuorum, §3.10
 * leadership transfer).
 */
final class Election {
  private Election() { }

  /** Follower / candidate tick: start an election when the randomized timeout expires (§5.2). */
  static void tickElection(RaftNode n) {
    n.electionElapsed++;
    if (n.electionElapsed >= n.randomizedElectionTimeout && !n.isVoter()) {
      // Thesis §4.2.1 / §4.2.2-4.2.3: a learner, a server being added, or one removed from the
      // configuration never starts an election (it would only disrupt the voters). The timer stays
      // expired, so it claims no leader lease (TermRules) and answers vote requests: it may have
      // been promoted without knowing, and its vote may be needed.
      n.electionElapsed = n.randomizedElectionTimeout;
      return;
    }
    if (n.electionElapsed >= n.randomizedElectionTimeout) {
      n.tracer.trace(() -> "election timeout after " + n.electionElapsed + " ticks");
      campaign(n, n.config.preVote(), false);
    }
  }

  /** Leader tick: heartbeats, CheckQuorum, transfer timeout. */
  static void tickLeader(RaftNode n) {
    n.heartbeatElapsed++;
    n.electionElapsed++;
    if (n.transferTarget != RaftNode.NO_LEADER && ++n.transferElapsed >= n.config.electionTimeoutMinTicks()) {
      // Thesis §3.10: "if the transfer does not complete after about one election timeout, the
      // leader aborts the transfer and resumes accepting client requests".
      n.tracer.trace(() -> "leadership transfer to " + n.transferTarget + " timed out; aborted");
      n.transferTarget = RaftNode.NO_LEADER;
    }
    if (n.electionElapsed >= n.config.electionTimeoutMinTicks()) {
      n.electionElapsed = 0;
      if (n.config.checkQuorum()) {
        // Thesis §6.2: "a leader steps down if an election timeout elapses without a successful
        // round of heartbeats to a majority of its cluster".
        // Only voters count (thesis §4.2.1); a leader that removed itself does not count itself (§4.2.2).
        Membership m = n.membership();
        int active = m.isVoter(n.id0()) ? 1 : 0;
        for (Progress pr : n.progress.values()) if (pr.recentActive && m.isVoter(pr.peer)) active++;
        if (active < m.quorum()) {
          int heard = active;
          n.tracer.trace(() -> "check quorum failed: heard from " + heard + " of " + m.voters().size()
              + " members within an election timeout; stepping down");
          becomeFollower(n, n.term, RaftNode.NO_LEADER);
          return;
        }
        for (Progress pr : n.progress.values()) pr.recentActive = false;
      }
    }
    if (n.heartbeatElapsed >= n.config.heartbeatTicks()) {
      n.heartbeatElapsed = 0;
      Replicator.broadcastHeartbeats(n, true);
    }
  }

  /**
   * Starts a (pre-)election. PreVote (thesis §9.6): "a candidate would first ask other servers
   * whether its log was up-to-date enough to get their vote"; only with a majority of pre-votes
   * does it increment its term and run a real election.
   */
  static void campaign(RaftNode n, boolean preVote, boolean transfer) {
    long voteTerm;
    if (preVote) {
      n.role = Role.PRE_CANDIDATE;
      n.leaderId = RaftNode.NO_LEADER;
      voteTerm = n.term + 1;
    } else {
      // §5.2: "a follower increments its current term and transitions to candidate state. It then
      // votes for itself".
      n.term++;
      n.votedFor = n.id0();
      n.role = Role.CANDIDATE;
      n.leaderId = RaftNode.NO_LEADER;
      voteTerm = n.term;
    }
    abortLeaderState(n);
    n.resetElectionTimer();
    n.votes.clear();
    n.votes.put(n.id0(), true);
    n.tracer.trace(() -> "became " + n.role + " for term " + voteTerm);
    if (tally(n) == Tally.WON) {
      winVote(n, preVote);
      return;
    }
    // Thesis §4.1: the candidate asks the voters of its latest configuration.
    for (int peer : n.membership().voters()) {
      if (peer == n.id0()) continue;
      n.send(new RaftMessage.RequestVote(n.id0(), peer, voteTerm, n.log.lastIndex(), n.log.lastTerm(),
          preVote, transfer));
    }
  }

  enum Tally { WON, LOST, PENDING }

  static Tally tally(RaftNode n) {
    // Only votes of the voters of the candidate's current configuration count (thesis §4.1, §4.2.1).
    Membership m = n.membership();
    int granted = 0;
    int rejected = 0;
    for (java.util.Map.Entry<Integer, Boolean> v : n.votes.entrySet()) {
      if (!m.isVoter(v.getKey())) continue;
      if (v.getValue()) granted++;
      else rejected++;
    }
    if (granted >= m.quorum()) return Tally.WON;
    if (rejected > m.voters().size() - m.quorum()) return Tally.LOST;
    return Tally.PENDING;
  }

  static void winVote(RaftNode n, boolean preVote) {
    if (preVote) {
      campaign(n, false, false);
    } else {
      becomeLeader(n);
    }
  }

  static void becomeFollower(RaftNode n, long term, int leader) {
    boolean wasLeader = n.role == Role.LEADER;
    if (term != n.term) {
      n.term = term;
      n.votedFor = HardState.NO_VOTE;
    }
    Role before = n.role;
    n.role = Role.FOLLOWER;
    n.leaderId = leader;
    abortLeaderState(n);
    n.resetElectionTimer();
    if (before != Role.FOLLOWER || wasLeader) {
      n.tracer.trace(() -> "became FOLLOWER (was " + before + ") leader=" + leader);
    }
  }

  /**
   * §5.2/§5.3: the winner becomes leader, initializes nextIndex to its last index + 1 for every
   * follower, and (thesis §6.4, "each leader commit a blank no-op entry into the log at the start
   * of its term") appends a no-op so entries of earlier terms get committed without client traffic.
   */
  static void becomeLeader(RaftNode n) {
    n.role = Role.LEADER;
    n.leaderId = n.id0();
    n.heartbeatElapsed = 0;
    n.electionElapsed = 0;
    n.transferTarget = RaftNode.NO_LEADER;
    n.progress.clear();
    // Replicate to every member of the current configuration, voters and learners (thesis §4.2.1).
    for (int peer : n.membership().all()) {
      if (peer != n.id0()) n.progress.put(peer, new Progress(peer, n.log.lastIndex() + 1));
    }
    n.log.appendNew(new LogEntry(n.log.lastIndex() + 1, n.term, EntryKind.NOOP, new byte[0]));
    n.broadcastPending = true;
    n.tracer.trace(() -> "became LEADER for term " + n.term);
  }

  /** Leaves any leader-only state behind: progress, transfer, pending reads (which fail). */
  private static void abortLeaderState(RaftNode n) {
    n.progress.clear();
    n.transferTarget = RaftNode.NO_LEADER;
    n.broadcastPending = false;
    n.heartbeatPending = false;
    n.commitBroadcastPending = false;
    n.reads.abortAll(n.abortedReads);
  }
}
