package io.shardkv.server.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one Ready loop: drives a {@link RaftNode} with its {@link RaftStorage} exactly as {@link Ready}
 * prescribes, for the real server ({@code ReplicaHost} under {@code NodeServer}), both simulators
 * and the test fixtures. Deterministic and single-threaded like the core: no threads, clock or I/O
 * of its own; storage, transport, application and flush scheduling are plugged in.
 *
 * <h2>Asynchronous storage writes</h2>
 * The node keeps taking input (messages, proposals, reads, ticks) while a flush is in flight;
 * the flush's completion is one more input ({@link RaftNode#persisted}). For each Ready, at once:
 * <ol>
 *   <li>{@link Transport#send} the {@code messagesBeforePersist} (a leader's replication, thesis
 *       §10.2.1; a follower's heartbeat answer or an acknowledgement of entries already durable);</li>
 *   <li>{@link Ready#writeTo} the storage (hard state first: "term before entries",
 *       {@link RaftStorage} point 4) — buffered, not yet durable;</li>
 *   <li>hold the {@code messagesAfterPersist} (votes, vote requests, acknowledgements) until the
 *       flush covering every write issued so far completes (Raft paper Fig. 2: "respond to RPCs
 *       only after updating stable storage"); sent at once only when nothing is unflushed; of the
 *       successful append acknowledgements held for one flush only the latest per leader leaves
 *       ({@link AckCoalescing});</li>
 *   <li>{@link Applier#apply} the snapshot, committed entries and reads: the node hands out only
 *       entries committed <em>and</em> durable in its own log, so applying (and answering clients)
 *       needs no wait; reads need only their read index applied;</li>
 *   <li>{@link RaftNode#advanceWritten}, then {@link Applier#afterAdvance()}.</li>
 * </ol>
 * Flushes: at most one is in flight. When none is and writes are unflushed, the driver seals them
 * ({@link RaftStorage#prepareFlush}) and hands the batch to the {@link Flusher} (or syncs it
 * inline when there is none). Everything written while that flush runs goes into the next batch
 * (group commit). On {@link #onFlushed()} the driver sends the messages held for that batch, then
 * gives the node the batch's {@link PersistMark} ({@link RaftNode#persisted}): only now may a
 * leader count its own append towards commit. A Ready written while a flush is in flight may
 * truncate entries of the batch in flight; the storage contract (RaftStorage rules 5-7) and the
 * mark's term check make that safe.
 *
 * <p>A {@link StorageException} from a write, a prepare or an inline sync (or {@link #onFlushFailed}),
 * and any exception from {@link Applier#apply} (fail-stop: a committed entry is never skipped), stop
 * the driver for good: held votes and acks are never sent and every later input is ignored.
 * {@link Hooks} let invariant checkers observe every step.
 */
public final class ReadyDriver {

  /** Sends a message to a peer; never blocks, never throws for I/O (loss is allowed). */
  @FunctionalInterface
  public interface Transport {
    void send(RaftMessage message);
  }

  /** The application side of a Ready. */
  public interface Applier {
    /**
     * Step 4: restore {@code rd.snapshotToApply()} if any, apply {@code rd.committedEntries()} in
     * order (all durable here and committed), take {@code rd.readStates()} / {@code rd.abortedReads()}.
     */
    void apply(Ready rd);

    /** After {@link RaftNode#advanceWritten}: serve reads, react to role changes, take snapshots. */
    default void afterAdvance() { }
  }

  /**
   * Asynchronous flushing: arrange for {@code batch.sync()} to run (on any thread; one batch at a
   * time), then call {@link #onFlushed()} — or {@link #onFlushFailed} — on the driver's thread as a
   * later event (never from inside this call).
   */
  @FunctionalInterface
  public interface Flusher {
    void requestFlush(RaftStorage.FlushBatch batch);
  }

  /** Observation points for invariant checks and traces; every method does nothing by default. */
  public interface Hooks {
    /** After each input ran on the node (before its Ready is taken), the flush completion included. */
    default void afterInput() { }

    /** A Ready was just taken from the node. */
    default void onReady(Ready rd) { }

    /** Before the Ready's storage writes (only for a Ready that must persist). */
    default void beforeWrite(Ready rd) { }

    /** Before each message of {@code messagesAfterPersist} is sent. */
    default void beforeSendAfterPersist(RaftMessage m) { }

    /** After {@link RaftNode#advanceWritten} and {@link Applier#afterAdvance()}. */
    default void afterAdvance() { }

    /** The driver stopped for good because the storage failed. */
    default void stopped(Throwable cause) { }
  }

  /** No hooks. */
  public static final Hooks NO_HOOKS = new Hooks() { };

  private final RaftNode raft;
  private final RaftStorage storage;
  private final Transport transport;
  private final Applier applier;
  private final Flusher flusher;
  private final Hooks hooks;
  private final boolean unsafeAckBeforeFlush;
  /** Inputs given while the driver is busy inside its own loop (re-entrant calls), in order. */
  private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
  /** The mark of the latest write not yet sealed into a flush batch, or null. */
  private PersistMark unflushed;
  /** Messages that depend on the unsealed writes. */
  private List<RaftMessage> heldForUnflushed = new ArrayList<>();
  /** The mark the flush in flight will make durable, or null when no flush is in flight. */
  private PersistMark inFlight;
  /** Messages that depend on the writes of the flush in flight (and nothing later). */
  private List<RaftMessage> heldForInFlight = new ArrayList<>();
  private boolean pumping;
  private boolean stopped;

  /**
   * @param flusher {@code null} to sync each batch inline (within the input call)
   */
  public ReadyDriver(RaftNode raft, RaftStorage storage, Transport transport, Applier applier, Flusher flusher,
                     Hooks hooks) {
    this(raft, storage, transport, applier, flusher, hooks, false);
  }

  private ReadyDriver(RaftNode raft, RaftStorage storage, Transport transport, Applier applier, Flusher flusher,
                      Hooks hooks, boolean unsafeAckBeforeFlush) {
    this.raft = Objects.requireNonNull(raft, "raft");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.applier = Objects.requireNonNull(applier, "applier");
    this.flusher = flusher;
    this.hooks = Objects.requireNonNull(hooks, "hooks");
    this.unsafeAckBeforeFlush = unsafeAckBeforeFlush;
  }

  /**
   * A deliberately broken copy of this driver that sends {@code messagesAfterPersist} before the
   * writes, violating step 3. Only for showing that a simulator's invariants catch such a driver.
   */
  public ReadyDriver unsafeAckingBeforeFlush() {
    return new ReadyDriver(raft, storage, transport, applier, flusher, hooks, true);
  }

  public RaftNode raft() { return raft; }

  /** True while a flush is in flight (inputs still run at once). */
  public boolean awaitingFlush() { return inFlight != null; }

  /** True when writes were issued that no flush (in flight or done) covers yet. */
  public boolean hasUnflushedWrites() { return unflushed != null; }

  /** Messages held until a flush completes (for observation and tests). */
  public int heldMessages() { return heldForUnflushed.size() + heldForInFlight.size(); }

  /** True after a storage failure: every input is ignored. */
  public boolean stopped() { return stopped; }

  /**
   * Runs one input on the node ({@code tick}, {@code step}, {@code propose}, ...) now, followed by
   * the Ready loop. Called from inside the loop (an applier reacting to a Ready), it runs right
   * after the current step instead.
   */
  public void input(Runnable onNode) {
    if (stopped) return;
    queued.addLast(Objects.requireNonNull(onNode, "onNode"));
    pump();
  }

  /**
   * Runs one input on the node now but leaves its Ready for a later {@link #pump()} (input
   * coalescing: the inputs of one event-loop turn then share one Ready). Called from inside the loop,
   * it is queued like {@link #input}. The caller must call {@link #pump()} soon: until then the
   * node's messages stay unsent and its writes unissued (nothing is acknowledged early by waiting).
   */
  public void inputWithoutReady(Runnable onNode) {
    if (stopped) return;
    Objects.requireNonNull(onNode, "onNode");
    if (pumping) {
      queued.addLast(onNode);
      return;
    }
    onNode.run();
    hooks.afterInput();
  }

  /**
   * Handles the node's Readies, queued inputs and flush starts until there is nothing left to do.
   * Inputs given to the node directly (tests) are followed by a call to this.
   */
  public void pump() {
    if (stopped || pumping) return;
    pumping = true;
    try {
      while (!stopped) {
        if (raft.hasReady()) {
          handle(raft.ready());
        } else if (!queued.isEmpty()) {
          queued.pollFirst().run();
          hooks.afterInput();
        } else if (inFlight == null && unflushed != null) {
          startFlush();
        } else {
          break;
        }
      }
    } finally {
      pumping = false;
    }
  }

  /**
   * The flush handed to the {@link Flusher} is done: sends the messages held for it, tells the node
   * its writes are durable, then runs the loop (which may start the next flush).
   */
  public void onFlushed() {
    if (stopped) return;
    if (inFlight == null) throw new IllegalStateException("onFlushed() without a flush in flight");
    if (pumping) {
      throw new IllegalStateException("onFlushed() called from inside the driver's loop: report the flush as a later event");
    }
    pumping = true;
    try {
      completeFlush();
    } finally {
      pumping = false;
    }
    pump();
  }

  /** The asynchronous flush failed: the driver stops (the held votes and acks are never sent). */
  public void onFlushFailed(Throwable cause) {
    if (!stopped) fail(cause);
  }

  private void fail(Throwable cause) {
    stopped = true;
    unflushed = null;
    inFlight = null;
    heldForUnflushed = new ArrayList<>();
    heldForInFlight = new ArrayList<>();
    queued.clear();
    hooks.stopped(cause);
  }

  /** Steps 1-5 of one Ready (see the class comment). */
  private void handle(Ready rd) {
    hooks.onReady(rd);
    for (RaftMessage m : rd.messagesBeforePersist()) transport.send(m);
    if (unsafeAckBeforeFlush) sendNow(rd.messagesAfterPersist());
    if (rd.mustPersist()) {
      try {
        hooks.beforeWrite(rd);
        rd.writeTo(storage);
      } catch (StorageException e) {
        fail(e);
        return;
      }
      unflushed = rd.persistMark();
    }
    if (!unsafeAckBeforeFlush && !rd.messagesAfterPersist().isEmpty()) {
      // Acknowledgements held for the same flush are coalesced: one per leader (AckCoalescing).
      if (unflushed != null) {
        AckCoalescing.addAll(heldForUnflushed, rd.messagesAfterPersist());
      } else if (inFlight != null) {
        AckCoalescing.addAll(heldForInFlight, rd.messagesAfterPersist());
      } else {
        sendNow(rd.messagesAfterPersist()); // everything it depends on is durable already
      }
    }
    try {
      applier.apply(rd);
    } catch (RuntimeException e) {
      // Fail-stop: a committed entry this replica cannot apply (a bug, or an entry in a format this
      // build does not know) must not be skipped — every replica applies every committed entry in
      // order (State Machine Safety, Raft §5.4.3). Stopping keeps the state machine at the last
      // entry applied; a restart (fixed build) re-applies from the log.
      fail(new IllegalStateException("could not apply the committed entries " + describe(rd) + ": " + e, e));
      return;
    }
    raft.advanceWritten(rd);
    applier.afterAdvance();
    hooks.afterAdvance();
  }

  /** Seals the unflushed writes into a batch and syncs it inline or hands it to the flusher. */
  private void startFlush() {
    RaftStorage.FlushBatch batch;
    try {
      batch = storage.prepareFlush();
    } catch (StorageException e) {
      fail(e);
      return;
    }
    inFlight = unflushed;
    heldForInFlight = heldForUnflushed;
    unflushed = null;
    heldForUnflushed = new ArrayList<>();
    if (flusher != null) {
      flusher.requestFlush(batch);
      return;
    }
    try {
      batch.sync();
    } catch (StorageException e) {
      fail(e);
      return;
    }
    completeFlush();
  }

  private void completeFlush() {
    PersistMark mark = inFlight;
    List<RaftMessage> held = heldForInFlight;
    inFlight = null;
    heldForInFlight = new ArrayList<>();
    sendNow(held);
    raft.persisted(mark);
    hooks.afterInput();
  }

  private static String describe(Ready rd) {
    List<LogEntry> c = rd.committedEntries();
    if (c.isEmpty()) return "(snapshot or reads)";
    return c.get(0).term() + "/" + c.get(0).index() + ".." + c.get(c.size() - 1).term() + "/" + c.get(c.size() - 1).index();
  }

  private void sendNow(List<RaftMessage> messages) {
    for (RaftMessage m : messages) {
      hooks.beforeSendAfterPersist(m);
      transport.send(m);
    }
  }
}
