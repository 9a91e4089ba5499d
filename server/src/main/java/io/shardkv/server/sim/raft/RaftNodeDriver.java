package io.shardkv.server.sim.raft;

import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.Ready;
import io.shardkv.server.raft.ReadState;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.sim.SimCluster;
import io.shardkv.server.sim.SimRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives one incarnation of a {@link RaftNode} inside the simulation, following the Ready contract
 * of docs/raft-core.md:
 * <ol>
 *   <li>send {@code messagesBeforePersist} at once (thesis §10.2.1);</li>
 *   <li>issue the writes to the simulated disk, then let the flush take simulated time: it completes
 *       in a later event, so a crash in between loses whatever the disk had not synced;</li>
 *   <li>when the flush is done: send {@code messagesAfterPersist}, apply the snapshot and committed
 *       entries to the {@link TestStateMachine}, then {@code advance}.</li>
 * </ol>
 * While a Ready is in flight the node takes no input (its contract): ticks, messages and client
 * calls queue up in arrival order and run right after {@code advance}. Every step is checked by the
 * {@link RaftInvariants}.
 */
final class RaftNodeDriver implements SimCluster.Process<RaftMessage> {
  private final RaftCluster world;
  private final int id;
  private final int incarnation;
  private final RaftStorage storage;
  private final RaftNode raft;
  private final TestStateMachine sm = new TestStateMachine();
  private final SimRandom diskLatency;
  private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
  private boolean readyInFlight;

  RaftNodeDriver(RaftCluster world, int id, int incarnation, RaftStorage storage, SimRandom random) {
    this.world = world;
    this.id = id;
    this.incarnation = incarnation;
    this.storage = storage;
    this.diskLatency = random.fork("disk-latency");
    PersistedState state = storage.load();
    if (incarnation > 0) world.invariants().onRecovered(id, state);
    if (!state.snapshot().equals(SnapshotMeta.NONE)) {
      sm.restore(state.snapshotData());
      world.invariants().onSnapshotRestored(id, state.snapshot().lastIndex(), sm.hash());
    }
    SimRandom timeouts = random.fork("election-timeouts");
    RaftSimOptions o = world.options();
    this.raft = new RaftNode(o.raftConfig(id), state, timeouts::nextInt, world::traceLine);
    raft.setTraceEnabled(o.trace());
    raft.setTime(world.loop().now());
    world.invariants().observe(id, incarnation, raft);
  }

  RaftNode raft() { return raft; }
  TestStateMachine stateMachine() { return sm; }
  int incarnation() { return incarnation; }
  boolean busy() { return readyInFlight; }

  @Override
  public void tick() {
    input(raft::tick);
  }

  @Override
  public void receive(int from, RaftMessage message) {
    input(() -> raft.step(message));
  }

  /** Runs a client call (propose, readIndex, transfer) on the node now, or after the Ready in flight. */
  void submit(Consumer<RaftNode> call) {
    input(() -> call.accept(raft));
  }

  private void input(Runnable r) {
    if (readyInFlight) {
      queued.addLast(r);
      return;
    }
    run(r);
  }

  private void run(Runnable r) {
    raft.setTime(world.loop().now());
    r.run();
    world.invariants().observe(id, incarnation, raft);
    startReady();
  }

  private void startReady() {
    if (readyInFlight || !raft.hasReady()) return;
    Ready rd = raft.ready();
    readyInFlight = true;
    if (rd.softState() != null) world.digest().record(world.loop().now(), name(), "soft", rd.softState().toString());
    for (RaftMessage m : rd.messagesBeforePersist()) world.network().send(id, m.to(), m);
    if (world.options().ackBeforeFlush()) sendAfterPersist(rd); // deliberately wrong: see RaftSimOptions
    if (rd.mustPersist()) {
      write(rd);
      long latency = diskLatency.between(world.options().diskLatencyMinMs(), world.options().diskLatencyMaxMs());
      world.host().later(id, latency, () -> finishReady(rd));
    } else {
      finishReady(rd);
    }
  }

  /** Step 2 of the Ready contract without its flush: {@link Ready#writeTo}, in the contract's order. */
  private void write(Ready rd) {
    List<LogEntry> entries = rd.entriesToAppend();
    if (!entries.isEmpty()) {
      long prevTerm = raft.termAt(entries.get(0).index() - 1);
      world.invariants().onPersisted(id, prevTerm, entries);
    }
    rd.writeTo(storage);
  }

  private void finishReady(Ready rd) {
    long now = world.loop().now();
    raft.setTime(now);
    if (rd.mustPersist()) storage.flush();
    if (!world.options().ackBeforeFlush()) sendAfterPersist(rd);
    if (rd.snapshotToApply() != null) {
      sm.restore(rd.snapshotToApply().data());
      world.invariants().onSnapshotRestored(id, rd.snapshotToApply().meta().lastIndex(), sm.hash());
      world.digest().record(now, name(), "restore", rd.snapshotToApply().toString());
    }
    for (LogEntry e : rd.committedEntries()) {
      long expected = sm.lastApplied() + 1;
      sm.apply(e);
      world.invariants().onApplied(id, expected, e, sm.hash());
      world.onApplied(id, e, sm.hash());
    }
    for (ReadState r : rd.readStates()) world.onReadConfirmed(id, r);
    for (long aborted : rd.abortedReads()) world.onReadAborted(id, aborted);
    raft.advance(rd);
    readyInFlight = false;
    world.invariants().observe(id, incarnation, raft);
    maybeSnapshot();
    startReady();
    while (!readyInFlight && !queued.isEmpty()) run(queued.pollFirst());
  }

  private void sendAfterPersist(Ready rd) {
    for (RaftMessage m : rd.messagesAfterPersist()) {
      world.invariants().onSpokeAfterPersist(id, m);
      world.network().send(id, m.to(), m);
    }
  }

  /** Takes a state machine snapshot once enough entries were applied since the last one (6.824 style). */
  private void maybeSnapshot() {
    int every = world.options().snapshotEvery();
    if (every <= 0) return;
    long applied = raft.appliedIndex();
    if (applied != sm.lastApplied()) return;
    if (applied - raft.snapshotMeta().lastIndex() >= every) {
      raft.snapshotTaken(applied, sm.snapshot());
      world.digest().record(world.loop().now(), name(), "snapshot-taken", Long.toString(applied));
    }
  }

  private String name() { return "n" + id; }
}
