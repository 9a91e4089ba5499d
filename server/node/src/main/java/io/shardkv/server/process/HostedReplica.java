package io.shardkv.server.process;

import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.Status;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.configcenter.ConfigCenterStateMachine;
import io.shardkv.server.net.Connection;
import io.shardkv.server.net.RequestDispatcher;
import io.shardkv.server.raft.RaftConfig;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.TraceSink;
import io.shardkv.server.frontdoor.FrontDoor;
import io.shardkv.server.replica.ClientReply;
import io.shardkv.server.replica.HostOptions;
import io.shardkv.server.replica.PlantedBug;
import io.shardkv.server.replica.ReplicaHost;
import io.shardkv.server.replica.ReplicaOutputs;
import io.shardkv.server.replica.Services;
import io.shardkv.server.shardkv.MigrationRpc;
import io.shardkv.server.shardkv.ShardGroupOutputs;
import io.shardkv.server.shardkv.ShardGroupService;
import io.shardkv.server.shardkv.ShardKvStateMachine;
import io.shardkv.server.storage.FileRaftStorage;
import io.shardkv.server.storage.NioStorageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica a server process hosts: a {@link ReplicaHost} (the config center for group 0, a shard
 * group otherwise) on its own {@link FileRaftStorage}, with its front door, its pending client
 * requests and its status. Everything here runs on the process's one event loop thread
 * ({@link NodeServer}), as does every call into the host; the deterministic core needs no locks.
 * The process owns what replicas share (the loop, the listener, the peer links, the flusher, the
 * admin port); this class owns what is per group.
 */
final class HostedReplica {
  private static final Logger log = LoggerFactory.getLogger(HostedReplica.class);
  private static final Logger trace = LoggerFactory.getLogger("io.shardkv.trace");

  private final NodeServer server;
  private final int group;
  private final int self;
  private final boolean configCenter;
  private final Path dir;
  private final FileRaftStorage storage;
  private final ReplicaHost host;
  /** How the flusher answers this replica's batches: to its host, once per batch, on the loop. */
  private final GroupFlusher.Waiter flushWaiter = new GroupFlusher.Waiter() {
    @Override
    public void flushed() {
      host.onStorageFlushed();
    }

    @Override
    public void failed(Throwable cause) {
      host.onStorageFailed(cause);
    }
  };
  /** The shard group's state machine and service (null for the config center). */
  private final ShardKvStateMachine shardState;
  private final ShardGroupService shardGroup;
  /** The server's shared config-center queries (null for the config center) and this group's answer handler. */
  private final ConfigCenterQueries queries;
  private final java.util.function.Consumer<ShardConfig> configFetched;
  private final FrontDoor frontDoor;
  /** Host request id → the client connection and wire request awaiting its reply (loop thread only). */
  private final Map<Long, PendingClient> pending = new HashMap<>();
  private long nextHostRequestId = 1;
  private volatile NodeEvents events;
  /** Set (loop thread) when ctl remove-replica retired this replica: it gets no input any more. */
  private volatile boolean retired;
  private volatile ReplicaStatus status;
  final ReplicaMetrics metrics = new ReplicaMetrics();
  /** Client sessions in the applied state (live, expired), refreshed with the status for /metrics. */
  volatile io.shardkv.server.kv.DedupTable.Counts sessions = io.shardkv.server.kv.DedupTable.Counts.NONE;

  /** {@code hintless}: a WRONG_LEADER answer must not name this group's leader ({@link #onRequest}). */
  private record PendingClient(Connection connection, long wireId, FrameType type, boolean askServed, boolean hintless) {}

  /** A consistent view of the replica for the admin endpoints, refreshed on the loop ({@link #onTick}). */
  record ReplicaStatus(int node, int group, String role, long term, int leader, String leaderAddress,
                       long commit, long applied, long lastIndex, int pending, long snapshots,
                       long snapshotsInstalled, List<Integer> snapshotPeers, String extra,
                       List<Integer> voters, List<Integer> learners, long configIndex) {
    /** Voters then learners (the group's members as this replica knows them, docs/membership.md). */
    List<Integer> members() {
      List<Integer> all = new java.util.ArrayList<>(voters);
      all.addAll(learners);
      return all;
    }
  }

