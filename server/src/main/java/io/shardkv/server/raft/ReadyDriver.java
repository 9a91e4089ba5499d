package io.shardkv.server.raft;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The one Ready loop: drives a {@link RaftNode} with its {@link RaftStorage} exactly as {@link Ready}
 * prescribes, for the real server ({@code ReplicaHost} under {@code NodeServer}), both simulators
 * and the test fixtures. Deterministic and single-threaded like the core: no threads, clock or I/O
 * of its own; storage, transport, application and flush scheduling are plugged in.
 *
 * <p>For each Ready, in order:
 * <ol>
 *   <li>{@link Transport#send} the {@code messagesBeforePersist} (a leader's replication may go
 *       before its own write, Raft thesis §10.2.1);</li>
 *   <li>{@link Ready#writeTo} the storage (hard state first: the storage rule "term before entries",
 *       {@link RaftStorage} point 4), then flush: inline when there is no {@link Flusher}, else ask
 *       the flusher and hold every input until {@link #onFlushed()} (group commit: the inputs that
 *       arrive meanwhile all run before the next Ready, so one flush covers all of them);</li>
 *   <li>only after the flush, send the {@code messagesAfterPersist} (votes, acks — Raft paper Fig. 2,
 *       "respond to RPCs only after updating stable storage");</li>
 *   <li>{@link Applier#apply} the snapshot, committed entries and reads;</li>
 *   <li>{@link RaftNode#advance}, then {@link Applier#afterAdvance()}.</li>
 * </ol>
 * A {@link StorageException} from a write or an inline flush (or {@link #onFlushFailed}) stops the
 * driver for good: the Ready's votes and acks are never sent and every later input is ignored.
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
     * Step 4, after the Ready is durable: restore {@code rd.snapshotToApply()} if any, apply
     * {@code rd.committedEntries()} in order, take {@code rd.readStates()} / {@code rd.abortedReads()}.
     */
    void apply(Ready rd);

    /**
     * Called after step 1 of a Ready that must persist, before its writes. An application may apply
     * committed entries here that earlier flushes already made durable (persist before you speak
     * holds: nothing they answer depends on this Ready's writes); {@link #apply} still gets them.
     */
    default void beforePersist(Ready rd) { }

    /** After {@link RaftNode#advance}: serve reads, react to role changes, take snapshots. */
    default void afterAdvance() { }
  }

  /** Asynchronous flushing: arrange for {@code storage.flush()} to run, then call {@link #onFlushed()}. */
  @FunctionalInterface
  public interface Flusher {
    void requestFlush();
  }

  /** Observation points for invariant checks and traces; every method does nothing by default. */
  public interface Hooks {
    /** After each input ran on the node (before its Ready is taken). */
    default void afterInput() { }

    /** A Ready was just taken from the node. */
    default void onReady(Ready rd) { }

    /** Before the Ready's storage writes (only for a Ready that must persist). */
    default void beforeWrite(Ready rd) { }

    /** Before each message of {@code messagesAfterPersist} is sent. */
    default void beforeSendAfterPersist(RaftMessage m) { }

    /** After {@link RaftNode#advance} and {@link Applier#afterAdvance()}. */
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
  private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
  private Ready awaitingFlush;
  private boolean stopped;

  /**
   * @param flusher {@code null} to flush inline (the Ready completes within the input call)
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
   * flush, violating step 3. Only for showing that a simulator's invariants catch such a driver.
   */
  public ReadyDriver unsafeAckingBeforeFlush() {
    return new ReadyDriver(raft, storage, transport, applier, flusher, hooks, true);
  }

  public RaftNode raft() { return raft; }

  /** True while a Ready waits for its asynchronous flush (inputs are being queued). */
  public boolean awaitingFlush() { return awaitingFlush != null; }

  /** True after a storage failure: every input is ignored. */
  public boolean stopped() { return stopped; }

  /**
   * Runs one input on the node ({@code tick}, {@code step}, {@code propose}, ...) now, followed by
   * the Ready loop; or, while a Ready awaits its flush, queues it to run right after that Ready.
   */
  public void input(Runnable onNode) {
    if (stopped) return;
    if (awaitingFlush != null) {
      queued.addLast(onNode);
      return;
    }
    onNode.run();
    hooks.afterInput();
    pump();
  }

  /**
   * Handles the node's Readies until it has none or one awaits its flush. Inputs given to the node
   * directly (tests) are followed by a call to this.
   */
  public void pump() {
    while (!stopped && awaitingFlush == null && raft.hasReady()) {
      Ready rd = raft.ready();
      hooks.onReady(rd);
      for (RaftMessage m : rd.messagesBeforePersist()) transport.send(m);
      if (unsafeAckBeforeFlush) sendAfterPersist(rd);
      if (rd.mustPersist()) {
        applier.beforePersist(rd);
        if (stopped) return;
        try {
          hooks.beforeWrite(rd);
          rd.writeTo(storage);
          if (flusher != null) {
            awaitingFlush = rd;
            flusher.requestFlush();
            return;
          }
          storage.flush();
        } catch (StorageException e) {
          fail(e);
          return;
        }
      }
      finish(rd);
    }
  }

  /** The flush asked of the {@link Flusher} is done: completes the Ready, then runs what queued up. */
  public void onFlushed() {
    if (stopped) return;
    if (awaitingFlush == null) throw new IllegalStateException("onFlushed() without a flush requested");
    finish(awaitingFlush);
    // Group commit: every input that arrived during the flush runs now, and the next Ready (one
    // flush) persists all their writes. Inputs between two ready() calls are fine for the core.
    while (!stopped && awaitingFlush == null) {
      while (!stopped && !queued.isEmpty()) {
        queued.pollFirst().run();
        hooks.afterInput();
      }
      pump();
      if (queued.isEmpty()) break;
    }
  }

  /** The asynchronous flush failed: the driver stops (the Ready's votes and acks are never sent). */
  public void onFlushFailed(Throwable cause) {
    if (!stopped) fail(cause);
  }

  private void fail(Throwable cause) {
    stopped = true;
    awaitingFlush = null;
    queued.clear();
    hooks.stopped(cause);
  }

  /** Steps 3-5, once the Ready's writes are durable. */
  private void finish(Ready rd) {
    awaitingFlush = null;
    if (!unsafeAckBeforeFlush) sendAfterPersist(rd);
    applier.apply(rd);
    raft.advance(rd);
    applier.afterAdvance();
    hooks.afterAdvance();
  }

  private void sendAfterPersist(Ready rd) {
    for (RaftMessage m : rd.messagesAfterPersist()) {
      hooks.beforeSendAfterPersist(m);
      transport.send(m);
    }
  }
}
