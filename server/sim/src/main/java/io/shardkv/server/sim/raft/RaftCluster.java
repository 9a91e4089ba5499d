package io.shardkv.server.sim.raft;

import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.raft.Role;
import io.shardkv.server.sim.SimScheduler;
import io.shardkv.server.sim.SimCluster;
import io.shardkv.server.sim.SimDisk;
import io.shardkv.server.sim.SimNetwork;
import io.shardkv.server.sim.SimRandom;
import io.shardkv.server.sim.TraceDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A whole simulated Raft group in one thread: event loop, network, one simulated disk per node, the
 * cluster host that crashes and restarts nodes, the per-node drivers and the invariant checker.
 * Everything random derives from {@code options.seed()}.
 */
public final class RaftCluster implements SimCluster.ProcessFactory<RaftMessage> {
  private final RaftSimOptions options;
  private final SimScheduler loop = new SimScheduler();
  private final SimRandom random;
  private final SimRandom diskCrashes;
  private final TraceDigest digest;
  private final SimNetwork<RaftMessage> network;
  private final SimDisk[] disks;
  private final RaftNodeDriver[] drivers;
  private final RaftInvariants invariants;
  private final SimCluster<RaftMessage> host;
  private final List<String> traceLines = new ArrayList<>();
  private final List<BiConsumer<Integer, LogEntry>> applyListeners = new ArrayList<>();
  private long applied;
  /** ReadIndex request id -> highest index applied anywhere when the read was issued. */
  private final java.util.TreeMap<Long, Long> readsInFlight = new java.util.TreeMap<>();
  private long nextReadId = 1;
  private long readsConfirmed;

  public RaftCluster(RaftSimOptions options) {
    this.options = options;
    this.random = new SimRandom(options.seed());
    this.diskCrashes = random.fork("disk-crashes");
    this.digest = new TraceDigest(2000, null);
    this.network = new SimNetwork<>(loop, random.fork("network"), digest, options.nodes(),
        RaftCluster::describe, RaftCluster::wireSize);
    this.disks = new SimDisk[options.nodes()];
    for (int n = 0; n < disks.length; n++) disks[n] = new SimDisk("disk of n" + n);
    this.drivers = new RaftNodeDriver[options.nodes()];
    this.invariants = new RaftInvariants(options.seed(), loop, options.nodes(), options.seedMembers());
    this.host = new SimCluster<>(loop, random.fork("ticks"), digest, network, options.tickMs(), this);
    host.startAll();
  }

  // ---- SimCluster.ProcessFactory ----

  @Override
  public SimCluster.Process<RaftMessage> start(int node, int incarnation) {
    RaftNodeDriver d = new RaftNodeDriver(this, node, incarnation, disks[node].open(),
        random.fork("n" + node + "/" + incarnation));
    drivers[node] = d;
    return d;
  }

  @Override
  public void crashed(int node) {
    drivers[node] = null;
    int kept = disks[node].crash(diskCrashes);
    digest.record(loop.now(), "n" + node, "disk-crash", "kept " + kept + " unsynced calls");
    invariants.checkCommittedDurableOnQuorum(disks, "after the crash of n" + node);
  }

  // ---- accessors for drivers, scenarios and tests ----

  public RaftSimOptions options() { return options; }
  public SimScheduler loop() { return loop; }
  public TraceDigest digest() { return digest; }
  public SimNetwork<RaftMessage> network() { return network; }
  public SimCluster<RaftMessage> host() { return host; }
  public SimRandom random() { return random; }
  RaftInvariants invariants() { return invariants; }
  public int size() { return options.nodes(); }
  public SimDisk disk(int node) { return disks[node]; }

  /** The live node, or null if crashed. */
  public RaftNode node(int n) {
    RaftNodeDriver d = drivers[n];
    return d == null ? null : d.raft();
  }

  RaftNodeDriver driver(int n) { return drivers[n]; }

  /** The command node {@code n} applied at {@code index} (null if none or crashed). */
  public byte[] appliedAt(int n, long index) {
    RaftNodeDriver d = drivers[n];
    return d == null ? null : d.stateMachine().commandAt(index);
  }

