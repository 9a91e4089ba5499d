package io.shardkv.server.sim.shardkv;

import io.shardkv.driver.client.StatusMembers;
import io.shardkv.driver.client.Wiring;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.LeaderTracker;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.server.kv.KvStateMachine;
import io.shardkv.server.raft.RaftConfig;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.TraceSink;
import io.shardkv.server.frontdoor.FrontDoor;
import io.shardkv.server.replica.ClientReply;
import io.shardkv.server.replica.HostedService;
import io.shardkv.server.replica.ReplicaHost;
import io.shardkv.server.replica.ReplicaOutputs;
import io.shardkv.server.replica.Services;
import io.shardkv.server.configcenter.ConfigCenterStateMachine;
import io.shardkv.server.shardkv.MigrationRpc;
import io.shardkv.server.shardkv.ShardGroupOutputs;
import io.shardkv.server.shardkv.ShardGroupService;
import io.shardkv.server.shardkv.ShardKvStateMachine;
import io.shardkv.server.sim.SimCluster;
import io.shardkv.server.sim.SimRandom;
import java.util.List;
import java.util.TreeMap;

/**
 * One incarnation of a simulated server: a {@link ReplicaHost} on a {@code SimDisk} session, wired to
 * the simulated networks as its {@link ReplicaOutputs}. Flushes take simulated time (1–5 ms) and are
 * lost if the node crashes first. Client requests arrive as the wire protocol's typed requests and
 * pass through the same {@link FrontDoor} as on the real server ({@code process.NodeServer}), so a
 * sweep covers the request → command → response translation production runs. Request ids given to
 * the host are this node's own, mapped back to where the answer must go (a client on the client
 * network, or a shard group's config query). Inputs are coalesced into Ready passes like on the real
 * server ({@link #deferReadyPass()}).
 */
public final class ServerNode implements SimCluster.Process<Wire>, ReplicaOutputs, ShardGroupOutputs {
  /** Where an answer goes, and the frame type of the request it answers. */
  private record Route(boolean configQuery, int node, long rpcId, FrameType type) {}

  private final ShardKvWorld world;
  private final int id;
  private final int gid;
  private final RaftStorage storage;
  private final SimRandom diskLatency;
  private final ReplicaHost replica;
  private final FrontDoor frontDoor;
  private final TreeMap<Long, Route> routes = new TreeMap<>();
  private final ShardKvStateMachine shardSm;
  private final ConfigCenterStateMachine configCenterSm;
  private final KvStateMachine kvSm;
  private long nextRequestId = 1;
  private long nextQueryId = 1;
  private long nextFreshClientId = 1;
  /**
   * A shard group's line to the config center, as the real server's {@code ConfigCenterQueries}: the
   * driver's {@link LeaderTracker} over the center's seed members, following hints to any server and,
   * out of leads, asking a server that answered for the members it knows. Created on first use.
   */
  private LeaderTracker centerTracker;
  /** The config-center server the query in flight went to, or null; and that query's id. */
  private String queryOut;
  private long queryOutId;
  /** Leader only: when (simulated ms) each member last answered within a CheckQuorum round, as {@code HostedReplica} tracks it. */
  private final TreeMap<Integer, Long> lastActiveMillis = new TreeMap<>();

  ServerNode(ShardKvWorld world, int id, int incarnation, RaftStorage storage, SimRandom random) {
    this.world = world;
    this.id = id;
    this.gid = world.gidOf(id);
    this.storage = storage;
    this.diskLatency = random.fork("disk-latency");
    HostedService service;
    // A shard group's migrations and config polling live in its service (shardkv), not in the host.
    if (gid == ShardRouter.CONFIG_CENTER_GID) {
      configCenterSm = new ConfigCenterStateMachine(world.options().shards());
      shardSm = null;
      kvSm = null;
      service = Services.configCenter(configCenterSm);
    } else if (world.options().unshardedKv()) {
      configCenterSm = null;
      shardSm = null;
      kvSm = new KvStateMachine();
      service = Services.kv(kvSm);
    } else {
      configCenterSm = null;
      kvSm = null;
      shardSm = new ShardKvStateMachine(gid, world.options().shards());
      service = new ShardGroupService(shardSm, this, world.hostOptions(gid).migrationIntervalTicks());
    }
    // As the real server (HostedReplica): a spare's replica is joining, not in its group's seed.
    List<Integer> seed = world.members(gid);
    RaftConfig base = seed.contains(id) ? RaftConfig.of(gid, id, seed) : RaftConfig.joining(gid, id, seed);
    RaftConfig cfg = io.shardkv.server.replica.PlantedBug.applyTo(base
        .withElectionTimeout(10, 20).withHeartbeatTicks(2).withSnapshotChunkBytes(16 * 1024), world.unsafe(gid));
    SimRandom timeouts = random.fork("election-timeouts");
    this.replica = new ReplicaHost(cfg, storage, timeouts::nextInt, TraceSink.NONE, service, this,
        world.hostOptions(gid), incarnation);
    replica.setTime(world.loop().now());
    // TEST-ONLY (unsafeDisableDedup): client ids no real client uses (real ones are below 2^40 here).
    long freshBase = 1_000_000_000_000L * (id + 1);
    this.frontDoor = new FrontDoor(gid == ShardRouter.CONFIG_CENTER_GID ? FrontDoor.Kind.CONFIG_CENTER : FrontDoor.Kind.KEY_VALUE,
        id, gid, n -> n >= 0 && n < world.servers() ? ShardKvWorld.serverName(n) : null,
        world.options().unsafeDisableDedup() ? () -> freshBase + nextFreshClientId++ : null);
  }

