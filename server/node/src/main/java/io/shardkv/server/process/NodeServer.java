package io.shardkv.server.process;

import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.net.Connection;
import io.shardkv.server.net.ConnectionOptions;
import io.shardkv.server.net.EventLoop;
import io.shardkv.server.net.Listener;
import io.shardkv.server.net.RequestDispatcher;
import io.shardkv.server.net.TcpPeerTransport;
import io.shardkv.server.net.Timer;
import io.shardkv.server.configcenter.ConfigCenterStateMachine;
import io.shardkv.server.raft.Membership;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.shardkv.MigrationRpc;
import io.shardkv.server.storage.CommitJournal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ShardKV server process: the {@link HostedReplica}s of every group the cluster config gives it
 * (docs/config.md) — the config center's and shard groups' — sharing what a process has once: one
 * {@link EventLoop} thread that runs the client/peer listener, one peer link per other server
 * ({@link TcpPeerTransport}; peer messages name their group, {@link PeerWire}), the tick timer, one
 * flusher thread ({@link GroupFlusher}: one pass covers every group written in a loop turn) and one
 * admin port ({@link AdminServer}). Every call into a replica's host happens on the loop thread, so
 * the deterministic core needs no locks. Votes, acknowledgements and client answers leave only after
 * the replica's storage flush (persist before you speak); client requests reach their replica through
 * {@link ClientRouter}.
 */