  /** Highest index node {@code n} applied (0 if crashed). */
  public long lastApplied(int n) {
    RaftNodeDriver d = drivers[n];
    return d == null ? 0 : d.stateMachine().lastApplied();
  }

  /** Runs {@code call} on node {@code n} now, or as soon as its Ready in flight is done. */
  public void submit(int n, Consumer<RaftNode> call) {
    RaftNodeDriver d = drivers[n];
    if (d == null) throw new IllegalStateException("n" + n + " is crashed");
    d.submit(call);
  }

  /** Whether node {@code n} is up and not paused (so a call runs at once; flushes never hold input). */
  public boolean idle(int n) {
    RaftNodeDriver d = drivers[n];
    return d != null && !host.isPaused(n);
  }

  public void onApplied(BiConsumer<Integer, LogEntry> listener) { applyListeners.add(listener); }

  void onApplied(int node, LogEntry e, long stateHash) {
    applied++;
    // The state machine's rolling hash makes the digest cover the applied commands' bytes too.
    digest.record(loop.now(), "n" + node, "apply", e.index() + "@" + e.term() + " h=" + Long.toHexString(stateHash));
    for (BiConsumer<Integer, LogEntry> l : applyListeners) l.accept(node, e);
  }

  /**
   * Issues a linearizable read (ReadIndex, thesis §6.4) on node {@code n}. When the node confirms
   * it, the read index must cover everything applied anywhere before the read was issued.
   */
  public void read(int n) {
    long id = nextReadId++;
    readsInFlight.put(id, committedIndex());
    submit(n, r -> r.readIndex(id));
  }

  /** Reads confirmed so far (all checked). */
  public long readsConfirmed() { return readsConfirmed; }

  void onReadConfirmed(int node, io.shardkv.server.raft.ReadState rs) {
    Long appliedAtStart = readsInFlight.remove(rs.requestId());
    if (appliedAtStart == null) return; // duplicate confirmation of a read already answered
    readsConfirmed++;
    digest.record(loop.now(), "n" + node, "read", rs.toString());
    if (rs.readIndex() < appliedAtStart) {
      invariants.fail(node, "read linearizability (ReadIndex)", "read " + rs.requestId() + " confirmed at index "
          + rs.readIndex() + " but index " + appliedAtStart + " was already committed when it was issued");
    }
  }

  void onReadAborted(int node, long requestId) {
    readsInFlight.remove(requestId);
    digest.record(loop.now(), "n" + node, "read-aborted", Long.toString(requestId));
  }

  /** Number of distinct elections won (terms that had a leader). */
  public int elections() { return invariants.elections(); }

  /** Highest index applied anywhere (all of it checked identical across nodes). */
  public long committedIndex() { return invariants.committedIndex(); }

  public LogEntry committedAt(long index) { return invariants.committedAt(index); }

  /** Entries applied, summed over nodes and incarnations. */
  public long appliedEntries() { return applied; }

  /** The up, unpaused node that is leader in the highest term, or -1. */
  public int currentLeader() {
    int best = -1;
    long bestTerm = -1;
    for (int n = 0; n < size(); n++) {
      RaftNode r = node(n);
      if (r != null && !host.isPaused(n) && r.role() == Role.LEADER && r.term() > bestTerm) {
        best = n;
        bestTerm = r.term();
      }
    }
    return best;
  }

  /** Trace lines collected so far (only when tracing is on). */
  public List<String> traceLines() { return traceLines; }

  void traceLine(String line) {
    traceLines.add(line);
  }

  /** Final durability check, for the end of a run. */
  public void checkCommittedDurable(String when) {
    invariants.checkCommittedDurableOnQuorum(disks, when);
  }

  static String describe(RaftMessage m) {
    return m.toString();
  }

  /** Rough on-the-wire size: a header plus entry payloads or snapshot bytes. */
  static int wireSize(RaftMessage m) {
    int size = 48;
    if (m instanceof RaftMessage.AppendEntries a) {
      for (LogEntry e : a.entries()) size += 24 + e.data().length;
    } else if (m instanceof RaftMessage.InstallSnapshot s) {
      size += s.data().length;
    }
    return size;
  }
}
