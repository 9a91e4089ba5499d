package io.shardkv.server.replica;

import io.shardkv.driver.routing.Served;
import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.MembershipChange;
import io.shardkv.server.raft.NotLeader;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.ProposeResult;
import io.shardkv.server.raft.RaftConfig;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.RandomSource;
import io.shardkv.server.raft.ReadIndexResult;
import io.shardkv.server.raft.ReadState;
import io.shardkv.server.raft.Ready;
import io.shardkv.server.raft.ReadyDriver;
import io.shardkv.server.raft.Role;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.TraceSink;
import io.shardkv.server.statemachine.ReplicatedStateMachine;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Hosts one replicated service ({@link HostedService}) on one {@link RaftNode} and its
 * {@link RaftStorage}: the glue shared by the simulator and the real server. Pure and single-threaded
 * like the Raft core: no clock (time is counted in {@link #tick()}s), no I/O (everything outward goes
 * through {@link ReplicaOutputs}), no randomness of its own.
 *
 * <p>What it does (docs/replica-host.md has the full contract):
 * <ul>
 *   <li>Runs the Ready loop of docs/raft-core.md through the one {@link ReadyDriver} (shared with
 *       the simulators and test fixtures) with asynchronous storage writes: leader messages
 *       before persisting (thesis §10.2.1), writes (hard state first), votes/acks held until the
 *       flush covering them (inline or via the environment), committed entries applied as soon as
 *       they are committed and durable here. Inputs keep running while a flush is in flight.</li>
 *   <li>Answers a proposed request when its entry applies: the applied result if the entry at the
 *       proposal's index has the proposal's term; {@link ClientReply.NotLeader} (definite) if a
 *       different entry landed there; {@link ClientReply.Indeterminate} if leadership was lost first,
 *       a snapshot jumped over the index, or the request timed out.</li>
 *   <li>Serves reads with ReadIndex (thesis §6.4): no log entry; answered once applied ≥ read index.</li>
 *   <li>Snapshots when the commands applied since the last snapshot pass
 *       {@link HostOptions#snapshotThresholdBytes()}; restores from storage at start and from
 *       InstallSnapshot.</li>
 *   <li>Calls the service's lifecycle hooks ({@link HostedService#onTick}, {@link HostedService#onApplied},
 *       {@link HostedService#onBecameLeader}); a shard group's migrations live there
 *       ({@code shardkv.ShardGroupService}), so the host knows nothing of shards.</li>
 * </ul>
 */
public final class ReplicaHost {
  private final int gid;
  private final long instanceId;
  private final RaftNode raft;
  private final HostedService service;
  private final ReplicatedStateMachine sm;
  private final ReplicaOutputs out;
  private final HostOptions options;
  private final PendingRequests pending = new PendingRequests();
  private final ReadyDriver driver;
  private long ticks;
  private long now;
  /** This replica's clock for session stamps (thesis §6.3); only a leader's reading enters the log. */
  private long sessionClock;
  private long nextReadId = 1;
  private long appliedBytesSinceSnapshot;
  private long snapshotsTaken;
  private long snapshotsRestored;
  /** Readies handled, and how many of them wrote to storage (observation only: {@link #readies()}). */
  private long readies;
  private long readiesWriting;
  private boolean wasLeader;
  /** A Ready pass was promised by the environment ({@link ReplicaOutputs#deferReadyPass()}) and has not run yet. */
  private boolean readyPassScheduled;

  /**
   * Loads {@code storage}, restores the state machine from its snapshot (if any) and builds the Raft
   * node. {@code raftConfig.groupId()} names the group in trace lines; {@code instanceId}
   * distinguishes incarnations of the same node in trace lines.
   *
   * @throws io.shardkv.driver.routing.DecodeException if the stored snapshot does not decode
   */
  public ReplicaHost(RaftConfig raftConfig, RaftStorage storage, RandomSource random, TraceSink raftTrace,
                     HostedService service, ReplicaOutputs outputs, HostOptions options, long instanceId) {
    this.gid = raftConfig.groupId();
    this.instanceId = instanceId;
    this.service = service;
    this.sm = service.stateMachine();
    this.out = outputs;
    this.options = options;
    PersistedState state = storage.load();
    if (!state.snapshot().equals(SnapshotMeta.NONE)) {
      sm.restoreSnapshot(state.snapshotData());
      snapshotsRestored++;
    }
    this.raft = new RaftNode(raftConfig, state, random, raftTrace);
    // A sink given means trace lines wanted (the server passes one only with `trace = true`): the
    // node builds its lines only once enabled (TraceSink), which nothing else does outside the simulator.
    raft.setTraceEnabled(raftTrace != TraceSink.NONE);
    ReadyDriver d = new ReadyDriver(raft, storage, outputs::sendPeer, new Applier(),
        options.synchronousFlush() ? null : outputs::requestFlush, new ReadyDriver.Hooks() {
          @Override
          public void onReady(Ready rd) {
            readies++;
          }

          @Override
          public void beforeWrite(Ready rd) {
            readiesWriting++;
          }

          @Override
          public void stopped(Throwable cause) {
            out.fatal(cause);
          }
        });
    // UNSAFE (PlantedBug.ACK_BEFORE_FSYNC): acknowledgements before the WAL write and flush.
    this.driver = options.unsafeAckBeforeFsync() ? d.unsafeAckingBeforeFlush() : d;
    service.attach(new HostedService.Host() {
      @Override
      public boolean isLeader() {
        return ReplicaHost.this.isLeader();
      }

      @Override
      public long ticks() {
        return ticks;
      }

      @Override
      public boolean propose(byte[] command) {
        return raft.propose(command) instanceof ProposeResult.Accepted;
      }

      @Override
      public void input(Runnable input) {
        ReplicaHost.this.input(input);
      }

      @Override
      public void trace(String body) {
        ReplicaHost.this.trace(body);
      }
    });
  }

  // ------------------------------------------------------------------ inputs

  /**
   * Sets the time printed in trace lines (virtual or wall millis), and the session clock unless
   * {@link #setSessionClock} sets it apart. No decision of this host or of Raft depends on it.
   */
  public void setTime(long time) {
    this.now = time;
    this.sessionClock = time;
    raft.setTime(time);
  }

  /**
   * Sets the clock this replica stamps client writes with while it leads (call after
   * {@link #setTime}, which also sets it). A real server passes wall-clock milliseconds, comparable
   * between hosts; the state machines take {@code max} over stamps, so a clock that steps back
   * (or a new leader's clock behind the old one's) never moves log time backwards.
   */
  public void setSessionClock(long millis) {
    this.sessionClock = millis;
  }

  /** One logical time unit: Raft's tick, request timeouts, then the service's {@link HostedService#onTick}. */
  public void tick() {
    input(() -> {
      ticks++;
      raft.tick();
      for (long requestId : pending.expire(ticks)) {
        out.reply(new ClientReply.Indeterminate(requestId, "no commit within "
            + options.requestTimeoutTicks() + " ticks"));
      }
      service.onTick(ticks);
    });
  }

  /** A Raft message from a peer of this group. */
  public void onPeerMessage(RaftMessage message) {
    input(() -> raft.step(message));
  }

  /**
   * A client request (the service's command bytes). {@code requestId} is the environment's
   * correlation id, echoed in the single {@link ClientReply} this request gets; it must be unique
   * among this host's unanswered requests.
   */
  public void onClientRequest(long requestId, byte[] request) {
    input(() -> admit(requestId, request));
  }

  /** The flush requested by {@link ReplicaOutputs#requestFlush()} has completed. */
  public void onStorageFlushed() {
    driver.onFlushed();
  }

  /**
   * The flush requested by {@link ReplicaOutputs#requestFlush()} failed: the host stops for good
   * (it never sends the Ready's votes and acks) and reports {@link ReplicaOutputs#fatal}.
   */
  public void onStorageFailed(Throwable cause) {
    driver.onFlushFailed(cause);
  }

  /** Asks Raft to hand leadership to {@code target} (leader only); see RaftNode#transferLeadership. */
  public void transferLeadership(int target) {
    input(() -> raft.transferLeadership(target));
  }

  /**
   * Asks Raft to append a single-server membership change (leader only; Raft thesis §4.1, see
   * RaftNode#proposeMembershipChange) and returns its immediate answer. Call from the thread that
   * owns this host, not from inside one of its outputs.
   */
  public ProposeResult proposeMembershipChange(MembershipChange change) {
    ProposeResult[] answer = {new ProposeResult.Rejected("the replica is stopped or busy; retry")};
    input(() -> answer[0] = raft.proposeMembershipChange(change));
    return answer[0];
  }

  // ------------------------------------------------------------------ observation

  public RaftNode raft() { return raft; }
  public HostedService service() { return service; }
  public int gid() { return gid; }
  public boolean isLeader() { return !driver.stopped() && raft.role() == Role.LEADER; }
  /** True after a storage failure: the host ignores every input. */
  public boolean stopped() { return driver.stopped(); }
  /** Requests accepted and not yet answered. */
  public int pendingRequests() { return pending.size(); }
  public long snapshotsTaken() { return snapshotsTaken; }
  public long snapshotsRestored() { return snapshotsRestored; }
  /** Readies handled so far (a count, for the environment's metrics; nothing here depends on it). */
  public long readies() { return readies; }
  /** Readies handled so far that wrote to storage. */
  public long readiesWriting() { return readiesWriting; }
  /** Bytes of commands applied since the last snapshot (what the threshold is compared with). */
  public long appliedBytesSinceSnapshot() { return appliedBytesSinceSnapshot; }
  /** True while a flush is in flight (inputs still run). */
  public boolean awaitingFlush() { return driver.awaitingFlush(); }

  // ------------------------------------------------------------------ internals

  private void trace(String body) {
    if (options.traceEnabled()) {
      out.trace("t=" + now + " inst=" + instanceId + " " + service.traceState() + service.traceSuffix()
          + " g" + gid + "-n" + raft.id() + " | " + body);
    }
  }

  /**
   * Runs an input on the node now; its Ready is handled now, or in the pass the environment promised
   * ({@link ReplicaOutputs#deferReadyPass()}). Deferring changes only when messages leave and writes
   * are issued, never their order relative to the node's state: the driver still sends, writes and
   * holds each Ready exactly as it prescribes.
   */
  private void input(Runnable r) {
    if (!readyPassScheduled && out.deferReadyPass()) readyPassScheduled = true;
    if (readyPassScheduled) {
      driver.inputWithoutReady(r);
    } else {
      driver.input(r);
    }
  }

  /** The pass promised by {@link ReplicaOutputs#deferReadyPass()}: handles the Ready of the inputs since. */
  public void runReadyPass() {
    readyPassScheduled = false;
    driver.pump();
  }

  private void admit(long requestId, byte[] request) {
    if (options.unsafeStaleReads() && service.admit(request) instanceof HostedService.Admission.Read) {
      // UNSAFE (PlantedBug.STALE_READS): any replica answers from its own applied state, no
      // ReadIndex (thesis §6.4); a replica cut off by a partition serves values long overwritten.
      out.reply(new ClientReply.Result(requestId, service.read(request)));
      return;
    }
    if (raft.role() != Role.LEADER) {
      out.reply(new ClientReply.NotLeader(requestId, raft.leaderId()));
      return;
    }
    HostedService.Admission a = service.admit(request);
    if (a instanceof HostedService.Admission.Reject r) {
      out.reply(new ClientReply.Result(requestId, r.result()));
    } else if (a instanceof HostedService.Admission.Read) {
      long readId = nextReadId++;
      ReadIndexResult res = raft.readIndex(readId);
      if (res instanceof NotLeader nl) {
        out.reply(new ClientReply.NotLeader(requestId, nl.leaderHint()));
      } else {
        pending.readsById.put(readId, new PendingRequests.Read(requestId, request, raft.term(),
            ticks + options.requestTimeoutTicks()));
      }
    } else if (a instanceof HostedService.Admission.Propose p) {
      // Session expiry (thesis §6.3): the leader stamps the entry with its clock; replicas decide
      // expiry from the stamps in the log, never from their own clocks.
      byte[] command = options.sessionIdleMillis() > 0
          ? service.stamped(p.logCommand(), sessionClock, options.sessionIdleMillis()) : p.logCommand();
      ProposeResult res = raft.propose(command);
      if (res instanceof ProposeResult.Accepted acc) {
        pending.addProposal(new PendingRequests.Proposal(requestId, acc.index(), acc.term(),
            ticks + options.requestTimeoutTicks()));
      } else if (res instanceof NotLeader nl) {
        out.reply(new ClientReply.NotLeader(requestId, nl.leaderHint()));
      } else {
        // Rejected during a leadership transfer: nothing was appended.
        out.reply(new ClientReply.NotLeader(requestId, RaftNode.NO_LEADER));
      }
    }
  }

  /**
   * Steps 4–5 of the Ready loop ({@link ReadyDriver}): the committed entries handed out are durable
   * here and on a quorum, so they are applied and answered at once, whatever flush is in flight.
   */
  private final class Applier implements ReadyDriver.Applier {
    @Override
    public void apply(Ready rd) {
      if (rd.snapshotToApply() != null) {
        installSnapshot(rd.snapshotToApply().meta(), rd.snapshotToApply().data());
      }
      for (LogEntry e : rd.committedEntries()) {
        applyEntry(e);
      }
      for (ReadState rs : rd.readStates()) {
        PendingRequests.Read r = pending.readsById.remove(rs.requestId());
        if (r != null) {
          pending.confirmedReads.add(new PendingRequests.ConfirmedRead(r.requestId(), r.request(), r.term(), rs.readIndex()));
        }
      }
      for (long readId : rd.abortedReads()) {
        PendingRequests.Read r = pending.readsById.remove(readId);
        if (r != null) {
          out.reply(new ClientReply.NotLeader(r.requestId(), raft.leaderId()));
        }
      }
    }

    @Override
    public void afterAdvance() {
      serveConfirmedReads();
      onRoleMaybeChanged();
      maybeSnapshot();
    }
  }

  private void installSnapshot(SnapshotMeta meta, byte[] data) {
    sm.restoreSnapshot(data);
    snapshotsRestored++;
    appliedBytesSinceSnapshot = 0;
    // The snapshot jumped over these indexes: their entries' terms are unknown here.
    for (PendingRequests.Proposal p : pending.takeUpTo(meta.lastIndex())) {
      out.reply(new ClientReply.Indeterminate(p.requestId(), "a snapshot replaced the log up to index "
          + meta.lastIndex()));
    }
    trace("restored snapshot " + meta.lastTerm() + "/" + meta.lastIndex() + " (" + data.length + " bytes)");
  }

  private void applyEntry(LogEntry e) {
    // Entries below a snapshot installed by this very Ready were already folded into it.
    if (e.index() <= sm.lastAppliedIndex()) {
      return;
    }
    byte[] result = null;
    if (e.kind() == EntryKind.COMMAND) {
      result = sm.apply(e.index(), e.data());
      appliedBytesSinceSnapshot += e.data().length;
      service.onApplied(e.data(), result);
    }
    for (PendingRequests.Proposal p : pending.takeAt(e.index())) {
      if (p.term() == e.term() && result != null) {
        // The reply names the entry that served it: the client's history links it to these traces.
        trace("served request " + p.requestId() + " by entry " + e.term() + "/" + e.index());
        out.reply(new ClientReply.Result(p.requestId(), result, new Served(gid, e.term(), e.index())));
      } else {
        // Another entry won this index: this proposal's entry can never commit (Log Matching).
        out.reply(new ClientReply.NotLeader(p.requestId(), raft.leaderId()));
      }
    }
  }

  private void serveConfirmedReads() {
    long applied = raft.appliedIndex();
    for (Iterator<PendingRequests.ConfirmedRead> it = pending.confirmedReads.iterator(); it.hasNext(); ) {
      PendingRequests.ConfirmedRead r = it.next();
      if (r.readIndex() <= applied) {
        it.remove();
        // A ReadIndex read is linearized at the read index, confirmed in the term it was asked in (thesis §6.4).
        trace("served request " + r.requestId() + " by read index " + r.term() + "/" + r.readIndex());
        out.reply(new ClientReply.Result(r.requestId(), service.read(r.request()),
            new Served(gid, r.term(), r.readIndex())));
      }
    }
  }

  private void onRoleMaybeChanged() {
    boolean leader = raft.role() == Role.LEADER;
    if (wasLeader && !leader) {
      // Our appended entries may still commit under the next leader: indeterminate (Raft §8).
      List<PendingRequests.Proposal> lost = new ArrayList<>(pending.takeAllProposals());
      for (PendingRequests.Proposal p : lost) {
        out.reply(new ClientReply.Indeterminate(p.requestId(), "leadership lost before index "
            + p.index() + " committed"));
      }
      trace("lost leadership; " + lost.size() + " proposal(s) indeterminate");
    } else if (!wasLeader && leader) {
      trace("became leader for term " + raft.term());
      service.onBecameLeader();
    }
    wasLeader = leader;
  }

  private void maybeSnapshot() {
    long threshold = options.snapshotThresholdBytes();
    if (threshold <= 0 || appliedBytesSinceSnapshot < threshold) {
      return;
    }
    long index = raft.appliedIndex();
    if (index <= raft.snapshotMeta().lastIndex()) {
      return;
    }
    byte[] data = sm.takeSnapshot();
    raft.snapshotTaken(index, data);
    snapshotsTaken++;
    appliedBytesSinceSnapshot = 0;
    trace("snapshot taken at " + index + " (" + data.length + " bytes)");
  }
}
