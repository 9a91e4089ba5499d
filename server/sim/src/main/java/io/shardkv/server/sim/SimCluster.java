package io.shardkv.server.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Hosts the processes of a simulated cluster: gives each node a tick at a fixed interval, hands it
 * its network messages, and implements crash, restart, pause and resume for the {@link Nemesis}.
 * What a node runs (a Raft node, a sharded KV replica) is supplied by a {@link ProcessFactory}.
 *
 * <p>Rules the host enforces, so cluster drivers need not:
 * <ul>
 *   <li>A crashed node receives nothing (messages to it are lost) and every action it scheduled with
 *       {@link #later} is dropped: a crash between "write" and "flush done" loses the flush.</li>
 *   <li>A paused node misses its ticks; messages and scheduled actions that fall due while it is
 *       paused queue up and run when it resumes (like a process after SIGCONT). The backlog keeps
 *       one queue per source — each sender, and the node's own scheduled actions — and the resume
 *       drains them in a seeded interleaving, in order within each source. That is all a real
 *       process promises: TCP keeps each connection in order, but what a woken process reads first
 *       from several sockets (and its own timers and flusher) is up to its threads and selector. A
 *       node that resumes may so see a client's request before the newer leader's heartbeat that
 *       arrived earlier on another connection (the window a clock-trusting lease falls into).</li>
 *   <li>Each restart is a new incarnation created by the factory, which must rebuild the node from
 *       its disk only.</li>
 * </ul>
 */
public final class SimCluster<M> implements ClusterControl {

  /** One incarnation of a node. */
  public interface Process<M> {
    /** Called every tick interval while the node is up and not paused. */
    void tick();

    /** A message arrived from {@code from}. */
    void receive(int from, M message);
  }

  /** Builds node incarnations and learns of crashes. */
  public interface ProcessFactory<M> {
    /** A new incarnation of {@code node}, recovered from its disk; {@code incarnation} counts from 0. */
    Process<M> start(int node, int incarnation);

    /** {@code node} lost power: crash its disk (keeping what the storage contract allows). */
    void crashed(int node);
  }

  private final SimScheduler loop;
  private final TraceDigest digest;
  private final SimNetwork<M> network;
  private final ProcessFactory<M> factory;
  private final long tickIntervalMs;
  private final int size;
  private final Process<M>[] process;
  private final boolean[] up;
  private final boolean[] paused;
  private final int[] incarnation;
  /** Per node, the paused backlog by source: a sender's id, or {@link #OWN} for scheduled actions. */
  private final TreeMap<Integer, ArrayDeque<Runnable>>[] backlog;
  /** Chooses the order in which a resumed node drains its sources. */
  private final SimRandom resumeOrder;

  /** The backlog source of a node's own scheduled actions ({@link #later}). */
  private static final int OWN = -1;

  @SuppressWarnings("unchecked")
  public SimCluster(SimScheduler loop, SimRandom random, TraceDigest digest, SimNetwork<M> network,
                    long tickIntervalMs, ProcessFactory<M> factory) {
    if (tickIntervalMs < 1) throw new IllegalArgumentException("tick interval must be >= 1 ms: " + tickIntervalMs);
    this.loop = loop;
    this.digest = digest;
    this.network = network;
    this.factory = factory;
    this.tickIntervalMs = tickIntervalMs;
    this.size = network.nodes();
    this.process = new Process[size];
    this.up = new boolean[size];
    this.paused = new boolean[size];
    this.incarnation = new int[size];
    this.backlog = new TreeMap[size];
    for (int n = 0; n < size; n++) backlog[n] = new TreeMap<>();
    this.resumeOrder = random.fork("resume-order");
    network.setReceiver(this::deliver);
    for (int n = 0; n < size; n++) {
      int node = n;
      // A random phase per node so ticks of different nodes do not fire in lock step.
      loop.after(random.between(0, tickIntervalMs - 1), () -> tickLoop(node));
    }
  }

  /** Starts every node (incarnation 0). */
  public void startAll() {
    for (int n = 0; n < size; n++) {
      if (process[n] == null && !up[n]) start(n);
    }
  }

  @Override public int size() { return size; }
  @Override public boolean isUp(int node) { return up[node]; }
  @Override public boolean isPaused(int node) { return paused[node]; }

  /** The live incarnation of {@code node}, or {@code null} if it is crashed. */
  public Process<M> process(int node) { return up[node] ? process[node] : null; }

  public int incarnation(int node) { return incarnation[node]; }

  public SimNetwork<M> network() { return network; }

  public SimScheduler loop() { return loop; }

  @Override
  public void crash(int node) {
    if (!up[node]) throw new IllegalStateException("n" + node + " is already crashed");
    up[node] = false;
    paused[node] = false;
    process[node] = null;
    backlog[node].clear();
    incarnation[node]++;
    digest.record(loop.now(), "n" + node, "crash", "incarnation " + incarnation[node]);
    factory.crashed(node);
  }

  @Override
  public void restart(int node) {
    if (up[node]) throw new IllegalStateException("n" + node + " is up; crash it before restarting");
    start(node);
  }

  @Override
  public void pause(int node) {
    if (!up[node]) throw new IllegalStateException("n" + node + " is crashed and cannot be paused");
    paused[node] = true;
    digest.record(loop.now(), "n" + node, "pause", "");
  }

  @Override
  public void resume(int node) {
    if (!up[node] || !paused[node]) return;
    paused[node] = false;
    digest.record(loop.now(), "n" + node, "resume", queued(node) + " queued");
    int inc = incarnation[node];
    TreeMap<Integer, ArrayDeque<Runnable>> sources = backlog[node];
    while (!sources.isEmpty() && up[node] && !paused[node] && incarnation[node] == inc) {
      // Any source may go next (seeded); within a source, arrival order.
      List<Integer> ready = new ArrayList<>(sources.keySet());
      int source = ready.get(resumeOrder.below(ready.size()));
      ArrayDeque<Runnable> queue = sources.get(source);
      Runnable next = queue.pollFirst();
      if (queue.isEmpty()) sources.remove(source);
      next.run();
    }
  }

  private int queued(int node) {
    int total = 0;
    for (ArrayDeque<Runnable> q : backlog[node].values()) total += q.size();
    return total;
  }

  private void enqueue(int node, int source, Runnable action) {
    backlog[node].computeIfAbsent(source, s -> new ArrayDeque<>()).addLast(action);
  }

  /**
   * Runs {@code action} for {@code node} after {@code delayMs}, only if the same incarnation is still
   * alive then; deferred to the resume if the node is paused at that time.
   */
  public void later(int node, long delayMs, Runnable action) {
    int inc = incarnation[node];
    loop.after(delayMs, () -> onNode(node, OWN, inc, action));
  }

  /**
   * Like {@link #later}, for input that arrives from {@code from} by a path other than this host's
   * network (a client endpoint): a paused node queues it in {@code from}'s own order.
   */
  public void laterFrom(int node, int from, long delayMs, Runnable action) {
    if (from < 0) throw new IllegalArgumentException("a sender id is >= 0: " + from);
    int inc = incarnation[node];
    loop.after(delayMs, () -> onNode(node, from, inc, action));
  }

  private void onNode(int node, int source, int inc, Runnable action) {
    if (!up[node] || incarnation[node] != inc) return;
    if (paused[node]) enqueue(node, source, action);
    else action.run();
  }

  private void start(int node) {
    up[node] = true;
    paused[node] = false;
    digest.record(loop.now(), "n" + node, "start", "incarnation " + incarnation[node]);
    process[node] = factory.start(node, incarnation[node]);
  }

  private boolean deliver(int from, int to, M message) {
    if (!up[to]) return false;
    if (paused[to]) {
      int inc = incarnation[to];
      enqueue(to, from, () -> {
        if (up[to] && incarnation[to] == inc) process[to].receive(from, message);
      });
      return true;
    }
    process[to].receive(from, message);
    return true;
  }

  private void tickLoop(int node) {
    if (up[node] && !paused[node] && process[node] != null) process[node].tick();
    loop.after(tickIntervalMs, () -> tickLoop(node));
  }
}
