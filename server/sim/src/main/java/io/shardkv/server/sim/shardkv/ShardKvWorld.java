package io.shardkv.server.sim.shardkv;

import io.shardkv.server.replica.HostOptions;
import io.shardkv.server.sim.SimScheduler;
import io.shardkv.server.sim.SimCluster;
import io.shardkv.server.sim.SimDisk;
import io.shardkv.server.sim.SimNetwork;
import io.shardkv.server.sim.SimRandom;
import io.shardkv.server.sim.TraceDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A simulated sharded cluster in one thread: the config center (gid 0) and shard groups
 * (gids 1..groups), each server a {@link ServerNode} (RaftNode + SimDisk + ReplicaHost), on a server
 * network (Raft, migration, config queries) that the nemesis disturbs, plus a client network between
 * clients and servers. Everything random derives from the seed.
 *
 * <p>Layout: server {@code n} belongs to gid {@code n / replicas} and is named {@code "n<id>"} in
 * configurations; Raft node ids are these global ids. Client endpoints are the client network's
 * nodes from {@code servers()} on. With membership changes ({@link ShardKvSimOptions#membership()})
 * the last {@link ShardKvSimOptions#SPARES} servers are spares: in no group until the membership
 * nemesis has one host an empty replica of a group ({@link #hostOnSpare}, the admin port's
 * {@code /host-replica}), for good; a group's seed members (its Raft configuration at index 0) stay
 * {@link #members}, the servers that run one of its replicas are {@link #replicaServers}.
 */
public final class ShardKvWorld implements SimCluster.ProcessFactory<Wire> {
  private final ShardKvSimOptions options;
  private final SimScheduler loop = new SimScheduler();
  private final SimRandom random;
  private final SimRandom diskCrashes;
  private final TraceDigest digest;
  private final SimNetwork<Wire> serverNet;
  private final SimNetwork<ClientWire> clientNet;
  private final SimDisk[] disks;
  private final ServerNode[] nodes;
  private final SimCluster<Wire> host;
  private final List<Consumer<ClientWire.Reply>> clientEndpoints = new ArrayList<>();
  private final List<String> traceLines = new ArrayList<>();
  private final int endpointCapacity;
  /** The group each spare hosts, -1 while it hosts none (index: node - seedServers). */
  private final int[] spareGid;
  private final int seedServers;
  /** Each group's server names as last given to the config center (membership changes update them). */
  private final java.util.TreeMap<Integer, List<String>> publishedNames = new java.util.TreeMap<>();
  /** Checks every Ready pass of a server (membership invariants), or null. */
  private Consumer<ServerNode> afterPass;

  public ShardKvWorld(ShardKvSimOptions options, int endpointCapacity) {
    this.options = options;
    this.endpointCapacity = endpointCapacity;
    this.random = new SimRandom(options.seed());
    this.diskCrashes = random.fork("disk-crashes");
    this.digest = new TraceDigest(3000, null);
    int servers = options.servers();
    this.serverNet = new SimNetwork<>(loop, random.fork("server-network"), digest, servers, Wire::describe, Wire::size);
    this.clientNet = new SimNetwork<>(loop, random.fork("client-network"), digest, servers + endpointCapacity,
        ClientWire::describe, w -> 64);
    clientNet.setReceiver(this::deliverClientWire);
    if (options.unreliableClients()) {
      // 6.824's unreliable network: requests and replies lost, duplicated and reordered.
      clientNet.setProfile(io.shardkv.server.sim.LinkProfile.RELIABLE.withDrop(0.1).withDuplicate(0.1).withDelay(1, 30));
    }
    this.seedServers = options.replicas() * (options.groups() + 1);
    this.spareGid = new int[servers - seedServers];
    java.util.Arrays.fill(spareGid, -1);
    this.disks = new SimDisk[servers];
    for (int n = 0; n < servers; n++) disks[n] = new SimDisk("disk of n" + n);
    this.nodes = new ServerNode[servers];
    this.host = new SimCluster<>(loop, random.fork("ticks"), digest, serverNet, options.tickMs(), this);
    host.startAll();
  }

  // ---- SimCluster.ProcessFactory ----

  @Override
  public SimCluster.Process<Wire> start(int node, int incarnation) {
    if (gidOf(node) < 0) {
      nodes[node] = null;
      return IDLE_SPARE;
    }
    ServerNode s = new ServerNode(this, node, incarnation, disks[node].open(),
        random.fork("n" + node + "/" + incarnation));
    nodes[node] = s;
    return s;
  }

  @Override
  public void crashed(int node) {
    nodes[node] = null;
    int kept = disks[node].crash(diskCrashes);
    digest.record(loop.now(), "n" + node, "disk-crash", "kept " + kept + " unsynced calls");
  }

  /** A spare that hosts no group: it has no replica to tick and answers nothing. */
  private static final SimCluster.Process<Wire> IDLE_SPARE = new SimCluster.Process<>() {
    @Override public void tick() { }
    @Override public void receive(int from, Wire message) { }
  };

  // ---- layout ----

  public ShardKvSimOptions options() { return options; }
  public SimScheduler loop() { return loop; }
  public TraceDigest digest() { return digest; }
  public SimRandom random() { return random; }
  public SimNetwork<Wire> serverNetwork() { return serverNet; }
  public SimNetwork<ClientWire> clientNetwork() { return clientNet; }
  public SimCluster<Wire> host() { return host; }
  public int servers() { return options.servers(); }

  /** The group {@code node} hosts a replica of; -1 for a spare that hosts none. */
  public int gidOf(int node) { return node < seedServers ? node / options.replicas() : spareGid[node - seedServers]; }

  /** Whether {@code node} is a spare (in no group's seed). */
  public boolean isSpare(int node) { return node >= seedServers; }

  /** The spares that host no group yet. */
  public List<Integer> idleSpares() {
    List<Integer> out = new ArrayList<>();
    for (int n = seedServers; n < servers(); n++) if (spareGid[n - seedServers] < 0) out.add(n);
    return out;
  }

  /**
   * {@code /host-replica} in the simulation: spare {@code node} starts an empty replica of {@code gid}
   * (fresh storage, the group's seed, itself not in it), which catches up once the leader adds it as a
   * learner. The spare's idle process is replaced by a server process (recorded as a crash and restart
   * of an empty disk).
   */
  void hostOnSpare(int node, int gid) {
    if (!isSpare(node) || spareGid[node - seedServers] >= 0) throw new IllegalStateException("n" + node + " is no idle spare");
    spareGid[node - seedServers] = gid;
    digest.record(loop.now(), "n" + node, "host-replica", "g" + gid);
    if (host.isUp(node)) host.crash(node);
    host.restart(node);
  }

  /** The servers that run a replica of {@code gid}: its seed members, then the spares hosting it. */
  public List<Integer> replicaServers(int gid) {
    List<Integer> m = members(gid);
    for (int n = seedServers; n < servers(); n++) if (spareGid[n - seedServers] == gid) m.add(n);
    return m;
  }

  /** {@code gid}'s server names as the config center was last given them (its seed members' at first). */
  public List<String> publishedNames(int gid) {
    List<String> names = publishedNames.get(gid);
    return names != null ? names : serverNames(gid);
  }

  void setPublishedNames(int gid, List<String> names) { publishedNames.put(gid, List.copyOf(names)); }

  void setAfterPass(Consumer<ServerNode> check) { afterPass = check; }

  /** Called by a server after each Ready pass and flush completion (see {@link #setAfterPass}). */
  void afterPass(ServerNode node) {
    if (afterPass != null) afterPass.accept(node);
  }

  public List<Integer> members(int gid) {
    List<Integer> m = new ArrayList<>();
    for (int i = 0; i < options.replicas(); i++) m.add(gid * options.replicas() + i);
    return m;
  }

  public List<String> serverNames(int gid) {
    List<String> names = new ArrayList<>();
    for (int n : members(gid)) names.add(serverName(n));
    return names;
  }

  public static String serverName(int node) { return "n" + node; }

  /** The node id of a server name ("n7" → 7), or -1 if it names no server of this world. */
  public int nodeOf(String server) {
    if (server == null || server.length() < 2 || server.charAt(0) != 'n') return -1;
    try {
      int n = Integer.parseInt(server.substring(1));
      return n >= 0 && n < servers() ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The live node, or null if crashed. */
  public ServerNode node(int n) { return nodes[n]; }

  /** The live, unpaused leader of {@code gid} in the highest term, or null. */
  public ServerNode leaderOf(int gid) {
    ServerNode best = null;
    for (int n : replicaServers(gid)) {
      ServerNode s = nodes[n];
      if (s != null && !host.isPaused(n) && s.replica().isLeader()
          && (best == null || s.replica().raft().term() > best.replica().raft().term())) {
        best = s;
      }
    }
    return best;
  }

  /** {@code gid}'s replica options: the shard groups with the production switches of {@code options.unsafe()}. */
  HostOptions hostOptions(int gid) {
    return io.shardkv.server.replica.PlantedBug.applyTo(hostOptions(), unsafe(gid));
  }

  /** The planted bugs {@code gid}'s servers run with: shard groups only (the config center stays correct, as in NodeServer). */
  java.util.Set<io.shardkv.server.replica.PlantedBug> unsafe(int gid) {
    return gid == io.shardkv.driver.routing.ShardRouter.CONFIG_CENTER_GID ? java.util.Set.of() : options.unsafe();
  }

  HostOptions hostOptions() {
    return HostOptions.defaults()
        .withRequestTimeoutTicks(50)
        .withSnapshotThresholdBytes(options.snapshotBytes())
        .withMigrationIntervalTicks(5)
        .withTrace(options.trace())
        .withSessionIdleMillis(options.sessionIdleMillis());
  }

  // ---- client endpoints ----

  /** Registers a client endpoint; returns its node id on the client network. */
  public int addClientEndpoint(Consumer<ClientWire.Reply> onReply) {
    if (clientEndpoints.size() >= endpointCapacity) {
      throw new IllegalStateException("more client endpoints than the " + endpointCapacity + " reserved");
    }
    clientEndpoints.add(onReply);
    return servers() + clientEndpoints.size() - 1;
  }

  private boolean deliverClientWire(int from, int to, ClientWire message) {
    if (to < servers()) {
      if (!host.isUp(to) || nodes[to] == null) return false; // crashed, or a spare hosting no group
      // Through the host so a paused server queues it (in this client's order) and a crash drops it.
      host.laterFrom(to, from, 0, () -> nodes[to].onClientWire(from, message));
      return true;
    }
    clientEndpoints.get(to - servers()).accept((ClientWire.Reply) message);
    return true;
  }

  // ---- trace ----

  public List<String> traceLines() { return traceLines; }

  void traceLine(String line) { traceLines.add(line); }
}