  public ReplicaHost replica() { return replica; }
  public int id() { return id; }
  public int gid() { return gid; }
  /** The shard group's state machine (null on a config-center server). */
  public ShardKvStateMachine shardStateMachine() { return shardSm; }
  /** The unsharded KV store's state machine (null unless {@code unshardedKv}). */
  public KvStateMachine kvStateMachine() { return kvSm; }
  /** The config center's state machine (null on a shard group's server). */
  public ConfigCenterStateMachine configCenterStateMachine() { return configCenterSm; }

  // ---- SimCluster.Process ----

  @Override
  public void tick() {
    replica.setTime(world.loop().now());
    replica.tick();
    var raft = replica.raft();
    if (raft.role() == io.shardkv.server.raft.Role.LEADER) {
      for (int peer : raft.membership().all()) if (raft.recentlyActive(peer)) lastActiveMillis.put(peer, world.loop().now());
    } else {
      lastActiveMillis.clear();
    }
  }

  /**
   * Leader only: whether {@code peer} answered within the last {@code windowMillis} (the quorum guard
   * of a voter's removal, as the real server's {@code HostedReplica.heardFromWithin}); itself always did.
   */
  boolean heardFromWithin(int peer, long windowMillis) {
    if (peer == id) return true;
    Long t = lastActiveMillis.get(peer);
    return t != null && world.loop().now() - t <= windowMillis;
  }

  @Override
  public void receive(int from, Wire message) {
    replica.setTime(world.loop().now());
    if (message instanceof Wire.Raft r) {
      replica.onPeerMessage(r.message());
    } else if (message instanceof Wire.Migration m) {
      MigrationRpc rpc;
      try {
        rpc = MigrationRpc.decode(m.rpc());
      } catch (DecodeException e) {
        throw new IllegalStateException("n" + id + ": undecodable migration message from " + m.fromServer(), e);
      }
      if (replica.service() instanceof ShardGroupService g) {
        g.onGroupMessage(m.fromServer(), rpc);
      }
    } else if (message instanceof Wire.ConfigQuery q) {
      admit(true, from, q.rpcId(), q.query());
    } else if (message instanceof Wire.ConfigAnswer a) {
      onConfigAnswer(ShardKvWorld.serverName(from), a.rpcId(), a.response());
    }
  }

  /**
   * As the real server's {@code ConfigCenterQueries}: only an OK answer carrying a configuration is
   * delivered; a WRONG_LEADER's hint is followed, to a server outside the seed too (seed 1 of
   * {@code --membership}); a STATUS answer gives the members its sender knows (seed 5847).
   */
  private void onConfigAnswer(String server, long rpcId, Response r) {
    boolean current = centerTracker != null && queryOut != null && rpcId == queryOutId;
    if (!current) {
      // A late answer (its query already counted as unanswered): a configuration is still news.
      if (r.status() == io.shardkv.driver.routing.Status.OK && r.result() instanceof Result.Config c
          && replica.service() instanceof ShardGroupService g) {
        g.onConfigFetched(Wiring.toShardConfig(c.config()));
      }
      return;
    }
    queryOut = null;
    if (r.result() instanceof Result.Info info) {
      centerTracker.onMembers(StatusMembers.of(info.entries(), ShardRouter.CONFIG_CENTER_GID));
    } else if (r.status() == io.shardkv.driver.routing.Status.OK && r.result() instanceof Result.Config c) {
      centerTracker.onLeaderAnswered(server);
      if (replica.service() instanceof ShardGroupService g) {
        g.onConfigFetched(Wiring.toShardConfig(c.config()));
      }
    } else if (r.status() == io.shardkv.driver.routing.Status.WRONG_LEADER) {
      centerTracker.onWrongLeader(server, r.result() instanceof Result.LeaderHint h ? h.address() : null);
    } else {
      centerTracker.onNoAnswer(server);
    }
  }

  /** A request from a client endpoint. */
  void onClientWire(int from, ClientWire message) {
    if (!(message instanceof ClientWire.Request r)) return;
    replica.setTime(world.loop().now());
    admit(false, from, r.rpcId(), r.request());
  }

