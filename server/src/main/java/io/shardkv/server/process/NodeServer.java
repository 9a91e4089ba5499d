package io.shardkv.server.process;

import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.protocol.Status;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.server.net.Connection;
import io.shardkv.server.net.ConnectionOptions;
import io.shardkv.server.net.EventLoop;
import io.shardkv.server.net.Listener;
import io.shardkv.server.net.RequestDispatcher;
import io.shardkv.server.net.TcpPeerTransport;
import io.shardkv.server.net.Timer;
import io.shardkv.server.raft.RaftConfig;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.replica.ClientReply;
import io.shardkv.server.replica.FrontDoor;
import io.shardkv.server.replica.HostOptions;
import io.shardkv.server.replica.PlantedBug;
import io.shardkv.server.replica.ReplicaHost;
import io.shardkv.server.replica.ReplicaOutputs;
import io.shardkv.server.replica.Services;
import io.shardkv.server.configcenter.ConfigCenterStateMachine;
import io.shardkv.server.shardkv.MigrationRpc;
import io.shardkv.server.shardkv.ShardGroupOutputs;
import io.shardkv.server.shardkv.ShardGroupService;
import io.shardkv.server.shardkv.ShardKvStateMachine;
import io.shardkv.server.storage.FileRaftStorage;
import io.shardkv.server.storage.NioStorageFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ShardKV server process: a {@link ReplicaHost} (config center for group 0, a shard group
 * otherwise) on {@link FileRaftStorage}, driven by one {@link EventLoop} thread that also runs the
 * client listener, the peer links ({@link TcpPeerTransport}) and the tick timer. Every call into
 * the host happens on that thread, so the deterministic core needs no locks. The storage is flushed
 * (fsync) on a flusher thread while the host keeps taking input; votes and acknowledgements leave
 * only after the flush covering them, client answers only once committed and applied (persist
 * before you speak), and everything written during one flush is persisted by the next (group commit).
 */
