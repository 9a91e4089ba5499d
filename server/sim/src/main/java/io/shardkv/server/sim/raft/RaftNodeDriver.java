package io.shardkv.server.sim.raft;

import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.Ready;
import io.shardkv.server.raft.ReadyDriver;
import io.shardkv.server.raft.ReadState;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.sim.SimCluster;
import io.shardkv.server.sim.SimRandom;
import java.util.List;
import java.util.function.Consumer;

/**
 * One incarnation of a {@link RaftNode} inside the simulation, driven by the production
 * {@link ReadyDriver} (the Ready contract of docs/raft-core.md):
 * <ol>
 *   <li>send {@code messagesBeforePersist} at once (thesis §10.2.1);</li>
 *   <li>issue the writes to the simulated disk; hold votes and acks; apply committed (and locally
 *       durable) entries to the {@link TestStateMachine}; advance;</li>
 *   <li>seal the writes into a batch whose sync takes simulated time: it completes in a later
 *       event, interleaved with messages, ticks and client calls the node keeps handling (and
 *       writing into the next batch) meanwhile; a crash in between loses whatever the disk had not
 *       synced. On completion: send the held messages, tell the node its writes are durable.</li>
 * </ol>
 * Every step is checked by the {@link RaftInvariants}, through the driver's hooks and transport:
 * no message promises state the disk does not durably hold, and a leader counts only its durable
 * log towards commit.
 */
final class RaftNodeDriver implements SimCluster.Process<RaftMessage> {
  private final RaftCluster world;
  private final int id;
  private final int incarnation;
  private final RaftStorage storage;
  private final RaftNode raft;
  private final ReadyDriver driver;
  private final TestStateMachine sm = new TestStateMachine();
  private final SimRandom diskLatency;
  /** Accepting acks not yet sent → the term of their match-index entry when they were made. */
  private final java.util.IdentityHashMap<RaftMessage, Long> ackedTerms = new java.util.IdentityHashMap<>();

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
    ReadyDriver d = new ReadyDriver(raft, storage, this::send, new Applier(), this::flushLater, new Checks());
    this.driver = o.ackBeforeFlush() ? d.unsafeAckingBeforeFlush() : d; // deliberately wrong: see RaftSimOptions
  }

  RaftNode raft() { return raft; }
  TestStateMachine stateMachine() { return sm; }
  int incarnation() { return incarnation; }

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
    driver.input(() -> {
      raft.setTime(world.loop().now());
      r.run();
    });
  }

  /** Every message leaves through here: none may promise state the disk does not durably hold. */
  private void send(RaftMessage m) {
    Long acked = ackedTerms.remove(m);
    world.invariants().checkSpeaksFromDurableState(id, world.disk(id), m, acked == null ? -1 : acked);
    world.invariants().onSent(id, m);
    world.network().send(id, m.to(), m);
  }

  /** The batch's sync takes simulated time; a crash before it fires loses the unsynced writes. */
  private void flushLater(io.shardkv.server.raft.RaftStorage.FlushBatch batch) {
    long latency = diskLatency.between(world.options().diskLatencyMinMs(), world.options().diskLatencyMaxMs());
    world.host().later(id, latency, () -> {
      raft.setTime(world.loop().now());
      batch.sync();
      driver.onFlushed();
    });
  }

  /** Steps 4-5 on the {@link TestStateMachine}, each step checked. */
  private final class Applier implements ReadyDriver.Applier {
    @Override
    public void apply(Ready rd) {
      long now = world.loop().now();
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
    }

    @Override
    public void afterAdvance() {
      world.invariants().observe(id, incarnation, raft);
      maybeSnapshot();
    }
  }

  /** The invariant checks, hooked into the driver. */
  private final class Checks implements ReadyDriver.Hooks {
    @Override
    public void afterInput() {
      world.invariants().observe(id, incarnation, raft);
      world.invariants().checkDurableSelf(id, raft, world.disk(id));
    }

    @Override
    public void onReady(Ready rd) {
      // Remember what each accepting ack claims now: it may leave after later Readies changed the log.
      for (List<RaftMessage> ms : List.of(rd.messagesBeforePersist(), rd.messagesAfterPersist())) {
        for (RaftMessage m : ms) {
          if (m instanceof RaftMessage.AppendEntriesResponse r && r.success()) ackedTerms.put(m, raft.termAt(r.matchIndex()));
        }
      }
      if (rd.softState() != null) world.digest().record(world.loop().now(), name(), "soft", rd.softState().toString());
    }

    @Override
    public void beforeWrite(Ready rd) {
      List<LogEntry> entries = rd.entriesToAppend();
      if (!entries.isEmpty()) {
        world.invariants().onPersisted(id, raft.termAt(entries.get(0).index() - 1), entries);
      }
    }

    @Override
    public void beforeSendAfterPersist(RaftMessage m) {
      world.invariants().onSpokeAfterPersist(id, m);
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
