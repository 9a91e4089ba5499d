package io.shardkv.server.raft;

import java.util.List;

/**
 * Everything a {@link RaftNode} wants done after some inputs: state to persist, messages to send,
 * entries and snapshots to apply, reads that may be served. The synchronous form below is what
 * {@link RaftNode#advance(Ready)} means; the drivers use the asynchronous form of
 * {@link ReadyDriver} (writes issued, {@link RaftNode#advanceWritten}, the flush's completion later
 * as {@link RaftNode#persisted} with {@link #persistMark()}; messagesAfterPersist held until then).
 * Synchronously, in this order, then {@link RaftNode#advance(Ready)}:
 *
 * <ol>
 *   <li><b>May send {@link #messagesBeforePersist()} at once</b> (or at any time up to step 3).
 *       These are a leader's AppendEntries / Heartbeat / InstallSnapshot / TimeoutNow: thesis
 *       §10.2.1 lets a leader replicate entries before writing them to its own disk, because the
 *       leader counts itself towards the commit quorum only for entries it has durably persisted
 *       (which it learns from {@code persisted}); and a follower's HeartbeatResponse or an
 *       acknowledgement of entries already durable. All only while term and vote are durable.</li>
 *   <li><b>Persist</b>, in this order: {@link #hardState()} via {@link RaftStorage#setHardState}
 *       <em>first</em>, then {@link #snapshotToPersist()} via {@link RaftStorage#saveSnapshot}, then
 *       {@link #truncateFrom()} via {@link RaftStorage#truncateFrom} (when {@code > 0}), then
 *       {@link #entriesToAppend()} via {@link RaftStorage#append}; then {@link RaftStorage#flush()}.
 *       The hard state goes first because a crash may keep any prefix of the calls since the last
 *       flush (storage contract point 2): with this order every prefix holds the term before any
 *       entry or snapshot of that term, so the recovered log never ends in a term above the
 *       recovered current term (the storage rule "term before entries", see {@link RaftStorage}).
 *       {@link #writeTo(RaftStorage)} issues exactly these calls; {@link #persistTo(RaftStorage)}
 *       adds the flush.</li>
 *   <li><b>Only after {@code flush()} returned, send {@link #messagesAfterPersist()}</b>: votes,
 *       append and snapshot acknowledgements, vote requests — each depends on the state just made
 *       durable (Raft paper Fig. 2: "respond to RPCs only after updating stable storage"). If
 *       flush throws, the node must stop and these messages are never sent.</li>
 *   <li><b>Apply</b>: first {@link #snapshotToApply()} (restore the state machine from it), then
 *       {@link #committedEntries()} in order (skipping {@link EntryKind#NOOP} entries, which carry
 *       no command). Then serve {@link #readStates()} whose index has been applied; fail
 *       {@link #abortedReads()}.</li>
 *   <li>Call {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 *
 * <p>Every list is immutable; empty lists and {@code null} / {@code 0} fields mean "nothing".
 */
public final class Ready {
  private final SoftState softState;
  private final HardState hardState;
  private final Snapshot snapshotToPersist;
  private final long truncateFrom;
  private final List<LogEntry> entriesToAppend;
  private final List<RaftMessage> messagesBeforePersist;
  private final List<RaftMessage> messagesAfterPersist;
  private final Snapshot snapshotToApply;
  private final List<LogEntry> committedEntries;
  private final List<ReadState> readStates;
  private final List<Long> abortedReads;
  private final PersistMark persistMark;

  Ready(SoftState softState, HardState hardState, Snapshot snapshotToPersist, long truncateFrom,
        List<LogEntry> entriesToAppend, List<RaftMessage> messagesBeforePersist,
        List<RaftMessage> messagesAfterPersist, Snapshot snapshotToApply,
        List<LogEntry> committedEntries, List<ReadState> readStates, List<Long> abortedReads,
        PersistMark persistMark) {
    this.softState = softState;
    this.hardState = hardState;
    this.snapshotToPersist = snapshotToPersist;
    this.truncateFrom = truncateFrom;
    this.entriesToAppend = List.copyOf(entriesToAppend);
    this.messagesBeforePersist = List.copyOf(messagesBeforePersist);
    this.messagesAfterPersist = List.copyOf(messagesAfterPersist);
    this.snapshotToApply = snapshotToApply;
    this.committedEntries = List.copyOf(committedEntries);
    this.readStates = List.copyOf(readStates);
    this.abortedReads = List.copyOf(abortedReads);
    this.persistMark = mustPersist() ? persistMark : null;
  }