public final class NodeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeServer.class);
  private static final Logger trace = LoggerFactory.getLogger("io.shardkv.trace");

  private final ClusterConfig cluster;
  private final ClusterConfig.Node self;
  private final boolean controller;
  private final EventLoop loop;
  private final FileRaftStorage storage;
  private final TcpPeerTransport transport;
  private final ReplicaHost host;
  /** The shard group's service (null on a config-center node). */
  private final ShardGroupService shardGroup;
  private final ConfigCenterQueries queries;
  private final Listener listener;
  private final AdminServer admin;
  private final Timer ticker;
  private final java.util.concurrent.ExecutorService flusher = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "flusher");
    t.setDaemon(true);
    return t;
  });
  private final long startNanos = System.nanoTime();
  /** Logs what happens to this node (elections, configurations, migrations); loop thread only. */
  private volatile NodeEvents events;
  /** Host request id → the client connection and wire request awaiting its reply (loop thread only). */
  private final Map<Long, PendingClient> pending = new HashMap<>();
  private long nextHostRequestId = 1;
  /** Client request → host command → response (shared with the simulator's server node). */
  private final FrontDoor frontDoor;
  final NodeMetrics metrics = new NodeMetrics();
  private volatile NodeStatus status;
  private volatile boolean closed;

  private record PendingClient(Connection connection, long wireId, FrameType type) {}

  public static NodeServer start(ClusterConfig cluster, int nodeId) throws IOException {
    return new NodeServer(cluster, nodeId);
  }

  private NodeServer(ClusterConfig cluster, int nodeId) throws IOException {
    this.cluster = cluster;
    this.self = cluster.node(nodeId);
    this.controller = self.group() == ClusterConfig.CONTROLLER_GROUP;
    ClusterConfig.Settings s = cluster.settings();
    this.loop = EventLoop.start("node-" + nodeId);
    this.storage = new FileRaftStorage(self.dir(), NioStorageFiles.INSTANCE, FileRaftStorage.DEFAULT_SEGMENT_SIZE, true);
    Map<Integer, InetSocketAddress> peers = new TreeMap<>();
    cluster.nodes().values().forEach(n -> peers.put(n.id(), n.socketAddress()));
    this.transport = new TcpPeerTransport(loop, nodeId, peers, this::onPeerMessage, TcpPeerTransport.Options.DEFAULT);
    // TEST-ONLY planted bugs (docs/chaos.md "Mutants"): shard groups only, the config center stays correct.
    java.util.Set<PlantedBug> bugs = controller ? java.util.Set.of() : s.unsafe();
    RaftConfig raft = PlantedBug.applyTo(RaftConfig.of(self.group(), nodeId, cluster.members(self.group()))
        .withElectionTimeout(s.electionMinTicks(), s.electionMaxTicks())
        .withHeartbeatTicks(s.heartbeatTicks()), bugs);
    HostOptions options = PlantedBug.applyTo(HostOptions.defaults()
        .withRequestTimeoutTicks(s.requestTimeoutTicks())
        .withSnapshotThresholdBytes(s.snapshotBytes())
        .withSynchronousFlush(false)
        .withMigrationIntervalTicks(Math.max(1, 50 / s.tickMillis()))
        .withTrace(s.trace() || trace.isTraceEnabled()), bugs);
    SplittableRandom random = new SplittableRandom(System.nanoTime() ^ nodeId);
    boolean unsafeDisableDedup = bugs.contains(PlantedBug.NO_DEDUP);
    SplittableRandom freshClientIds = new SplittableRandom();
    this.frontDoor = new FrontDoor(controller ? FrontDoor.Kind.CONFIG_CENTER : FrontDoor.Kind.KEY_VALUE, nodeId,
        self.group(), id -> {
          ClusterConfig.Node n = cluster.nodes().get(id);
          return n == null ? null : n.address();
        }, unsafeDisableDedup ? () -> (freshClientIds.nextLong() >>> 1) | 1 : null);
    for (PlantedBug bug : bugs) {
      log.warn("UNSAFE (test-only planted bug {} = true in {}): node {} breaks a safety guarantee ON PURPOSE ({}); the "
          + "nemesis '{}' should expose it; never run this outside the chaos suite's mutants", bug.configKey(), cluster.file(),
          nodeId, bug.broken(), bug.nemesis());
    }
    Outputs outputs = new Outputs();
    // A shard group's migrations and config polling live in its service (shardkv), not in the host.
    this.shardGroup = controller ? null : new ShardGroupService(new ShardKvStateMachine(self.group(), s.shards()),
        outputs, options.migrationIntervalTicks());
    this.queries = controller ? null
        : new ConfigCenterQueries(cluster.addresses(ClusterConfig.CONTROLLER_GROUP), loop::execute, c -> {
          if (!closed) shardGroup.onConfigFetched(c);
        });
    long instance = System.currentTimeMillis();
    long loadStart = System.nanoTime();
    // The host loads the storage in its constructor; build it on the loop thread, like every call.
    java.util.concurrent.CompletableFuture<ReplicaHost> built = new java.util.concurrent.CompletableFuture<>();
    loop.execute(() -> {
      try {
        built.complete(new ReplicaHost(raft, storage, random::nextInt,
            s.trace() || trace.isTraceEnabled() ? line -> trace.trace(line) : io.shardkv.server.raft.TraceSink.NONE,
            controller ? Services.configCenter(new ConfigCenterStateMachine(s.shards())) : shardGroup,
            outputs, options, instance));
      } catch (Throwable t) {
        built.completeExceptionally(t);
      }
    });
    try {
      this.host = built.get();
    } catch (Exception e) {
      loop.close();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException("node " + nodeId + " could not load its data in " + self.dir() + ": " + cause, cause);
    }
    logRecovery(nodeId, (System.nanoTime() - loadStart) / 1_000_000);
    transport.start();
    RequestDispatcher dispatcher = new RequestDispatcher(this::onRequest, transport.inboundHandler());
    this.listener = loop.listen(self.socketAddress(), ConnectionOptions.DEFAULT, dispatcher, 4096);
    this.ticker = loop.schedulePeriodic(Duration.ofMillis(s.tickMillis()), this::onTick);
    this.admin = AdminServer.start(self.adminHost(), self.adminPort(), this);
    loop.execute(this::refreshStatus);
    log.info("node {} of group {} serving {} (admin {}:{}), data in {}", nodeId, self.group(),
        self.address(), self.adminHost(), self.adminPort(), self.dir());
  }

  /** The storage recovery summary at INFO: what was found on disk and how long loading took. */
  private void logRecovery(int nodeId, long millis) {
    long files = 0;
    long bytes = 0;
    try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(self.dir())) {
      for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) walk::iterator) {
        if (java.nio.file.Files.isRegularFile(p)) {
          files++;
          bytes += java.nio.file.Files.size(p);
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      log.warn("node {}: could not measure {}: {}", nodeId, self.dir(), e.toString());
    }
    long last;
    long term;
    long applied;
    try {
      java.util.concurrent.CompletableFuture<long[]> f = new java.util.concurrent.CompletableFuture<>();
      loop.execute(() -> f.complete(new long[] {host.raft().lastIndex(), host.raft().term(), host.raft().appliedIndex()}));
      long[] raft = f.get(5, java.util.concurrent.TimeUnit.SECONDS);
      last = raft[0];
      term = raft[1];
      applied = raft[2];
    } catch (Exception e) {
      return;
    }
    log.info("node {} recovered its storage in {} ms: {} file(s), {} bytes in {}; term {}, log up to index {}, "
        + "state machine at index {} (snapshots restored: {})", nodeId, millis, files, bytes, self.dir(), term, last,
        applied, host.snapshotsRestored());
  }

  // ---------------------------------------------------------------- loop-thread inputs

  private void onTick() {
    if (closed) return;
    host.setTime((System.nanoTime() - startNanos) / 1_000_000);
    host.tick();
    refreshStatus();
  }

  private void onPeerMessage(int from, byte[] bytes) {
    if (closed) return;
    PeerWire.Decoded d;
    try {
      d = PeerWire.decode(bytes);
    } catch (DecodeException e) {
      metrics.peerDecodeErrors.incrementAndGet();
      log.warn("dropped an undecodable peer message from node {}: {}", from, e.getMessage());
      return;
    }
    if (d.raft() != null) {
      host.onPeerMessage(d.raft());
    } else {
      ClusterConfig.Node n = cluster.nodes().get(from);
      if (n != null && shardGroup != null) shardGroup.onGroupMessage(n.address(), d.migration());
    }
  }

  private void onRequest(Connection c, long wireId, Request request) {
    metrics.requests.incrementAndGet();
    if (request instanceof Request.NodeStatus) {
      RequestDispatcher.reply(c, wireId, new Response(FrameType.STATUS, Status.OK, Result.Info.of(statusMap())));
      return;
    }
    if (closed) {
      RequestDispatcher.reply(c, wireId, Response.error(request.frameType(), Status.SHUTTING_DOWN, "node is shutting down"));
      return;
    }
    FrontDoor.Admission a = frontDoor.admit(request);
    if (a instanceof FrontDoor.Admission.Answer answer) {
      RequestDispatcher.reply(c, wireId, answer.response());
      return;
    }
    long id = nextHostRequestId++;
    pending.put(id, new PendingClient(c, wireId, request.frameType()));
    host.onClientRequest(id, ((FrontDoor.Admission.Command) a).command());
  }

  private final class Outputs implements ReplicaOutputs, ShardGroupOutputs {
    @Override
    public void sendPeer(RaftMessage m) {
      transport.send(m.to(), PeerWire.encodeRaft(m));
    }

    @Override
    public void reply(ClientReply r) {
      PendingClient p = pending.remove(r.requestId());
      if (p == null) return;
      Response resp;
      try {
        resp = frontDoor.respond(p.type(), r);
      } catch (RuntimeException e) {
        log.error("could not translate the answer to a {} request: {}", p.type(), e.toString());
        resp = Response.error(p.type(), Status.SERVER_ERROR, "internal error: " + e);
      }
      metrics.count(resp.status());
      RequestDispatcher.reply(p.connection(), p.wireId(), resp);
    }

    /**
     * fsync on the flusher thread while the loop keeps running the host (asynchronous storage
     * writes: what is written meanwhile goes into the next batch, group commit).
     */
    @Override
    public void requestFlush(io.shardkv.server.raft.RaftStorage.FlushBatch batch) {
      flusher.execute(() -> {
        try {
          long t0 = System.nanoTime();
          batch.sync();
          long took = System.nanoTime() - t0;
          metrics.fsyncs.incrementAndGet();
          metrics.fsyncNanos.addAndGet(took);
          metrics.fsyncMaxNanos.accumulateAndGet(took, Math::max);
          loop.execute(() -> { if (!closed) host.onStorageFlushed(); });
        } catch (Throwable t) {
          loop.execute(() -> host.onStorageFailed(t));
        }
      });
    }

    @Override
    public void sendGroupMessage(String server, MigrationRpc m) {
      ClusterConfig.Node n = cluster.byAddress(server);
      if (n == null) {
        log.warn("migration message to {}, which is not a node of {}; dropped", server, cluster.file());
        return;
      }
      transport.send(n.id(), PeerWire.encodeMigration(m));
    }

    @Override
    public void fetchConfig(int num) {
      if (queries != null) queries.fetch(num);
    }

    @Override
    public void trace(String line) {
      trace.trace(line);
    }

    @Override
    public void fatal(Throwable cause) {
      log.error("node {}: storage failed, stopping the node: {}", self.id(), cause.toString());
      new Thread(() -> {
        close();
        Runtime.getRuntime().halt(3);
      }, "fatal-stop").start();
    }
  }

  // ---------------------------------------------------------------- status

  /** A consistent view of the node for the admin endpoints, refreshed on the loop every tick. */
  record NodeStatus(int node, int group, String role, long term, int leader, String leaderAddress,
                    long commit, long applied, long lastIndex, int pending, long snapshots,
                    long snapshotsInstalled, java.util.List<Integer> snapshotPeers, String extra) {}

  private void refreshStatus() {
    if (events == null) events = new NodeEvents(self.id(), self.group());
    events.observe(host, (System.nanoTime() - startNanos) / 1_000_000);
    var raft = host.raft();
    int leader = raft.leaderId();
    ClusterConfig.Node ln = leader < 0 ? null : cluster.nodes().get(leader);
    String extra = host.stopped() ? "stopped" : host.service().traceState();
    status = new NodeStatus(self.id(), self.group(), raft.role().name().toLowerCase(), raft.term(), leader,
        ln == null ? "" : ln.address(), raft.commitIndex(), raft.appliedIndex(), raft.lastIndex(),
        host.pendingRequests(), host.snapshotsTaken(), host.snapshotsRestored(), raft.peersReceivingSnapshot(),
        extra == null ? "" : extra);
  }

  NodeStatus status() {
    return status;
  }

  /** What {@link NodeEvents} saw, for /metrics (any thread); null before the first tick. */
  NodeEvents events() {
    return events;
  }

  /** The migrations now waiting too long for their previous owner (any thread). */
  java.util.List<NodeEvents.Stall> stalledMigrations() {
    NodeEvents ev = events;
    return ev == null ? java.util.List.of() : ev.stalls();
  }

  TcpPeerTransport transport() {
    return transport;
  }

  private Map<String, String> statusMap() {
    NodeStatus st = status;
    Map<String, String> m = new TreeMap<>();
    m.put("node", String.valueOf(self.id()));
    m.put("group", String.valueOf(self.group()));
    m.put("address", self.address());
    m.put("admin", self.adminHost() + ":" + self.adminPort());
    m.put("pid", String.valueOf(ProcessHandle.current().pid()));
    if (st != null) {
      m.put("role", st.role());
      m.put("term", String.valueOf(st.term()));
      m.put("leader", String.valueOf(st.leader()));
      m.put("leader_address", st.leaderAddress());
      m.put("commit", String.valueOf(st.commit()));
      m.put("applied", String.valueOf(st.applied()));
      m.put("state", st.extra());
    }
    NodeEvents ev = events;
    if (ev != null && !ev.stalls().isEmpty()) {
      m.put("migrations_stalled", NodeEvents.summary(ev.stalls()));
    }
    return m;
  }

  public InetSocketAddress address() {
    return listener.localAddress();
  }

  // ---------------------------------------------------------------- leadership transfer (thesis §3.10)

  /**
   * {@code POST /transfer-leader?to=ID}: asks this node, on its loop thread, to hand its group's
   * leadership to member {@code to} (Raft thesis §3.10: the leader stops accepting proposals, brings
   * the target up to date, then sends it TimeoutNow; the core aborts after an election timeout).
   * 202 {@code started}; 409 {@code not_leader} naming the leader this node knows of; 400
   * {@code refused} for a target that is this node or not a member of the group; 503 while the node
   * starts or stops. Who leads afterwards is in every member's {@code /status}.
   */
  AdminServer.Probe transferLeadership(int to) {
    java.util.concurrent.CompletableFuture<AdminServer.Probe> answer = new java.util.concurrent.CompletableFuture<>();
    try {
      loop.execute(() -> answer.complete(transferOnLoop(to)));
      return answer.get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      return new AdminServer.Probe(503, "{\"status\":\"unavailable\",\"node\":" + self.id()
          + ",\"reason\":\"the node did not take the request within 5 s (" + e.getClass().getSimpleName() + ")\"}\n");
    }
  }

  private AdminServer.Probe transferOnLoop(int to) {
    String head = "{\"node\":" + self.id() + ",\"group\":" + self.group() + ",";
    java.util.List<Integer> members = cluster.members(self.group());
    if (closed || host.stopped()) {
      return new AdminServer.Probe(503, head + "\"status\":\"unavailable\",\"reason\":\"node " + self.id()
          + (closed ? " is shutting down" : " stopped (storage failure)") + "\"}\n");
    }
    if (to == self.id()) {
      return new AdminServer.Probe(400, head + "\"status\":\"refused\",\"reason\":\"the target is this node itself;"
          + " name another member of group " + self.group() + " " + members + "\"}\n");
    }
    if (!members.contains(to)) {
      return new AdminServer.Probe(400, head + "\"status\":\"refused\",\"reason\":\"node " + to
          + " is not a member of group " + self.group() + " (members: " + members + ")\"}\n");
    }
    var raft = host.raft();
    if (!host.isLeader()) {
      int leader = raft.leaderId();
      ClusterConfig.Node ln = leader < 0 ? null : cluster.nodes().get(leader);
      return new AdminServer.Probe(409, head + "\"status\":\"not_leader\",\"leader\":" + leader
          + ",\"leader_address\":\"" + (ln == null ? "" : ln.address()) + "\",\"reason\":\"node " + self.id()
          + " does not lead group " + self.group() + (leader < 0 ? "; no leader known now" : "; node " + leader + " does")
          + "\"}\n");
    }
    host.transferLeadership(to);
    log.info("node {}: transferring leadership of group {} to node {} (term {}), asked on the admin port",
        self.id(), self.group(), to, raft.term());
    return new AdminServer.Probe(202, head + "\"status\":\"started\",\"to\":" + to + ",\"term\":" + raft.term()
        + "}\n");
  }

  /**
   * Graceful stop, first step: a leader hands its group over to its most up-to-date live follower
   * (Raft thesis §3.10: "a server being taken down for maintenance" transfers leadership first, so
   * clients do not wait an election timeout) and waits up to two maximum election timeouts for
   * that follower to lead; a follower has nothing to hand over. Runs on the closing thread while
   * the loop keeps serving; logs at INFO what happened.
   */
  private void handOverLeadership() {
    ClusterConfig.Settings s = cluster.settings();
    // Two maximum election timeouts, and at least 2 s: a loaded machine's ticks run late.
    long waitMillis = Math.max(2000, 2L * s.electionMaxTicks() * s.tickMillis());
    long steppedDownTerm = -1;
    long until = System.nanoTime() + waitMillis * 1_000_000;
    int target = io.shardkv.server.raft.RaftNode.NO_LEADER;
    long term = -1;
    while (System.nanoTime() < until) {
      long[] seen = onLoop(() -> {
        var raft = host.raft();
        if (host.stopped()) return null;
        if (!host.isLeader()) return new long[] {0, raft.leaderId(), raft.term()};
        int busy = raft.transferTarget();
        if (busy >= 0) return new long[] {1, busy, raft.term()};
        int candidate = raft.transferCandidate();
        if (candidate >= 0) host.transferLeadership(candidate);
        return new long[] {1, candidate, raft.term()};
      });
      if (seen == null) return; // the replica stopped (storage failure) or the loop is stuck: nothing to hand over
      if (seen[0] == 0 && target == io.shardkv.server.raft.RaftNode.NO_LEADER) {
        log.info("node {} stopping as a follower of group {} (leader: node {}, term {}): nothing to hand over",
            self.id(), self.group(), seen[1], seen[2]);
        return;
      }
      if (seen[0] == 0 && seen[1] >= 0) {
        // Stepped down (the target's election, §3.10) and heard from the new leader: the group is led.
        log.info("node {} handed leadership of group {} over to node {} (now led by node {}, term {}) before stopping",
            self.id(), self.group(), target, seen[1], seen[2]);
        return;
      }
      if (seen[0] == 0) {
        steppedDownTerm = seen[2]; // voted in the target's election; waits to hear from the winner
      }
      if (seen[1] >= 0 && seen[1] != target) {
        target = (int) seen[1];
        term = seen[2];
        log.info("node {} leads group {} (term {}) and is stopping: transferring leadership to node {}, its most"
            + " up-to-date live follower; waiting up to {} ms", self.id(), self.group(), term, target, waitMillis);
      }
      try {
        Thread.sleep(Math.max(1, s.tickMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (steppedDownTerm >= 0) {
      log.info("node {} stepped down in group {} for node {}'s election (term {}) but heard from no leader within {} ms;"
          + " stopping", self.id(), self.group(), target, steppedDownTerm, waitMillis);
      return;
    }
    log.info("node {} stopping while still leader of group {}: {}; the group elects a new leader after an election"
        + " timeout", self.id(), self.group(), target == io.shardkv.server.raft.RaftNode.NO_LEADER ? "no live follower to hand over to"
        : "the transfer to node " + target + " did not complete within " + waitMillis + " ms");
  }

  /** Runs {@code f} on the loop thread and returns its answer; null when the loop does not answer in time. */
  private <T> T onLoop(java.util.function.Supplier<T> f) {
    java.util.concurrent.CompletableFuture<T> r = new java.util.concurrent.CompletableFuture<>();
    try {
      loop.execute(() -> {
        try {
          r.complete(f.get());
        } catch (Throwable t) {
          r.completeExceptionally(t);
        }
      });
      return r.get(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("node {}: the event loop did not answer while stopping: {}", self.id(), e.toString());
      return null;
    }
  }

  /** Stops serving: closes the listener, links, timer and loop, then the storage. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) return;
    handOverLeadership();
    closed = true;
    log.info("node {} shutting down", self.id());
    ticker.cancel();
    admin.close();
    if (queries != null) queries.close();
    listener.close();
    transport.close();
    loop.close(Duration.ofMillis(500));
    flusher.shutdown();
    try {
      flusher.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      storage.close();
    } catch (RuntimeException e) {
      log.warn("closing the storage: {}", e.toString());
    }
    log.info("node {} stopped", self.id());
  }

  /** Counters exported on /metrics. */
  static final class NodeMetrics {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong peerDecodeErrors = new AtomicLong();
    /** fsyncs of the storage, their total and their longest duration in nanoseconds. */
    final AtomicLong fsyncs = new AtomicLong();
    final AtomicLong fsyncNanos = new AtomicLong();
    final AtomicLong fsyncMaxNanos = new AtomicLong();
    final Map<Status, AtomicLong> replies = new java.util.EnumMap<>(Status.class);

    NodeMetrics() {
      for (Status s : Status.values()) replies.put(s, new AtomicLong());
    }

    void count(Status s) {
      replies.get(s).incrementAndGet();
    }
  }
}