public final class NodeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeServer.class);
  /** Log one rejected peer message in this many (all are counted on /metrics). */
  private static final long LOG_EVERY = 1000;

  private final ClusterConfig cluster;
  private final ClusterConfig.Server self;
  private final EventLoop loop;
  private final TcpPeerTransport transport;
  private final GroupFlusher flusher;
  /** The process's commit journal (server format; null in the node format or when turned off). */
  private final CommitJournal journal;
  /**
   * Group id → the replica of it this server hosts. Changed only on the loop thread (a replica is
   * added by {@code ctl add-replica}, removed by {@code ctl remove-replica}: {@link ReplicaMembership});
   * read from any thread.
   */
  private final ConcurrentSkipListMap<Integer, HostedReplica> replicas = new ConcurrentSkipListMap<>();
  /**
   * {@link #replicas}' keys, ascending, and whether one of them is a shard group: an immutable
   * snapshot taken whenever a replica is added or removed (loop thread, or the constructor), so
   * that a client request does not copy the key set ({@link #onRequest}).
   */
  private volatile Hosting hosting = Hosting.NONE;

  private record Hosting(List<Integer> groups, boolean shardGroup) {
    static final Hosting NONE = new Hosting(List.of(), false);

    static Hosting of(SortedMap<Integer, HostedReplica> replicas) {
      List<Integer> groups = List.copyOf(replicas.keySet());
      return new Hosting(groups, groups.stream().anyMatch(g -> g != ClusterConfig.CONFIG_CENTER_GROUP));
    }
  }
  /** The groups this server hosts, as its data directory records them (the config file only seeds it). */
  private final HostedGroups hosted;
  /** Where the other servers listen: the file's server lines, then what replicated configurations carry. */
  private final AddressBook addresses;
  private final Listener listener;
  private final AdminServer admin;
  private final Timer ticker;
  private final long startNanos = System.nanoTime();
  final ProcessMetrics metrics = new ProcessMetrics();
  private volatile boolean closed;
  /** One line to the config center for every shard group hosted here (created with the first one). */
  private ConfigCenterQueries configCenterQueries;
  private final Object configCenterQueriesLock = new Object();
  /** Loop thread: ticks since the last leader-balance check (LeaderBalance). */
  private int ticksSinceBalance;

  /** Starts server {@code id} of {@code cluster} (in the node format: node {@code id}). */
  public static NodeServer start(ClusterConfig cluster, int id) throws IOException {
    return new NodeServer(cluster, id);
  }

  private NodeServer(ClusterConfig cluster, int id) throws IOException {
    this.cluster = cluster;
    this.self = cluster.server(id);
    this.hosted = HostedGroups.loadOrSeed(cluster, id);
    this.addresses = new AddressBook(id, cluster.servers());
    if (hosted.seeds().isEmpty() && cluster.nodeFormat()) {
      throw new IOException("server " + id + " hosts no group in " + cluster.file());
    }
    ClusterConfig.Settings s = cluster.settings();
    this.journal = openJournal(cluster, self);
    this.loop = EventLoop.start("node-" + id);
    this.flusher = new GroupFlusher(loop, () -> closed, journal,
        () -> replicas.values().stream().map(HostedReplica::storage).toList());
    Map<Integer, InetSocketAddress> peers = new TreeMap<>();
    cluster.servers().values().forEach(n -> peers.put(n.id(), n.socketAddress()));
    this.transport = new TcpPeerTransport(loop, id, peers, this::onPeerMessage, TcpPeerTransport.Options.DEFAULT);
    try {
      for (Map.Entry<Integer, List<Integer>> g : hosted.seeds().entrySet()) {
        replicas.put(g.getKey(), new HostedReplica(this, g.getKey(), g.getValue()));
        hosting = Hosting.of(replicas);
      }
    } catch (IOException | RuntimeException e) {
      replicas.values().forEach(HostedReplica::close);
      closeConfigCenterQueries();
      loop.close();
      flusher.close();
      closeJournal();
      throw e;
    }
    List<Integer> hostedGroups = hostedGroups();
    transport.start();
    RequestDispatcher dispatcher = new RequestDispatcher(this::onRequest, transport.inboundHandler());
    this.listener = loop.listen(self.socketAddress(), ConnectionOptions.DEFAULT, dispatcher, 4096);
    this.ticker = loop.schedulePeriodic(Duration.ofMillis(s.tickMillis()), this::onTick);
    this.admin = AdminServer.start(self.adminHost(), self.adminPort(), this);
    loop.execute(() -> replicas.values().forEach(r -> r.refreshStatus(nowMillis())));
    if (hostedGroups.isEmpty()) {
      log.info("node {} hosting no group yet (a spare: ctl add-replica adds it to a group) serving {} (admin {}), data in {}",
          id, self.address(), self.adminAddress(), self.dir());
    } else if (hostedGroups.size() == 1) {
      log.info("node {} of group {} serving {} (admin {}), data in {}", id, hostedGroups.get(0), self.address(),
          self.adminAddress(), self.dir());
    } else {
      log.info("node {} hosting groups {} serving {} (admin {}), data in {}", id, hostedGroups, self.address(),
          self.adminAddress(), self.dir());
    }
  }

  /** Set {@code -Dshardkv.commitJournal=false} (SHARDKV_NODE_JVM_OPTS) to fsync each group's log instead. */
  static final String JOURNAL_PROPERTY = "shardkv.commitJournal";

  /**
   * The server's commit journal (docs/storage.md): in the server format, one per process, replayed
   * before any replica loads; in the node format none (one replica, its own log, byte for byte as
   * before). A journal left by an earlier run is replayed even when the journal is turned off now.
   */
  private static CommitJournal openJournal(ClusterConfig cluster, ClusterConfig.Server self) throws IOException {
    if (cluster.nodeFormat()) return null;
    Path file = self.dir().resolve(CommitJournal.FILE_NAME);
    boolean on = !"false".equals(System.getProperty(JOURNAL_PROPERTY));
    if (!on && !Files.exists(file)) return null;
    CommitJournal j = CommitJournal.open(file);
    if (on) return j;
    j.close();
    return null;
  }

  private void closeJournal() {
    if (journal == null) return;
    try {
      journal.close();
    } catch (IOException e) {
      log.warn("closing {}: {}", journal, e.toString());
    }
  }

  // ---------------------------------------------------------------- what replicas share

  ClusterConfig cluster() {
    return cluster;
  }

  int id() {
    return self.id();
  }

  ClusterConfig.Server self() {
    return self;
  }

  EventLoop loop() {
    return loop;
  }

  GroupFlusher flusher() {
    return flusher;
  }

  /**
   * The config-center queries the shard groups hosted here share (ConfigCenterQueries: one worker
   * and one connection per config-center node per process, and groups asking for the same
   * configuration share one QUERY). Any thread.
   */
  ConfigCenterQueries configCenterQueries() {
    synchronized (configCenterQueriesLock) {
      if (configCenterQueries == null) {
        configCenterQueries = new ConfigCenterQueries(cluster.addresses(ClusterConfig.CONFIG_CENTER_GROUP), loop::execute);
      }
      return configCenterQueries;
    }
  }

  /**
   * Loop thread: configuration {@code num} as the config-center replica hosted here has applied it;
   * null when this server hosts none, {@code num} is negative, or the replica has not applied it yet.
   * Configurations are immutable once made (ConfigCenterStateMachine), so this copy is the center's.
   */
  ShardConfig configFromLocalCenter(int num) {
    HostedReplica r = replicas.get(ClusterConfig.CONFIG_CENTER_GROUP);
    if (num < 0 || r == null || r.host().stopped()
        || !(r.host().service().stateMachine() instanceof ConfigCenterStateMachine center)) {
      return null;
    }
    return num <= center.latest().num() ? center.query(num) : null;
  }

  /**
   * Loop thread: whether this server hosts a config-center replica that leads or follows a known
   * leader (so it learns new configurations within a heartbeat or two).
   */
  boolean localCenterFollowsLeader() {
    HostedReplica r = replicas.get(ClusterConfig.CONFIG_CENTER_GROUP);
    return r != null && !r.host().stopped() && r.host().raft().leaderId() >= 0;
  }

  private void closeConfigCenterQueries() {
    synchronized (configCenterQueriesLock) {
      if (configCenterQueries != null) configCenterQueries.close();
    }
  }

  boolean closed() {
    return closed;
  }

  TcpPeerTransport transport() {
    return transport;
  }

  /** The hosted replicas by group (any thread; their status fields are volatile snapshots). */
  SortedMap<Integer, HostedReplica> replicas() {
    return replicas;
  }

  /** The groups this server hosts a replica of now, ascending. */
  public List<Integer> hostedGroups() {
    return hosting.groups();
  }

  HostedGroups hosted() {
    return hosted;
  }

  /** Where each server listens, as this process knows it (any thread). */
  AddressBook addresses() {
    return addresses;
  }

  /**
   * Loop thread: group {@code group}'s configuration {@code m} took effect on this server's replica;
   * the addresses it carries join the address book, and the peer links follow (docs/membership.md).
   */
  void learnAddresses(int group, Membership m) {
    for (AddressBook.Entry e : addresses.learn(group, m)) {
      try {
        transport.setPeer(e.id(), e.socketAddress());
      } catch (RuntimeException ex) {
        log.warn("node {}: cannot link to server {} at {} (learnt from {}): {}", self.id(), e.id(), e.address(), e.source(),
            ex.toString());
      }
    }
  }

  /** Loop thread: starts serving a replica built by {@link ReplicaMembership#host}. */
  void attach(HostedReplica r) {
    replicas.put(r.group(), r);
    hosting = Hosting.of(replicas);
    r.refreshStatus(nowMillis());
  }

  /** Loop thread: stops serving the replica of {@code group} (ctl remove-replica); null when none. */
  HostedReplica detach(int group) {
    HostedReplica r = replicas.remove(group);
    hosting = Hosting.of(replicas);
    if (r != null) r.markRetired();
    return r;
  }

  long nowMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  public InetSocketAddress address() {
    return listener.localAddress();
  }

  // ---------------------------------------------------------------- loop-thread inputs

  private void onTick() {
    if (closed) return;
    long now = nowMillis();
    for (HostedReplica r : replicas.values()) r.onTick(now);
    int every = cluster.settings().leaderBalanceMillis() / cluster.settings().tickMillis();
    if (cluster.settings().leaderBalanceMillis() > 0 && ++ticksSinceBalance >= Math.max(1, every)) {
      ticksSinceBalance = 0;
      if (LeadershipHandover.balance(this) >= 0) metrics.leaderBalanceTransfers.incrementAndGet();
    }
  }

  /**
   * A peer message from server {@code from}: to the replica of the group it names. A message that
   * does not decode, names a group this server does not host, or (migration) names a sending group
   * the sender does not host is dropped, counted and logged; no replica sees it, the others go on.
   */
  void onPeerMessage(int from, byte[] bytes) {
    if (closed) return;
    PeerWire.Decoded d;
    try {
      d = PeerWire.decode(bytes);
    } catch (DecodeException e) {
      long n = metrics.peerDecodeErrors.incrementAndGet();
      if (n % LOG_EVERY == 1) log.warn("dropped an undecodable peer message from node {} ({} so far): {}", from, n, e.getMessage());
      return;
    }
    int group = d.toGroup();
    if (group == PeerWire.NO_GROUP && replicas.size() == 1) group = replicas.firstKey();
    HostedReplica r = replicas.get(group);
    // Membership lives in the groups (docs/membership.md): in the server format a server may host a group
    // the config file did not seed it in (ctl add-replica). A Raft message of the group itself is taken
    // from any server of the file (thesis §4.1: RPCs are processed without consulting the configuration;
    // terms and PreVote keep removed servers harmless); a migration message's sending group must be one
    // the file seeds the sender in, or whose servers the config center lists with the sender's address.
    boolean senderHostsSource = d.fromGroup() == PeerWire.NO_GROUP || cluster.groupsOf(from).contains(d.fromGroup())
        || (!cluster.nodeFormat() && (d.raft() != null ? d.fromGroup() == d.toGroup() : listedInConfig(from, d.fromGroup())));
    if (r == null || !senderHostsSource) {
      long n = metrics.peerUnknownGroup.incrementAndGet();
      if (n % LOG_EVERY == 1) {
        log.warn("dropped a peer message from node {} for group {} (from group {}): this server hosts groups {}{} ({} so far)",
            from, d.toGroup() == PeerWire.NO_GROUP ? "(none named)" : d.toGroup(), d.fromGroup(), hostedGroups(),
            senderHostsSource ? "" : ", and node " + from + " hosts no replica of group " + d.fromGroup(), n);
      }
      return;
    }
    if (d.raft() != null) {
      r.onRaftMessage(d.raft());
    } else {
      AddressBook.Entry sender = addresses.get(from);
      if (sender == null) return;
      r.onMigration(replyName(sender.address(), d.fromGroup()), d.migration());
    }
  }

  /** Loop thread: whether a hosted shard group's applied configuration lists {@code from}'s address for {@code group}. */
  private boolean listedInConfig(int from, int group) {
    AddressBook.Entry sender = addresses.get(from);
    if (sender == null) return false;
    for (HostedReplica r : replicas.values()) {
      var c = r.appliedShardConfig();
      if (c != null && c.groups().getOrDefault(group, List.of()).contains(sender.address())) return true;
    }
    return false;
  }

  /** A hosted shard group's applied configuration, for routing (loop thread; null for the config center). */
  private final IntFunction<ShardConfig> configOf = g -> replicas.get(g).appliedShardConfig();

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
    Hosting here = hosting;
    List<Integer> hostedGroups = here.groups();
    if (!cluster.nodeFormat()) {
      // Membership changes (docs/membership.md) leave clients with addresses of servers that no longer
      // (or do not yet) host the group they want: answer so that the client retries elsewhere, never a
      // definite error. Not a config-center member: WRONG_LEADER without a hint (the client tries its
      // next address); no shard group here: WRONG_GROUP (the client refreshes its configuration).
      if (ClientRouter.isConfigCenterRequest(request) && !replicas.containsKey(ClusterConfig.CONFIG_CENTER_GROUP)) {
        RequestDispatcher.reply(c, wireId, Response.wrongLeader(request.frameType(), -1, ""));
        return;
      }
      if (!here.shardGroup() && ClientRouter.isKeyRequest(request)) {
        RequestDispatcher.reply(c, wireId, Response.wrongGroup(request.frameType(), 0));
        return;
      }
    }
    if (hostedGroups.isEmpty()) {
      RequestDispatcher.reply(c, wireId, Response.error(request.frameType(), Status.BAD_REQUEST,
          "server " + self.id() + " hosts no group yet (a spare, docs/membership.md); ask another server"));
      return;
    }
    if (cluster.nodeFormat()) { // one replica, and its WRONG_LEADER hints always name its own group's leader
      replicas.get(hostedGroups.get(0)).onRequest(c, wireId, request, false);
      return;
    }
    // One pass decides both the replica and whether it may hint at its leader (ClientRouter.decide).
    ClientRouter.Route route = ClientRouter.decide(request, cluster.settings().shards(), hostedGroups, configOf);
    replicas.get(route.group()).onRequest(c, wireId, request, !route.vouched());
  }

  // ---------------------------------------------------------------- outputs of the replicas (loop thread)

  void sendRaft(int group, RaftMessage m) {
    metrics.raftTraffic.sent(m);
    transport.send(m.to(), cluster.nodeFormat() ? PeerWire.encodeRaft(m) : PeerWire.encodeRaft(group, m));
  }

  /**
   * A migration message from this server's replica of {@code fromGroup} to {@code server}'s replica
   * of {@code toGroup}. {@code toGroup} is -1 for a reply: then {@code server} is the name
   * {@link #onPeerMessage} gave the request's sender, which carries its group ({@link #replyName}).
   */
  void sendMigration(int fromGroup, int toGroup, String server, MigrationRpc m) {
    String address = server;
    int hash = server.lastIndexOf('#');
    if (toGroup < 0 && hash > 0) {
      try {
        toGroup = Integer.parseInt(server.substring(hash + 1));
        address = server.substring(0, hash);
      } catch (NumberFormatException e) {
        toGroup = -1;
      }
    }
    AddressBook.Entry n = addresses.byAddress(address);
    if (n == null) {
      log.warn("migration message to {}, which is not a server of {} nor one learnt from a configuration; dropped",
          server, cluster.file());
      return;
    }
    if (!cluster.nodeFormat() && toGroup < 0) {
      log.warn("migration message to {} names no group; dropped", server);
      return;
    }
    sendMigrationTo(n.id(), toGroup, fromGroup, m);
  }

  /** One migration frame to server (node format: node) {@code to}; the node format names no groups. */
  private void sendMigrationTo(int to, int toGroup, int fromGroup, MigrationRpc m) {
    transport.send(to, cluster.nodeFormat() ? PeerWire.encodeMigration(m) : PeerWire.encodeMigration(toGroup, fromGroup, m));
  }

  /**
   * A migration request relayed by this server's replica of {@code group} to that group's leader,
   * server (or, node format, node) {@code leader}: it arrives as if this replica had sent it, so the
   * leader's reply comes back here.
   */
  void relayMigration(int group, int leader, MigrationRpc m) {
    sendMigrationTo(leader, group, group, m);
  }

  /** The name a migration request's sender gets in replies: its address, and its group when groups are named. */
  private String replyName(String address, int fromGroup) {
    return fromGroup == PeerWire.NO_GROUP ? address : address + "#" + fromGroup;
  }

  /** A replica's storage failed: the process stops (its disk is suspect for every group it hosts). */
  void fatal(int group, Throwable cause) {
    log.error("node {}: its group-{} replica stopped (a storage failure, or a committed entry it could not apply), stopping the node: {}", self.id(), group, cause.toString());
    new Thread(() -> {
      close();
      Runtime.getRuntime().halt(3);
    }, "fatal-stop").start();
  }

  // ---------------------------------------------------------------- status

  /**
   * The STATUS reply (docs/protocol.md): a server hosting one replica answers the keys it always did
   * ({@code node, group, address, admin, pid, role, term, leader, leader_address, commit, applied,
   * state}); a server hosting several answers them too, for its config-center replica (else its
   * lowest group) — what clients written for one-replica servers read (the driver checks
   * {@code role}) — and adds {@code groups} (ascending, comma separated) and, per hosted group G,
   * the replica keys prefixed {@code gG.} (e.g. {@code g1.role}); {@link ReplicaStatuses} reads both.
   * Every replica's keys include {@code members}: its group's client addresses, comma separated.
   */
  private Map<String, String> statusMap() {
    Map<String, String> m = new TreeMap<>();
    m.put("node", String.valueOf(self.id()));
    m.put("address", self.address());
    m.put("admin", self.adminAddress());
    m.put("pid", String.valueOf(ProcessHandle.current().pid()));
    List<HostedReplica> all = List.copyOf(replicas.values());
    if (all.isEmpty()) {
      m.put("groups", "");
      return m;
    }
    replicaStatus(m, "", all.get(0));
    if (all.size() == 1) return m;
    m.put("groups", String.join(",", all.stream().map(r -> String.valueOf(r.group())).toList()));
    for (HostedReplica r : all) replicaStatus(m, "g" + r.group() + ".", r);
    return m;
  }

  private void replicaStatus(Map<String, String> m, String prefix, HostedReplica r) {
    m.put(prefix + "group", String.valueOf(r.group()));
    // The group's client addresses from the cluster config: a client given one reachable member of
    // the config center learns the others from it (issue 11, item 3; the driver's LeaderTracker).
    HostedReplica.ReplicaStatus st = r.status();
    // The group's members as its replica knows them (its Raft configuration, docs/membership.md),
    // by their addresses (AddressBook); the config file's group line before the first status.
    List<Integer> ids = st == null ? cluster.members(r.group()) : st.members();
    m.put(prefix + "members", String.join(",", ids.stream().map(addresses::get)
        .filter(Objects::nonNull).map(AddressBook.Entry::address).toList()));
    if (st != null) {
      m.put(prefix + "role", st.role());
      m.put(prefix + "term", String.valueOf(st.term()));
      m.put(prefix + "leader", String.valueOf(st.leader()));
      m.put(prefix + "leader_address", st.leaderAddress());
      m.put(prefix + "commit", String.valueOf(st.commit()));
      m.put(prefix + "applied", String.valueOf(st.applied()));
      m.put(prefix + "state", st.extra());
    }
    List<NodeEvents.Stall> stalls = r.stalledMigrations();
    if (!stalls.isEmpty()) m.put(prefix + "migrations_stalled", NodeEvents.summary(stalls));
  }

  // ---------------------------------------------------------------- leadership transfer (thesis §3.10)

  /**
   * {@code POST /transfer-leader?to=ID[&group=G]}: asks this server's replica of {@code group} (the
   * one replica when {@code group} is null and the server hosts one) to hand its leadership to
   * member {@code to}. See {@link LeadershipHandover#transfer}.
   */
  AdminServer.Probe transferLeadership(Integer group, int to) {
    if (group == null && replicas.size() > 1) {
      return new AdminServer.Probe(400, "{\"node\":" + self.id() + ",\"status\":\"refused\",\"reason\":\"this server hosts"
          + " groups " + hostedGroups() + ": say which, POST /transfer-leader?group=G&to=ID\"}\n");
    }
    HostedReplica r = group == null ? (replicas.isEmpty() ? null : replicas.firstEntry().getValue()) : replicas.get(group);
    if (r == null) {
      return new AdminServer.Probe(400, "{\"node\":" + self.id() + ",\"group\":" + group + ",\"status\":\"refused\","
          + "\"reason\":\"this server hosts no replica of group " + group + " (it hosts " + hostedGroups() + ")\"}\n");
    }
    AdminServer.Probe p = onLoop(() -> LeadershipHandover.transfer(this, r, to));
    if (p != null) return p;
    return new AdminServer.Probe(503, "{\"status\":\"unavailable\",\"node\":" + self.id()
        + ",\"reason\":\"the node did not take the request within 2 s\"}\n");
  }

  /** Runs {@code f} on the loop thread and returns its answer; null when the loop does not answer in time. */
  <T> T onLoop(Supplier<T> f) {
    CompletableFuture<T> r = new CompletableFuture<>();
    try {
      loop.execute(() -> {
        try {
          r.complete(f.get());
        } catch (Throwable t) {
          r.completeExceptionally(t);
        }
      });
      return r.get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("node {}: the event loop did not answer: {}", self.id(), e.toString());
      return null;
    }
  }

  /**
   * Stops serving: each led group is first handed over (Raft thesis §3.10), then the listener, links,
   * timer, loop and flusher close, then every replica's storage. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    List<HostedReplica> all = new ArrayList<>(replicas.values());
    // Every led group is handed over at the same time: the stop waits for the slowest, not the sum.
    List<Thread> handovers = new ArrayList<>();
    for (HostedReplica r : all) {
      Thread t = new Thread(() -> LeadershipHandover.beforeStop(this, r), "handover-group-" + r.group());
      t.start();
      handovers.add(t);
    }
    for (Thread t : handovers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closed = true;
    log.info("node {} shutting down", self.id());
    ticker.cancel();
    admin.close();
    listener.close();
    transport.close();
    loop.close(Duration.ofMillis(500));
    flusher.close();
    for (HostedReplica r : all) r.close();
    closeConfigCenterQueries();
    closeJournal();
    log.info("node {} stopped", self.id());
  }

  /** Counters of the process (the replicas count their own requests and replies). */
  static final class ProcessMetrics {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong peerDecodeErrors = new AtomicLong();
    /** Peer messages for a group this server does not host (or from a group the sender does not host). */
    final AtomicLong peerUnknownGroup = new AtomicLong();
    /** Leadership transfers this server started to spread leaders (LeaderBalance). */
    final AtomicLong leaderBalanceTransfers = new AtomicLong();
    /** Raft messages sent, by kind, and the entries they carried. */
    final RaftTraffic raftTraffic = new RaftTraffic();
  }
}