  /** Loop thread: the addresses of the configuration last handed to the address book. */
  private Map<Integer, io.shardkv.server.raft.Membership.Address> learntAddresses = Map.of();

  /** Leader only: when (process millis) each member last answered within a CheckQuorum round. */
  private final Map<Integer, Long> lastActiveMillis = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Builds the replica and loads its storage; called off the loop thread (it waits for the loop).
   * {@code seed} is the group's seed configuration (HostedGroups); a server outside it joins the group
   * as a learner added by ctl add-replica and learns the configuration from the leader.
   */
  HostedReplica(NodeServer server, int group, List<Integer> seed) throws IOException {
    this.server = server;
    this.group = group;
    ClusterConfig cluster = server.cluster();
    this.self = server.id();
    this.configCenter = group == ClusterConfig.CONFIG_CENTER_GROUP;
    this.dir = cluster.replicaDir(group, self);
    ClusterConfig.Settings s = cluster.settings();
    this.storage = new FileRaftStorage(dir, NioStorageFiles.INSTANCE, FileRaftStorage.DEFAULT_SEGMENT_SIZE, true);
    // One journal fsync per flusher pass for every group of the process (GroupFlusher, CommitJournal).
    if (server.flusher().journal() != null) storage.journaled(server.flusher().journal());
    // TEST-ONLY planted bugs (docs/chaos.md "Mutants"): shard groups only, the config center stays correct.
    Set<PlantedBug> bugs = configCenter ? Set.of() : s.unsafe();
    RaftConfig base = seed.contains(self) ? RaftConfig.of(group, self, seed) : RaftConfig.joining(group, self, seed);
    RaftConfig raft = PlantedBug.applyTo(base
        .withElectionTimeout(s.electionMinTicks(), s.electionMaxTicks())
        .withHeartbeatTicks(s.heartbeatTicks()), bugs);
    HostOptions options = PlantedBug.applyTo(HostOptions.defaults()
        .withRequestTimeoutTicks(s.requestTimeoutTicks())
        .withSnapshotThresholdBytes(s.snapshotBytes())
        .withSynchronousFlush(false)
        .withMigrationIntervalTicks(Math.max(1, 50 / s.tickMillis()))
        .withTrace(s.trace() || trace.isTraceEnabled()), bugs)
        .withSessionIdleMillis(s.sessionIdleMillis()); // session expiry (docs/sessions.md)
    SplittableRandom random = new SplittableRandom(System.nanoTime() ^ ((long) self << 20) ^ group);
    SplittableRandom freshClientIds = new SplittableRandom();
    this.frontDoor = new FrontDoor(configCenter ? FrontDoor.Kind.CONFIG_CENTER : FrontDoor.Kind.KEY_VALUE, self, group,
        id -> {
          AddressBook.Entry n = server.addresses().get(id);
          return n == null ? null : n.address();
        }, bugs.contains(PlantedBug.NO_DEDUP) ? () -> (freshClientIds.nextLong() >>> 1) | 1 : null);
    for (PlantedBug bug : bugs) {
      log.warn("UNSAFE (test-only planted bug {} = true in {}): node {} breaks a safety guarantee ON PURPOSE ({}); the "
          + "nemesis '{}' should expose it; never run this outside the chaos suite's mutants", bug.configKey(), cluster.file(),
          self, bug.broken(), bug.nemesis());
    }
    Outputs outputs = new Outputs();
    // A shard group's migrations and config polling live in its service (shardkv), not in the host.
    this.shardState = configCenter ? null : new ShardKvStateMachine(group, s.shards());
    this.shardGroup = configCenter ? null : new ShardGroupService(shardState, outputs, options.migrationIntervalTicks());
    this.queries = configCenter ? null : server.configCenterQueries();
    this.configFetched = c -> {
      if (!server.closed() && !retired) shardGroup.onConfigFetched(c);
    };
    long instance = System.currentTimeMillis();
    long loadStart = System.nanoTime();
    // The host loads the storage in its constructor; build it on the loop thread, like every call.
    CompletableFuture<ReplicaHost> built = new CompletableFuture<>();
    server.loop().execute(() -> {
      try {
        built.complete(new ReplicaHost(raft, storage, random::nextInt,
            s.trace() || trace.isTraceEnabled() ? line -> trace.trace(line) : TraceSink.NONE,
            configCenter ? Services.configCenter(new ConfigCenterStateMachine(s.shards())) : shardGroup,
            outputs, options, instance));
      } catch (Throwable t) {
        built.completeExceptionally(t);
      }
    });
    try {
      this.host = built.get();
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      try {
        storage.close();
      } catch (RuntimeException ignored) {
        // the load failure is what the operator needs to see
      }
      throw new IOException("node " + self + " could not load the data of its group-" + group + " replica in " + dir
          + ": " + cause, cause);
    }
    logRecovery((System.nanoTime() - loadStart) / 1_000_000);
  }