  /** The front door decides: answered at once, or handed to the host as its command. */
  private void admit(boolean configQuery, int from, long rpcId, Request request) {
    if (request instanceof Request.NodeStatus) {
      send(new Route(configQuery, from, rpcId, request.frameType()),
          new Response(io.shardkv.driver.protocol.FrameType.STATUS, io.shardkv.driver.routing.Status.OK, Result.Info.of(status())));
      return;
    }
    FrontDoor.Admission a = frontDoor.admit(request);
    if (a instanceof FrontDoor.Admission.Answer answer) {
      send(new Route(configQuery, from, rpcId, request.frameType()), answer.response());
      return;
    }
    long requestId = nextRequestId++;
    routes.put(requestId, new Route(configQuery, from, rpcId, request.frameType()));
    replica.onClientRequest(requestId, ((FrontDoor.Admission.Command) a).command());
  }

  /**
   * The STATUS keys a client reads, as the real server's ({@code NodeServer}, one replica): above all
   * {@code members}, the group's members as this replica's Raft configuration has them (a removed
   * member: the last configuration it applied), by their client addresses.
   */
  private java.util.Map<String, String> status() {
    var raft = replica.raft();
    java.util.Map<String, String> m = new TreeMap<>();
    m.put("node", String.valueOf(id));
    m.put("group", String.valueOf(gid));
    m.put("role", raft.role().name());
    m.put("leader", String.valueOf(raft.leaderId()));
    m.put("leader_address", raft.leaderId() >= 0 ? ShardKvWorld.serverName(raft.leaderId()) : "");
    var members = raft.membership();
    List<Integer> ids = new java.util.ArrayList<>(members.voters());
    ids.addAll(members.learners());
    m.put("members", String.join(",", ids.stream().map(ShardKvWorld::serverName).toList()));
    return m;
  }

  private void send(Route route, Response response) {
    if (route.configQuery()) {
      world.serverNetwork().send(id, route.node(), new Wire.ConfigAnswer(route.rpcId(), response));
    } else {
      world.clientNetwork().send(id, route.node(), new ClientWire.Reply(route.rpcId(), response));
    }
  }

  // ---- ReplicaOutputs, ShardGroupOutputs ----

  @Override
  public void sendPeer(RaftMessage message) {
    world.serverNetwork().send(id, message.to(), new Wire.Raft(message));
  }

  @Override
  public void reply(ClientReply reply) {
    Route route = routes.remove(reply.requestId());
    if (route == null) {
      throw new IllegalStateException("n" + id + ": a second answer to request " + reply.requestId() + ": " + reply);
    }
    send(route, frontDoor.respond(route.type(), reply));
  }

  /**
   * Input coalescing as on the real server ({@code HostedReplica}): the Ready pass runs as a later
   * event at the same simulated instant, after the events already due then, so inputs that arrive
   * together share one Ready. A crash drops the pass with the incarnation; a pause delays it.
   */
  @Override
  public boolean deferReadyPass() {
    world.host().later(id, 0, () -> {
      replica.setTime(world.loop().now());
      replica.runReadyPass();
      world.afterPass(this);
    });
    return true;
  }

  @Override
  public void requestFlush(io.shardkv.server.raft.RaftStorage.FlushBatch batch) {
    long latency = diskLatency.between(1, 5);
    world.host().later(id, latency, () -> {
      batch.sync();
      replica.setTime(world.loop().now());
      replica.onStorageFlushed();
      world.afterPass(this);
    });
  }

  @Override
  public void sendGroupMessage(String server, MigrationRpc message) {
    int to = world.nodeOf(server);
    if (to < 0) {
      throw new IllegalStateException("n" + id + ": migration message to unknown server '" + server + "'");
    }
    world.serverNetwork().send(id, to, new Wire.Migration(ShardKvWorld.serverName(id), MigrationRpc.encode(message)));
  }

  @Override
  public void relayToLeader(MigrationRpc message) {
    int leader = replica.raft().leaderId();
    if (leader >= 0 && leader != id) sendGroupMessage(ShardKvWorld.serverName(leader), message);
  }

  @Override
  public void fetchConfig(int num) {
    // The config center's seed members, as the real server polls its config file's addresses, and the
    // servers its answers lead to (ConfigCenterQueries). A query still unanswered counts as no answer.
    if (centerTracker == null) {
      centerTracker = new LeaderTracker(world.members(ShardRouter.CONFIG_CENTER_GID).stream().map(ShardKvWorld::serverName).toList());
    }
    if (queryOut != null) {
      centerTracker.onNoAnswer(queryOut);
      queryOut = null;
    }
    String ask = centerTracker.membersSource();
    String to = ask != null ? ask : centerTracker.current();
    queryOut = to;
    queryOutId = nextQueryId++;
    world.serverNetwork().send(id, world.nodeOf(to), new Wire.ConfigQuery(queryOutId,
        ask != null ? new Request.NodeStatus() : new Request.Query(num)));
  }

  @Override
  public void trace(String line) {
    world.traceLine(line);
  }

  @Override
  public void fatal(Throwable cause) {
    throw new IllegalStateException("n" + id + ": storage failure in the simulation", cause);
  }

}