  /** New role / leader / term when it changed since the previous Ready, else {@code null}. */
  public SoftState softState() { return softState; }

  /** Hard state (term, vote) to persist when it changed, else {@code null}. */
  public HardState hardState() { return hardState; }

  /**
   * Snapshot to persist first, else {@code null}: either one the application handed over with
   * {@link RaftNode#snapshotTaken} (the storage compacts its log up to it) or one installed from
   * the leader (then also in {@link #snapshotToApply()}; the storage discards its log tail unless
   * it holds an entry matching the snapshot).
   */
  public Snapshot snapshotToPersist() { return snapshotToPersist; }

  /**
   * When {@code > 0}: remove every stored entry with index {@code >= truncateFrom} (a conflicting
   * uncommitted suffix, Raft paper §5.3) before appending. Always greater than the snapshot index.
   */
  public long truncateFrom() { return truncateFrom; }

  /** Entries to append to stable storage, contiguous, starting at the storage's last index + 1. */
  public List<LogEntry> entriesToAppend() { return entriesToAppend; }

  /** Messages that may be sent before (or while) this Ready is persisted; see step 1. */
  public List<RaftMessage> messagesBeforePersist() { return messagesBeforePersist; }

  /** Messages that may be sent only after this Ready is durably persisted; see step 3. */
  public List<RaftMessage> messagesAfterPersist() { return messagesAfterPersist; }

  /** Snapshot received from the leader: restore the state machine from it before applying entries. */
  public Snapshot snapshotToApply() { return snapshotToApply; }

  /** Newly committed entries, in index order: committed and durable in this node's log. */
  public List<LogEntry> committedEntries() { return committedEntries; }

  /** Confirmed ReadIndex reads (thesis §6.4). */
  public List<ReadState> readStates() { return readStates; }

  /** Request ids of ReadIndex reads that will never be confirmed (leadership lost); retry elsewhere. */
  public List<Long> abortedReads() { return abortedReads; }

  /**
   * When {@link #mustPersist()}: the state this Ready's writes leave on disk, to hand to
   * {@link RaftNode#persisted} once the flush covering them completed; else {@code null}.
   */
  public PersistMark persistMark() { return persistMark; }

  /** True when there is nothing to do (no output at all). */
  public boolean isEmpty() {
    return softState == null && hardState == null && snapshotToPersist == null && truncateFrom == 0
        && entriesToAppend.isEmpty() && messagesBeforePersist.isEmpty() && messagesAfterPersist.isEmpty()
        && snapshotToApply == null && committedEntries.isEmpty() && readStates.isEmpty()
        && abortedReads.isEmpty();
  }

  /** True when step 2 has anything to write (and so must flush). */
  public boolean mustPersist() {
    return hardState != null || snapshotToPersist != null || truncateFrom > 0 || !entriesToAppend.isEmpty();
  }

  /**
   * Step 2 of the contract above: writes this Ready's state to {@code storage} in the required
   * order and flushes. Does nothing (and does not flush) when there is nothing to persist.
   *
   * @throws StorageException from the storage; the node must then stop
   */
  public void persistTo(RaftStorage storage) {
    if (!mustPersist()) return;
    writeTo(storage);
    storage.flush();
  }

  /**
   * Step 2 without its flush: the one place that knows the storage write order. Hard state first
   * (term before entries: a crash keeping any prefix of these calls leaves a startable state), then
   * snapshot, truncation, entries. The caller flushes (inline, or later for group commit).
   *
   * @throws StorageException from the storage; the node must then stop
   */
  public void writeTo(RaftStorage storage) {
    if (hardState != null) storage.setHardState(hardState);
    if (snapshotToPersist != null) storage.saveSnapshot(snapshotToPersist.meta(), snapshotToPersist.data());
    if (truncateFrom > 0) storage.truncateFrom(truncateFrom);
    if (!entriesToAppend.isEmpty()) storage.append(entriesToAppend);
  }

  @Override
  public String toString() {
    return "Ready{soft=" + softState + " hard=" + hardState + " snapPersist=" + snapshotToPersist
        + " truncateFrom=" + truncateFrom + " append=" + entriesToAppend.size()
        + " msgsBefore=" + messagesBeforePersist.size() + " msgsAfter=" + messagesAfterPersist.size()
        + " snapApply=" + snapshotToApply + " commit=" + committedEntries.size()
        + " reads=" + readStates + " aborted=" + abortedReads + "}";
  }
}