  int group() {
    return group;
  }

  /**
   * Leader only: whether {@code peer} answered within the last {@code windowMillis} (it was recently
   * active in a CheckQuorum round, thesis §6.2); this replica itself always is.
   */
  boolean heardFromWithin(int peer, long nowMillis, long windowMillis) {
    if (peer == self) return true;
    Long t = lastActiveMillis.get(peer);
    return t != null && nowMillis - t <= windowMillis;
  }

  Path dir() {
    return dir;
  }

  boolean isConfigCenter() {
    return configCenter;
  }

  /** The shard configuration this replica has applied (loop thread; null for the config center). */
  ShardConfig appliedShardConfig() {
    return shardState == null ? null : shardState.currentConfig();
  }

  ReplicaHost host() {
    return host;
  }

  FileRaftStorage storage() {
    return storage;
  }

  ReplicaStatus status() {
    return status;
  }

  NodeEvents events() {
    return events;
  }

  List<NodeEvents.Stall> stalledMigrations() {
    NodeEvents ev = events;
    return ev == null ? List.of() : ev.stalls();
  }

  /** The storage recovery summary at INFO: what was found on disk and how long loading took. */
  private void logRecovery(long millis) {
    long files = 0;
    long bytes = 0;
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p)) {
          files++;
          bytes += Files.size(p);
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      log.warn("node {}: could not measure {}: {}", self, dir, e.toString());
    }
    long[] raft = server.onLoop(() -> new long[] {host.raft().lastIndex(), host.raft().term(), host.raft().appliedIndex()});
    if (raft == null) return;
    // The node format's line stays as it was (scripts read it); a server hosting several groups names the group.
    String which = server.cluster().nodeFormat() ? "" : " (group " + group + ")";
    // Extended, not reworded: the WAL record count is appended after the line's earlier fields.
    log.info("node {} recovered its storage in {} ms{}: {} file(s), {} bytes in {}; term {}, log up to index {}, "
        + "state machine at index {} (snapshots restored: {}); {} WAL record(s) read", self, millis, which, files, bytes,
        dir, raft[1], raft[0], raft[2], host.snapshotsRestored(), storage.recoveredRecords());
  }

  // ---------------------------------------------------------------- loop-thread inputs

  void onTick(long nowMillis) {
    metrics.readies = host.readies(); // copied each tick for /metrics (the host is loop-thread only)
    metrics.readiesWriting = host.readiesWriting();
    host.setTime(nowMillis);
    host.setSessionClock(System.currentTimeMillis()); // a leader's session stamp (docs/sessions.md)
    host.tick();
    long key = statusKey();
    if (key != statusKey || ++ticksSinceStatus >= STATUS_EVERY_TICKS) {
      statusKey = key;
      refreshStatus(nowMillis); // notes the activity too
    } else {
      noteActivity(nowMillis);
    }
  }

  /**
   * Status refresh rate: every tick the host is polled for what an operator or a tool acts on at once
   * (role, term, leader, membership, snapshots, the shard layout: {@link #statusKey}); when that is
   * unchanged, the full view (the status record, {@link NodeEvents}, session counts) is rebuilt only
   * every this many ticks (100 ms at the default 10 ms tick), so counters such as commit, applied and
   * pending requests in /status and the session gauges in /metrics may lag by that much. Observation
   * only: nothing here feeds back into the replica.
   */
  static final int STATUS_EVERY_TICKS = 10;
  private long statusKey;
  private int ticksSinceStatus;

  /** A hash of the fields whose change refreshes the status at once (a collision only delays it one period). */
  private long statusKey() {
    var raft = host.raft();
    long k = raft.role().ordinal();
    k = k * 31 + raft.term();
    k = k * 31 + raft.leaderId();
    k = k * 31 + raft.membershipIndex();
    k = k * 31 + System.identityHashCode(raft.membership()); // a new object with every configuration (addresses too)
    k = k * 31 + (host.stopped() ? 1 : 0);
    k = k * 31 + host.snapshotsTaken();
    k = k * 31 + host.snapshotsRestored();
    k = k * 31 + raft.peersReceivingSnapshot().size();
    if (shardState != null) {
      k = k * 31 + shardState.layoutChanges();
    } else if (host.service().stateMachine() instanceof ConfigCenterStateMachine center) {
      k = k * 31 + center.latest().num();
    }
    return k;
  }

  /** Leader only: the members recently active in a CheckQuorum round, stamped with the process clock (every tick). */
  private void noteActivity(long nowMillis) {
    var raft = host.raft();
    if (raft.role() == io.shardkv.server.raft.Role.LEADER) {
      var membership = raft.membership();
      for (int peer : membership.voters()) if (raft.recentlyActive(peer)) lastActiveMillis.put(peer, nowMillis);
      for (int peer : membership.learners()) if (raft.recentlyActive(peer)) lastActiveMillis.put(peer, nowMillis);
    } else if (!lastActiveMillis.isEmpty()) {
      lastActiveMillis.clear();
    }
  }

  void onRaftMessage(RaftMessage m) {
    host.onPeerMessage(m);
  }

  /** A migration message from another group; {@code from} is the name replies are sent back to. */
  void onMigration(String from, MigrationRpc m) {
    if (shardGroup != null) shardGroup.onGroupMessage(from, m);
  }

  /**
   * A client request routed to this replica. {@code hintless} when this replica's group may not be the
   * group the client wants ({@link ClientRouter#vouchesFor}): a WRONG_LEADER answer then carries no
   * leader hint, since a hint names this group's leader and the client would add it to the other
   * group's servers (lab, set-power seed 14101).
   */
  void onRequest(Connection c, long wireId, Request request, boolean hintless) {
    metrics.requests.incrementAndGet();
    FrontDoor.Admission a = frontDoor.admit(request);
    if (a instanceof FrontDoor.Admission.Answer answer) {
      RequestDispatcher.reply(c, wireId, answer.response());
      return;
    }
    long id = nextHostRequestId++;
    pending.put(id, new PendingClient(c, wireId, request.frameType(), request.askServed(), hintless));
    host.onClientRequest(id, ((FrontDoor.Admission.Command) a).command());
  }

  /** Rebuilds the status view, the session counts and the operator's events (loop thread; see {@link #onTick}). */
  void refreshStatus(long nowMillis) {
    ticksSinceStatus = 0;
    sessions = host.service().sessionCounts();
    if (events == null) events = new NodeEvents(self, group);
    events.observe(host, nowMillis);
    var raft = host.raft();
    int leader = raft.leaderId();
    var membership = raft.membership();
    // The addresses a configuration carries take effect with it (docs/membership.md): learnt here, on the
    // first status after it was appended, restored from a snapshot or loaded (within a tick: a new
    // configuration changes statusKey, which refreshes the status at once).
    if (!membership.addresses().equals(learntAddresses)) {
      server.learnAddresses(group, membership);
      learntAddresses = membership.addresses();
    }
    AddressBook.Entry ln = leader < 0 ? null : server.addresses().get(leader);
    String extra = host.stopped() ? "stopped" : host.service().traceState();
    noteActivity(nowMillis);
    status = new ReplicaStatus(self, group, raft.role().name().toLowerCase(), raft.term(), leader,
        ln == null ? "" : ln.address(), raft.commitIndex(), raft.appliedIndex(), raft.lastIndex(),
        host.pendingRequests(), host.snapshotsTaken(), host.snapshotsRestored(), raft.peersReceivingSnapshot(),
        extra == null ? "" : extra, membership.voters(), membership.learners(), raft.membershipIndex());
  }

  /** Loop thread: this replica was removed from the server (ctl remove-replica); nothing reaches it any more. */
  void markRetired() {
    retired = true;
  }

  /** Closes the replica's storage (the config-center queries are the server's: NodeServer closes them). */
  void close() {
    try {
      storage.close();
    } catch (RuntimeException e) {
      log.warn("closing the group-{} storage: {}", group, e.toString());
    }
  }

  private final class Outputs implements ReplicaOutputs, ShardGroupOutputs {
    @Override
    public void sendPeer(RaftMessage m) {
      server.sendRaft(group, m);
    }

    @Override
    public void reply(ClientReply r) {
      PendingClient p = pending.remove(r.requestId());
      if (p == null) return;
      Response resp;
      try {
        resp = frontDoor.respond(p.type(), r, p.askServed());
      } catch (RuntimeException e) {
        log.error("could not translate the answer to a {} request: {}", p.type(), e.toString());
        resp = Response.error(p.type(), Status.SERVER_ERROR, "internal error: " + e);
      }
      if (p.hintless() && resp.status() == Status.WRONG_LEADER) {
        resp = Response.wrongLeader(p.type(), -1, "");
      }
      metrics.count(resp.status());
      RequestDispatcher.reply(p.connection(), p.wireId(), resp);
    }

    /**
     * Input coalescing: the inputs of one event-loop turn (a socket read may carry many requests and
     * peer messages) share one Ready, run as a task queued behind them on the same loop.
     */
    @Override
    public boolean deferReadyPass() {
      // While the host is being built (its constructor may give input) there is no one to call back.
      ReplicaHost h = host;
      return h != null && server.loop().execute(h::runReadyPass);
    }

    /**
     * fsync through the process's one flusher: every replica that seals a batch in the same loop turn
     * is synced by the same pass (one thread hand-off for several groups); the host keeps taking input
     * and writing its next batch meanwhile (asynchronous storage writes, docs/raft-core.md).
     */
    @Override
    public void requestFlush(io.shardkv.server.raft.RaftStorage.FlushBatch batch) {
      server.flusher().request(flushWaiter, batch);
    }

    @Override
    public void sendGroupMessage(String server, MigrationRpc m) {
      HostedReplica.this.server.sendMigration(group, -1, server, m);
    }

    @Override
    public void sendGroupMessage(int toGroup, String server, MigrationRpc m) {
      HostedReplica.this.server.sendMigration(group, toGroup, server, m);
    }

    @Override
    public void relayToLeader(MigrationRpc m) {
      int leader = host.raft().leaderId();
      if (leader >= 0 && leader != self) HostedReplica.this.server.relayMigration(group, leader, m);
    }

    /**
     * The configuration the planner asks for: from the config-center replica this server hosts when
     * it has applied it (configurations never change once made, so any replica's copy is the
     * center's), handed over as a later loop task like a query's answer; otherwise a QUERY to the
     * center. While that local replica follows a leader, a number it has not applied yet is asked
     * of the center at most every {@link #LOCAL_CENTER_BACKSTOP_NANOS} (a backstop: the local replica
     * applies a new configuration within a heartbeat or two, and the planner's next round finds it).
     */
    @Override
    public void fetchConfig(int num) {
      if (queries == null) return;
      ShardConfig local = server.configFromLocalCenter(num);
      if (local != null) {
        server.loop().execute(() -> configFetched.accept(local));
        return;
      }
      queries.fetch(num, configFetched, server.localCenterFollowsLeader() ? LOCAL_CENTER_BACKSTOP_NANOS : 0);
    }

    @Override
    public void trace(String line) {
      trace.trace(line);
    }

    @Override
    public void fatal(Throwable cause) {
      if (retired) return; // its storage was closed on purpose (ReplicaMembership.retire)
      server.fatal(group, cause);
    }
  }

  /** How often a configuration the local config-center replica has not applied yet is asked of the center anyway. */
  static final long LOCAL_CENTER_BACKSTOP_NANOS = 1_000_000_000L;

  /** Counters of this replica, exported on /metrics with its group label. */
  static final class ReplicaMetrics {
    final AtomicLong requests = new AtomicLong();
    final Map<Status, AtomicLong> replies = new EnumMap<>(Status.class);
    /** The host's Readies handled, and those that wrote to storage, as of the last tick. */
    volatile long readies;
    volatile long readiesWriting;

    ReplicaMetrics() {
      for (Status s : Status.wireStatuses()) replies.put(s, new AtomicLong());
    }

    void count(Status s) {
      replies.get(s).incrementAndGet();
    }
  }
}
