package io.shardkv.server.raft;

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
 * loop:
 *   node.setTime(now);                       // optional, only for trace lines
 *   node.tick() | node.step(msg) | node.propose(cmd) | node.readIndex(id) | ...
 *   while (node.hasReady()) {
 *     Ready rd = node.ready();
 *     send(rd.messagesBeforePersist());      // may be sent before persisting (leader, §10.2.1)
 *     rd.persistTo(storage);                 // snapshot, truncate, append, hard state, flush
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
 *       itself in the commit quorum only up to the last index of a Ready it has been
 *       {@link #advance advanced} past, i.e. durably persisted.</li>
 *   <li>Committed entries are applied only after the Ready carrying them is persisted.</li>
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

  /**
   * Creates a node from its configuration and the state its storage held (use
   * {@link PersistedState#EMPTY} for a brand-new node). The node starts as a follower in the
   * persisted term; its commit and applied indices start at the snapshot's last index.
   *
   * @param random source of the randomized election timeouts
   * @param trace  receives trace lines while tracing is enabled (off by default)
   */
  public RaftNode(RaftConfig config, PersistedState state, RandomSource random, TraceSink trace) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  // ---- inputs ----------------------------------------------------------------------------------

  /** Advances logical time by one tick: election timeout, heartbeats, CheckQuorum, transfer timeout. */
  public void tick() { throw new UnsupportedOperationException(); }

  /** Handles one message from a peer. Invalid messages are dropped with a trace line. */
  public void step(RaftMessage message) { throw new UnsupportedOperationException(); }

  /**
   * Proposes a command. On the leader, appends it to the log and returns
   * {@link ProposeResult.Accepted} with its index and term (not yet committed!); otherwise
   * {@link NotLeader} with a leader hint, or {@link ProposeResult.Rejected} during a leadership
   * transfer. The array must not be mutated afterwards.
   */
  public ProposeResult propose(byte[] command) { throw new UnsupportedOperationException(); }

  /**
   * Starts a linearizable read without a log append (Raft thesis §6.4, ReadIndex). The leader
   * records its commit index as the read index once it has committed an entry in its current
   * term, then confirms it is still leader by a heartbeat round acknowledged by a quorum; then
   * {@link Ready#readStates()} carries {@code (requestId, readIndex)}. If leadership is lost
   * first, {@link Ready#abortedReads()} carries {@code requestId}.
   *
   * @param requestId chosen by the driver, echoed back; need not be unique to the node
   */
  public ReadIndexResult readIndex(long requestId) { throw new UnsupportedOperationException(); }

  /**
   * Starts a leadership transfer to {@code target} (Raft thesis §3.10): the leader stops accepting
   * proposals, brings the target's log up to date, then sends it TimeoutNow. Aborted after an
   * election timeout.
   *
   * @return false (and does nothing) when this node is not leader, {@code target} is not a peer, or
   *         a transfer to the same target is already running
   */
  public boolean transferLeadership(int target) { throw new UnsupportedOperationException(); }

  /**
   * The application took a snapshot of its state machine covering every entry up to and including
   * {@code index} (Raft paper §7). The node compacts its in-memory log up to {@code index} and
   * asks (in {@link Ready#snapshotToPersist()}) for the snapshot to be persisted; later it sends
   * {@code data} to followers that are behind it.
   *
   * @throws IllegalArgumentException unless {@code snapshotIndex < index <= appliedIndex()}
   */
  public void snapshotTaken(long index, byte[] data) { throw new UnsupportedOperationException(); }

  // ---- outputs ---------------------------------------------------------------------------------

  /** True when {@link #ready()} has something to do. */
  public boolean hasReady() { throw new UnsupportedOperationException(); }

  /** Collects everything to persist, send and apply since the last Ready; see {@link Ready}. */
  public Ready ready() { throw new UnsupportedOperationException(); }

  /** Acknowledges that {@code ready} has been fully handled (persisted, sent, applied). */
  public void advance(Ready ready) { throw new UnsupportedOperationException(); }

  // ---- observation and tracing -------------------------------------------------------------------

  /** Sets the time printed in trace lines (any unit the driver likes). */
  public void setTime(long now) { throw new UnsupportedOperationException(); }

  /** Switches trace lines of this node on or off. */
  public void setTraceEnabled(boolean enabled) { throw new UnsupportedOperationException(); }

  public int id() { throw new UnsupportedOperationException(); }
  public RaftConfig config() { throw new UnsupportedOperationException(); }
  public long term() { throw new UnsupportedOperationException(); }
  public int votedFor() { throw new UnsupportedOperationException(); }
  public Role role() { throw new UnsupportedOperationException(); }
  /** The leader this node follows (itself when leader), or {@link #NO_LEADER}. */
  public int leaderId() { throw new UnsupportedOperationException(); }
  public long commitIndex() { throw new UnsupportedOperationException(); }
  /** Index of the last entry handed out for applying and acknowledged by {@link #advance}. */
  public long appliedIndex() { throw new UnsupportedOperationException(); }
  public long lastIndex() { throw new UnsupportedOperationException(); }
  public long lastTerm() { throw new UnsupportedOperationException(); }
  /** The snapshot the in-memory log starts after. */
  public SnapshotMeta snapshotMeta() { throw new UnsupportedOperationException(); }
  /** The in-memory entry at {@code index}, or null when compacted or beyond the last index. */
  public LogEntry entry(long index) { throw new UnsupportedOperationException(); }
  /** Term of the entry at {@code index} (the snapshot's term at its last index, 0 at index 0), or -1 when unknown. */
  public long termAt(long index) { throw new UnsupportedOperationException(); }
}
