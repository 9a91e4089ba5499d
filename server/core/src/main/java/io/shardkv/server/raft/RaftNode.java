package io.shardkv.server.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One member of a Raft group as a pure, single-threaded event handler (etcd/raft's RawNode shape).
 * It owns no thread, socket, clock, disk or random generator: the driver (the simulator, or the
 * server's event loop) feeds it inputs and carries out the {@link Ready} it asks for.
 *
 * <h2>Driving loop</h2>
 * <pre>{@code
 * PersistedState state = storage.load();
 * // restore the state machine from state.snapshotData() if state.snapshot() != SnapshotMeta.NONE
 * RaftNode node = new RaftNode(config, state, rng::nextInt, traceSink);
 * // the synchronous form; ReadyDriver runs the asynchronous one (advanceWritten + persisted)
 * loop:
 *   node.setTime(now);                       // optional, only for trace lines
 *   node.tick() | node.step(msg) | node.propose(cmd) | node.readIndex(id) | ...
 *   while (node.hasReady()) {
 *     Ready rd = node.ready();
 *     send(rd.messagesBeforePersist());      // may be sent before persisting (leader, §10.2.1)
 *     rd.persistTo(storage);                 // hard state, snapshot, truncate, append, flush
 *     send(rd.messagesAfterPersist());       // only after flush returned
 *     apply(rd.snapshotToApply(), rd.committedEntries());
 *     serve(rd.readStates()); fail(rd.abortedReads());
 *     node.advance(rd);
 *   }
 * }</pre>
 * Between {@link #ready()} and {@link #advance(Ready)} no other input may be given (the node
 * throws {@link IllegalStateException}): a Ready is handled completely, then acknowledged.
 *
 * <h2>Durability ("persist before you speak")</h2>
 * <ul>
 *   <li>A vote (granted RequestVoteResponse) is in {@link Ready#messagesAfterPersist()} of the
 *       Ready whose {@link Ready#hardState()} records that vote (Raft paper Fig. 2).</li>
 *   <li>A RequestVote is sent only after the candidate's new term and self-vote are durable.</li>
 *   <li>An AppendEntriesResponse / InstallSnapshotResponse / HeartbeatResponse is sent only after
 *       the entries / snapshot / term it acknowledges are durable.</li>
 *   <li>A leader's AppendEntries may precede its own flush (thesis §10.2.1); the leader counts
 *       itself in the commit quorum only up to its {@link #durableIndex()}, which grows only with
 *       {@link #persisted} (asynchronous storage writes) or {@link #advance}.</li>
 *   <li>Committed entries are handed out for applying only up to {@code min(commit, durableIndex)}:
 *       durable on a quorum and in this node's own log.</li>
 * </ul>
 *
 * <h2>Failure handling</h2>
 * Bad messages (unknown sender, wrong receiver, impossible indices or terms) are dropped with a
 * trace line, never an exception. Misuse by the driver (e.g. {@code snapshotTaken} beyond the
 * applied index, inputs between ready and advance) throws {@link IllegalArgumentException} or
 * {@link IllegalStateException} with a message saying what was wrong.
 */
public final class RaftNode {
  /** Leader id meaning "no known leader". */
  public static final int NO_LEADER = -1;

  // ---- state shared with the package's handlers (single-threaded, see class comment) -----------
  final RaftConfig config;
  final RandomSource random;
  final Tracer tracer;
  final RaftLog log;
  /** Leader only: one entry per peer, ascending id order. */
  final TreeMap<Integer, Progress> progress = new TreeMap<>();
  /** Candidate / pre-candidate: votes received in the current (pre-)election, by voter. */
  final TreeMap<Integer, Boolean> votes = new TreeMap<>();
  final ReadIndexTracker reads = new ReadIndexTracker();

  long term;
  int votedFor;
  int leaderId = NO_LEADER;
  Role role = Role.FOLLOWER;
  int electionElapsed;
  /** Ticks this node has counted since it was created (its only clock; see {@link #tick()}). */
  long ticks;
  int heartbeatElapsed;
  int randomizedElectionTimeout;
  /** Leader: peer a leadership transfer is under way to, or NO_LEADER. */
  int transferTarget = NO_LEADER;
  int transferElapsed;
  /** Leader: new entries were appended; broadcast them when the Ready is built (batching). */
  boolean broadcastPending;
  /** Leader: ReadIndex rounds were started; send a heartbeat round when the Ready is built. */
  boolean heartbeatPending;
  /**
   * Leader: the commit index advanced; tell the followers when the Ready is built, in the appends
   * of that Ready (an empty one only to a follower that gets no entries). Deferred like
   * {@link #broadcastPending} so that the acknowledgements and proposals of one event-loop turn
   * cost one append per follower, not one per commit step plus one for the new entries.
   */
  boolean commitBroadcastPending;
  /** Follower: the snapshot being received in chunks, or null. */
  IncomingSnapshot incomingSnapshot;

  // ---- pending outputs -------------------------------------------------------------------------
  final List<RaftMessage> outBeforePersist = new ArrayList<>();
  final List<RaftMessage> outAfterPersist = new ArrayList<>();
  final List<ReadState> readStates = new ArrayList<>();
  final List<Long> abortedReads = new ArrayList<>();
  Snapshot snapshotToPersist;
  Snapshot snapshotToApply;
  private HardState handedOutHardState;
  /** The hard state of the last {@link #persisted} mark (the loaded one at first): on disk for sure. */
  private HardState durableHardState;
  private SoftState reportedSoftState;
  private Ready outstanding;
  private long outstandingApplied;

  /**
   * Creates a node from its configuration and the state its storage held (use
   * {@link PersistedState#EMPTY} for a brand-new node). The node starts as a follower in the
   * persisted term; its commit and applied indices start at the snapshot's last index.
   *
   * @param random source of the randomized election timeouts
   * @param trace  receives trace lines while tracing is enabled (off by default)
   */
  public RaftNode(RaftConfig config, PersistedState state, RandomSource random, TraceSink trace) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(state, "state");
    this.random = Objects.requireNonNull(random, "random");
    this.tracer = new Tracer(this, Objects.requireNonNull(trace, "trace"));
    // The configuration is derived from snapshot + log (thesis §4.1); the config's members only seed it.
    this.log = new RaftLog(state, config.seedMembership());
    this.term = state.hardState().term();
    this.votedFor = state.hardState().votedFor();
    // A persisted vote may name any server, also one of a later configuration (thesis §4.1: votes
    // are granted without consulting the configuration), so it is not checked against the seed.
    if (log.lastTerm() > term) {
      throw new IllegalArgumentException("persisted log ends in term " + log.lastTerm()
          + " above the persisted current term " + term + ": storage is inconsistent");
    }
    this.handedOutHardState = state.hardState();
    this.durableHardState = state.hardState();
    this.reportedSoftState = softState();
    resetElectionTimer();
  }

  // ---- inputs ----------------------------------------------------------------------------------

  /** Advances logical time by one tick: election timeout, heartbeats, CheckQuorum, transfer timeout. */
  public void tick() {
    requireNoOutstandingReady("tick");
    ticks++;
    if (role == Role.LEADER) {
      Election.tickLeader(this);
    } else {
      Election.tickElection(this);
    }
  }

  /** Handles one message from a peer. Invalid messages are dropped with a trace line. */
  public void step(RaftMessage message) {
    requireNoOutstandingReady("step");
    String problem = MessageValidator.problem(config, message);
    if (problem != null) {
      tracer.trace(() -> "<<< drop invalid message (" + problem + "): " + message);
      return;
    }
    if (!TermRules.admit(this, message)) return;
    if (message instanceof RaftMessage.RequestVote m) {
      RequestVoteHandler.handle(this, m);
    } else if (message instanceof RaftMessage.RequestVoteResponse m) {
      RequestVoteResponseHandler.handle(this, m);
    } else if (message instanceof RaftMessage.AppendEntries m) {
      AppendEntriesHandler.handle(this, m);
    } else if (message instanceof RaftMessage.AppendEntriesResponse m) {
      AppendEntriesResponseHandler.handle(this, m);
    } else if (message instanceof RaftMessage.Heartbeat m) {
      HeartbeatHandler.handle(this, m);
    } else if (message instanceof RaftMessage.HeartbeatResponse m) {
      HeartbeatResponseHandler.handle(this, m);
    } else if (message instanceof RaftMessage.InstallSnapshot m) {
      InstallSnapshotHandler.handle(this, m);
    } else if (message instanceof RaftMessage.InstallSnapshotResponse m) {
      InstallSnapshotResponseHandler.handle(this, m);
    } else if (message instanceof RaftMessage.TimeoutNow m) {
      TimeoutNowHandler.handle(this, m);
    }
  }

  /**
   * Proposes a command. On the leader, appends it to the log and returns
   * {@link ProposeResult.Accepted} with its index and term (not yet committed!); otherwise
   * {@link NotLeader} with a leader hint, or {@link ProposeResult.Rejected} during a leadership
   * transfer. The array must not be mutated afterwards.
   */
  public ProposeResult propose(byte[] command) {
    requireNoOutstandingReady("propose");
    Objects.requireNonNull(command, "command");
    if (role != Role.LEADER) return new NotLeader(leaderId);
    if (transferTarget != NO_LEADER) {
      return new ProposeResult.Rejected("leadership transfer to node " + transferTarget + " in progress");
    }
    LogEntry e = new LogEntry(log.lastIndex() + 1, term, EntryKind.COMMAND, command);
    log.appendNew(e);
    broadcastPending = true;
    return new ProposeResult.Accepted(e.index(), e.term());
  }

  /**
   * Proposes a single-server membership change (Raft thesis §4.1-4.3, see {@link Reconfiguration}):
   * add a learner, promote a caught-up learner to voter, or remove a member (possibly this leader).
   * On the leader, appends a {@link EntryKind#CONFIG} entry holding the new configuration, which
   * takes effect at once (before it commits), and returns {@link ProposeResult.Accepted} with its
   * index and term; {@link ProposeResult.Rejected} says why not now (a change still uncommitted,
   * no entry of this term committed yet, a transfer running, an inapplicable change, a learner
   * not caught up); {@link NotLeader} elsewhere.
   */
  public ProposeResult proposeMembershipChange(MembershipChange change) {
    requireNoOutstandingReady("proposeMembershipChange");
    Objects.requireNonNull(change, "change");
    return Reconfiguration.propose(this, change);
  }

  /**
   * Starts a linearizable read without a log append (Raft thesis §6.4, ReadIndex). The leader
   * records its commit index as the read index once it has committed an entry in its current
   * term, then confirms it is still leader by a heartbeat round acknowledged by a quorum; then
   * {@link Ready#readStates()} carries {@code (requestId, readIndex)}. If leadership is lost
   * first, {@link Ready#abortedReads()} carries {@code requestId}.
   *
   * @param requestId chosen by the driver, echoed back; need not be unique to the node
   */
  public ReadIndexResult readIndex(long requestId) {
    requireNoOutstandingReady("readIndex");
    if (role != Role.LEADER) return new NotLeader(leaderId);
    // A leader that removed itself (thesis §4.2.2) is no voter: it cannot confirm reads by a quorum
    // it is not part of, and it steps down as soon as its removal commits.
    if (!isVoter()) return new NotLeader(NO_LEADER);
    // Thesis §6.4 step 1: the leader must have committed an entry of its own term first.
    if (log.term(log.commit()) != term) {
      reads.waitForCommit(requestId);
    } else if (config.unsafe().leaseReads() && unsafeLeaseHeld()) {
      // UNSAFE (RaftConfig.Unsafe#leaseReads): no heartbeat round, the lease is trusted instead.
      readStates.add(new ReadState(requestId, log.commit()));
    } else {
      reads.startRound(log.commit(), List.of(requestId));
      confirmReads();
    }
    return new ReadIndexResult.Pending(requestId);
  }

  /**
   * Starts a leadership transfer to {@code target} (Raft thesis §3.10): the leader stops accepting
   * proposals, brings the target's log up to date, then sends it TimeoutNow. Aborted after an
   * election timeout.
   *
   * @return false (and does nothing) when this node is not leader, {@code target} is not a peer, or
   *         a transfer to the same target is already running
   */
  public boolean transferLeadership(int target) {
    requireNoOutstandingReady("transferLeadership");
    if (role != Role.LEADER || !progress.containsKey(target) || !membership().isVoter(target)
        || transferTarget == target) {
      return false; // a learner cannot lead: it never campaigns (thesis §4.2.1)
    }
    transferTarget = target;
    transferElapsed = 0;
    tracer.trace(() -> "transferring leadership to " + target);
    Replicator.maybeSendTimeoutNow(this, progress.get(target));
    Replicator.sendAppends(this, progress.get(target), false);
    return true;
  }

  /**
   * The application took a snapshot of its state machine covering every entry up to and including
   * {@code index} (Raft paper §7). The node compacts its in-memory log up to {@code index} and
   * asks (in {@link Ready#snapshotToPersist()}) for the snapshot to be persisted; later it sends
   * {@code data} to followers that are behind it.
   *
   * @throws IllegalArgumentException unless {@code snapshotIndex < index <= appliedIndex()}
   */
  public void snapshotTaken(long index, byte[] data) {
    requireNoOutstandingReady("snapshotTaken");
    Objects.requireNonNull(data, "data");
    if (index <= log.snapshot().lastIndex() || index > log.applied()) {
      throw new IllegalArgumentException("snapshotTaken(" + index + "): index must be above the current snapshot index "
          + log.snapshot().lastIndex() + " and at most the applied index " + log.applied());
    }
    // Thesis §4 / Fig. 13: the snapshot records the configuration in effect at its last index.
    SnapshotMeta meta = log.metaAt(index);
    log.compact(meta, data);
    snapshotToPersist = new Snapshot(meta, data);
    tracer.trace(() -> "compacted log up to snapshot " + meta.lastTerm() + "/" + meta.lastIndex()
        + " (" + data.length + " bytes)");
  }

  // ---- outputs ---------------------------------------------------------------------------------

  /** True when {@link #ready()} has something to do; false while a Ready awaits {@link #advance}. */
  public boolean hasReady() {
    if (outstanding != null) return false;
    return (role == Role.LEADER && (broadcastPending || heartbeatPending || commitBroadcastPending))
        || !softState().equals(reportedSoftState) || !hardState().equals(handedOutHardState)
        || log.hasUnstable() || snapshotToPersist != null || snapshotToApply != null
        || !outBeforePersist.isEmpty() || !outAfterPersist.isEmpty()
        || !readStates.isEmpty() || !abortedReads.isEmpty() || log.applicable() > log.applied();
  }

  /** Collects everything to persist, send and apply since the last Ready; see {@link Ready}. */
  public Ready ready() {
    requireNoOutstandingReady("ready");
    if (role == Role.LEADER) {
      if (broadcastPending || commitBroadcastPending) Replicator.broadcastAppends(this, commitBroadcastPending);
      if (heartbeatPending) Replicator.broadcastHeartbeats(this);
    }
    broadcastPending = false;
    heartbeatPending = false;
    commitBroadcastPending = false;
    SoftState soft = softState();
    HardState hard = hardState();
    List<LogEntry> committed = log.nextToApply(log.applied());
    Ready rd = new Ready(
        soft.equals(reportedSoftState) ? null : soft,
        hard.equals(handedOutHardState) ? null : hard,
        snapshotToPersist, log.pendingTruncate(), log.unstableEntries(),
        outBeforePersist, outAfterPersist, snapshotToApply, committed, readStates, abortedReads,
        new PersistMark(log.lastIndex(), log.lastTerm(), hard));
    reportedSoftState = soft;
    handedOutHardState = hard;
    log.markHandedOut();
    outstandingApplied = committed.isEmpty() ? log.applied() : committed.get(committed.size() - 1).index();
    snapshotToPersist = null;
    snapshotToApply = null;
    outBeforePersist.clear();
    outAfterPersist.clear();
    readStates.clear();
    abortedReads.clear();
    outstanding = rd;
    return rd;
  }

  /**
   * Acknowledges that {@code ready} has been fully handled <em>synchronously</em>: persisted and
   * flushed, its messages sent, its entries applied. The same as {@link #advanceWritten} followed by
   * {@link #persisted} with the Ready's {@link Ready#persistMark()}.
   */
  public void advance(Ready ready) {
    advanceWritten(ready);
    if (ready.persistMark() != null) persisted(ready.persistMark());
  }

  /**
   * Acknowledges {@code ready} with its writes issued to storage but not necessarily durable yet
   * (asynchronous storage writes): its {@code messagesBeforePersist} sent, its
   * {@code messagesAfterPersist} held by the driver until the flush covering these writes, its
   * snapshot, committed entries and reads handed to the application. The node takes input again at
   * once; the flush's completion comes later as {@link #persisted}.
   */
  public void advanceWritten(Ready ready) {
    if (ready == null || ready != outstanding) {
      throw new IllegalStateException("advance() must be given the Ready last returned by ready(), once");
    }
    outstanding = null;
    log.appliedTo(outstandingApplied);
  }

  /**
   * Input: the flush covering the writes of the Ready that carried {@code mark} (and of every Ready
   * before it) has completed. Marks must be given in the order of their Readies. The node's durable
   * index grows to the mark unless a later Ready truncated the log below it meanwhile (then the
   * mark is stale and ignored for the log), and the leader counts its own match only now (thesis
   * §10.2.1: the leader writes to its disk in parallel with replicating, and counts itself in the
   * commit quorum only for what it has durably written; a majority of followers may commit without it).
   */
  public void persisted(PersistMark mark) {
    requireNoOutstandingReady("persisted");
    java.util.Objects.requireNonNull(mark, "mark");
    durableHardState = mark.hardState();
    boolean grew = log.persistedTo(mark.lastIndex(), mark.lastTerm());
    if (grew) tracer.trace(() -> "durable up to " + mark.lastTerm() + "/" + mark.lastIndex());
    if (grew && role == Role.LEADER) Replicator.maybeCommit(this);
  }

  // ---- observation and tracing -------------------------------------------------------------------

  /** Sets the time printed in trace lines (any unit the driver likes). */
  public void setTime(long now) { tracer.setTime(now); }

  /** Switches trace lines of this node on or off. */
  public void setTraceEnabled(boolean enabled) { tracer.setEnabled(enabled); }

  public int id() { return config.nodeId(); }
  /**
   * The configuration in effect on this node: the latest config entry in its log, committed or
   * not, else its snapshot's, else the seed (Raft thesis §4.1).
   */
  public Membership membership() { return log.membership(); }
  /** Index of the latest config entry in the log; 0 when the configuration is the snapshot's or the seed. */
  public long membershipIndex() { return log.configIndex(); }
  /** The configuration in effect at {@code index} as far as this node's log knows it. */
  public Membership membershipAt(long index) { return log.membershipAt(index); }
  /** Leader only: the highest index known replicated on {@code peer}; -1 when not leader or not a member. */
  public long matchIndex(int peer) {
    if (role != Role.LEADER) return -1;
    if (peer == id0()) return log.stableIndex();
    Progress pr = progress.get(peer);
    return pr == null ? -1 : pr.match;
  }
  /** Leader only: whether {@code peer} answered since the last CheckQuorum round (thesis §6.2). */
  public boolean recentlyActive(int peer) {
    if (role != Role.LEADER) return false;
    if (peer == id0()) return true;
    Progress pr = progress.get(peer);
    return pr != null && pr.recentActive;
  }
  public RaftConfig config() { return config; }
  public long term() { return term; }
  public int votedFor() { return votedFor; }
  public Role role() { return role; }
  /** The leader this node follows (itself when leader), or {@link #NO_LEADER}. */
  public int leaderId() { return leaderId; }
  public long commitIndex() { return log.commit(); }
  /**
   * Last log index known durable in this node's own storage (completed flushes, {@link #persisted});
   * a leader's own match index. 0 right after installing a snapshot until that write is durable.
   */
  public long durableIndex() { return log.stableIndex(); }
  /** The hard state known durable (the last {@link #persisted} mark's, or the loaded one). */
  public HardState durableHardState() { return durableHardState; }
  /** Index of the last entry handed out for applying and acknowledged by {@link #advance}. */
  public long appliedIndex() { return log.applied(); }
  public long lastIndex() { return log.lastIndex(); }
  public long lastTerm() { return log.lastTerm(); }
  /** The snapshot the in-memory log starts after. */
  public SnapshotMeta snapshotMeta() { return log.snapshot(); }
  /**
   * Leader only: the followers this leader is sending its snapshot to (their progress is in the
   * SNAPSHOT state: they need entries the leader has compacted), ascending; empty otherwise.
   */
  public java.util.List<Integer> peersReceivingSnapshot() {
    if (role != Role.LEADER) return java.util.List.of();
    return progress.values().stream().filter(p -> p.state == Progress.State.SNAPSHOT).map(p -> p.peer).toList();
  }
  /** Leader: the peer a leadership transfer (Raft thesis §3.10) is under way to; NO_LEADER otherwise. */
  public int transferTarget() { return role == Role.LEADER ? transferTarget : NO_LEADER; }
  /**
   * Leader only: the follower best placed to take over leadership (Raft thesis §3.10: the target
   * must be brought up to date first, so the one with the highest match index needs least), among
   * those heard from since the last CheckQuorum round (§6.2); ties go to the lowest id. NO_LEADER
   * when this node is not leader or no follower was heard from. An observation: changes nothing.
   */
  public int transferCandidate() {
    if (role != Role.LEADER) return NO_LEADER;
    Progress best = null;
    for (Progress pr : progress.values()) {
      if (!membership().isVoter(pr.peer)) continue; // learners cannot lead (thesis §4.2.1)
      if (pr.recentActive && (best == null || pr.match > best.match)) best = pr;
    }
    return best == null ? NO_LEADER : best.peer;
  }
  /**
   * Leader only: whether a leadership transfer to {@code peer} would complete at once — it was heard
   * from since the last CheckQuorum round (§6.2), is being replicated to normally (not probed, not
   * receiving a snapshot) and holds every committed entry — so the leader would refuse proposals
   * (§3.10) only for the round trip of TimeoutNow. False when this node is not leader. An
   * observation: changes nothing.
   */
  public boolean transferReady(int peer) {
    if (role != Role.LEADER) return false;
    Progress pr = progress.get(peer);
    return pr != null && pr.recentActive && pr.state == Progress.State.REPLICATE && pr.match >= log.commit();
  }
  /** The in-memory entry at {@code index}, or null when compacted or beyond the last index. */
  public LogEntry entry(long index) { return log.entry(index); }
  /** Term of the entry at {@code index} (the snapshot's term at its last index, 0 at index 0), or -1 when unknown. */
  public long termAt(long index) { return log.term(index); }

  @Override
  public String toString() {
    return "RaftNode{g" + config.groupId() + "-n" + config.nodeId() + " " + role + " term=" + term
        + " commit=" + log.commit() + " last=" + log.lastTerm() + "/" + log.lastIndex() + "}";
  }

  // ---- package-private helpers used by the handlers ----------------------------------------------

  int id0() { return config.nodeId(); }

  /** Whether this node is a voter of its current configuration (learners and removed servers are not). */
  boolean isVoter() { return log.membership().isVoter(id0()); }

  /** Majority of the voters of the current configuration (thesis §4.1). */
  int quorum() { return log.membership().quorum(); }

  HardState hardState() { return new HardState(term, votedFor); }

  SoftState softState() { return new SoftState(role, leaderId, term); }

  /**
   * Queues a message. What may leave before the Ready's writes (and any earlier unflushed ones) are
   * durable, given that the current term and vote already are ({@link #durableHardState}):
   * <ul>
   *   <li>a leader's replication traffic (thesis §10.2.1);</li>
   *   <li>a HeartbeatResponse: it promises only the term (the ReadIndex confirmation of thesis §6.4
   *       must not wait for a follower's flush of unrelated entries);</li>
   *   <li>an AppendEntriesResponse accepting entries up to an index already durable here;</li>
   *   <li>an InstallSnapshotResponse acknowledging a chunk ({@code installed = false}): it promises
   *       only the term and the offset of a partial snapshot held in memory (InstallSnapshotHandler).</li>
   * </ul>
   * Everything else — votes, vote requests, other acknowledgements — waits for the flush covering
   * every write issued so far (Raft paper Fig. 2: "respond to RPCs only after updating stable
   * storage"). A successful append acknowledgement replaces an earlier one to the same leader still
   * queued ({@link AckCoalescing}).
   */
  void send(RaftMessage m) {
    boolean replication = m instanceof RaftMessage.AppendEntries || m instanceof RaftMessage.Heartbeat
        || m instanceof RaftMessage.InstallSnapshot || m instanceof RaftMessage.TimeoutNow;
    boolean termDurable = hardState().equals(durableHardState);
    boolean durableAck = m instanceof RaftMessage.HeartbeatResponse
        || (m instanceof RaftMessage.AppendEntriesResponse r && r.success() && r.matchIndex() <= log.stableIndex())
        || (m instanceof RaftMessage.InstallSnapshotResponse s && !s.installed());
    boolean early = termDurable && ((role == Role.LEADER && replication) || durableAck);
    if (config.unsafe().voteBeforePersist() && m instanceof RaftMessage.RequestVoteResponse v && v.granted() && !v.preVote()) {
      // UNSAFE (RaftConfig.Unsafe#voteBeforePersist): the vote leaves before the hard state recording
      // it is durable; a voter killed before its flush forgets it and may vote twice in one term.
      early = true;
    }
    AckCoalescing.add(early ? outBeforePersist : outAfterPersist, m);
    tracer.sending(m);
  }

  void resetElectionTimer() {
    electionElapsed = 0;
    // Raft paper §5.2: "election timeouts are chosen randomly from a fixed interval".
    randomizedElectionTimeout = config.electionTimeoutMinTicks()
        + random.nextInt(config.electionTimeoutMaxTicks() - config.electionTimeoutMinTicks());
  }

  /**
   * DELIBERATELY WRONG (only with {@link RaftConfig.Unsafe#leaseReads}): the leader holds a "lease"
   * while a quorum (itself included) was heard from within the last election timeout, counted in
   * this node's own ticks from when the responses <em>arrived</em>. A correct lease (thesis §6.4.1)
   * would start at the heartbeat's send time and subtract a bound on clock drift; and a paused
   * process counts no ticks at all, so it wakes up believing a lease a newer leader has outlived.
   * Exposed by the pause nemesis.
   */
  private boolean unsafeLeaseHeld() {
    Membership m = membership();
    int fresh = m.isVoter(id0()) ? 1 : 0;
    for (Progress pr : progress.values()) {
      if (m.isVoter(pr.peer) && ticks - pr.lastHeardTick < config.electionTimeoutMinTicks()) fresh++;
    }
    return fresh >= quorum();
  }

  /** Starts the ReadIndex confirmation round(s) just registered: a heartbeat round, or at once alone. */
  void confirmReads() {
    if (quorum() == 1 && isVoter()) {
      reads.release(membership(), id0(), readStates);
    } else {
      heartbeatPending = true;
    }
  }

  private void requireNoOutstandingReady(String call) {
    if (outstanding != null) {
      throw new IllegalStateException(call + "() called between ready() and advance(): handle the Ready fully, "
          + "then call advance(ready) before giving the node more input");
    }
  }

  /** A snapshot being received chunk by chunk (Raft paper Fig. 13), from the leader of {@code leaderTerm}. */
  static final class IncomingSnapshot {
    final long lastIndex;
    final long lastTerm;
    final long leaderTerm;
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    IncomingSnapshot(long lastIndex, long lastTerm, long leaderTerm) {
      this.lastIndex = lastIndex;
      this.lastTerm = lastTerm;
      this.leaderTerm = leaderTerm;
    }
  }
}
