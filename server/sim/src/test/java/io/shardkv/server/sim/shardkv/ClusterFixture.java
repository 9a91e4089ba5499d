package io.shardkv.server.sim.shardkv;

import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.shardkv.MigrationPlanner;
import io.shardkv.server.shardkv.ShardKvStateMachine;
import io.shardkv.server.sim.FaultKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeMap;

/**
 * A simulated sharded cluster driven step by step from a test: synchronous-looking client calls
 * (each runs the event loop until the call finishes), admin operations, crashes and partitions.
 * Everything runs in simulated time from one seed.
 */
final class ClusterFixture {
  final ShardKvWorld world;
  private int nextClient;

  ClusterFixture(long seed, int groups, int replicas, int shards, long snapshotBytes) {
    this(new ShardKvSimOptions(seed, groups, replicas, 0, shards, 1, 0,
        EnumSet.noneOf(FaultKind.class), false, false, snapshotBytes, 10, 30_000, false, 0.1));
  }

  /** A world built from {@code o} exactly (e.g. {@link ShardKvSimOptions#withUnshardedKv()}). */
  ClusterFixture(ShardKvSimOptions o) {
    this.world = new ShardKvWorld(o, 64);
  }

  /** A routed client (its own id, config cache and leader trackers). */
  final class Client {
    final CallRunner runner;

    Client() {
      runner = new CallRunner(world, new ShardRouter(5000L + nextClient++,
          world.serverNames(ShardRouter.CONFIG_CENTER_GID), WorkloadClient.POLICY));
    }

    CallOutcome op(KvOp op) {
      CallOutcome[] out = new CallOutcome[1];
      runner.runKeyOp(op, o -> out[0] = o);
      world.loop().runUntil(() -> out[0] != null, world.loop().now() + 60_000);
      if (out[0] == null) throw new AssertionError("call did not finish within 60 simulated seconds: " + op);
      return out[0];
    }

    /** Retries {@code op} (new seq each time) until COMPLETED or {@code withinMs} passes. */
    CallOutcome opUntilDone(KvOp op, long withinMs) {
      long deadline = world.loop().now() + withinMs;
      CallOutcome o = op(op);
      while (o.kind() == CallOutcome.Kind.FAILED && world.loop().now() < deadline) {
        o = op(op);
      }
      return o;
    }

    void put(String k, String v) { expectOk(op(new KvOp.Put(k, v)), "put " + k); }

    void append(String k, String v) { expectOk(op(new KvOp.Append(k, v)), "append " + k); }

    /** The value, or null for NOT_FOUND; fails the test if the get does not complete. */
    String get(String k) {
      CallOutcome o = op(new KvOp.Get(k));
      if (o.kind() != CallOutcome.Kind.COMPLETED) throw new AssertionError("get " + k + " did not complete: " + o);
      return CallRunner.valueOf(o);
    }

    ShardConfig query(int num) {
      CallOutcome[] out = new CallOutcome[1];
      runner.runConfigCenterOp(new ConfigCenterOp.Query(num), o -> out[0] = o);
      world.loop().runUntil(() -> out[0] != null, world.loop().now() + 60_000);
      ShardConfig c = out[0] == null ? null : CallRunner.configOf(out[0]);
      if (c == null) throw new AssertionError("query " + num + " failed: " + out[0]);
      return c;
    }

    void admin(ConfigCenterOp op) {
      CallOutcome[] out = new CallOutcome[1];
      runner.runConfigCenterOp(op, o -> out[0] = o);
      world.loop().runUntil(() -> out[0] != null, world.loop().now() + 60_000);
      if (out[0] == null || out[0].kind() != CallOutcome.Kind.COMPLETED) {
        throw new AssertionError(op + " did not complete: " + out[0]);
      }
    }

    private void expectOk(CallOutcome o, String what) {
      if (o.kind() != CallOutcome.Kind.COMPLETED) throw new AssertionError(what + " did not complete: " + o);
    }
  }

  Client client() { return new Client(); }

  /** The wire responses to {@link #rawRequest}s, in arrival order. */
  final List<Response> rawReplies = new ArrayList<>();
  private int rawEndpoint = -1;
  private long rawRpc = 1;

  /** Hands a KV request straight to server {@code node} (bypassing routing); replies land in rawReplies. */
  void rawRequest(int node, long clientId, long seq, KvOp op) {
    if (rawEndpoint < 0) rawEndpoint = world.addClientEndpoint(r -> rawReplies.add(r.response()));
    world.clientNetwork().send(rawEndpoint, node, new ClientWire.Request(rawRpc++,
        CallRunner.requestOf(clientId, seq, op)));
  }

  /**
   * True when {@code r} is the operation's own answer (the host executed it, or evaluated the read):
   * anything but WRONG_LEADER (this attempt did not and will not take effect) and TIMEOUT (its fate
   * is unknown), the two answers a replica gives without executing.
   */
  static boolean executed(Response r) {
    return r.status() != io.shardkv.driver.routing.Status.WRONG_LEADER
        && r.status() != io.shardkv.driver.routing.Status.TIMEOUT;
  }

  void join(int... gids) {
    TreeMap<Integer, List<String>> m = new TreeMap<>();
    for (int g : gids) m.put(g, world.serverNames(g));
    client().admin(new ConfigCenterOp.Join(m));
  }

  void leave(int... gids) {
    List<Integer> l = new ArrayList<>();
    for (int g : gids) l.add(g);
    client().admin(new ConfigCenterOp.Leave(l));
  }

  void runFor(long ms) { world.loop().runFor(ms); }

  /** Runs until every live group leader is at config {@code num} with nothing moving. */
  boolean settle(int num, long withinMs) {
    return world.loop().runUntil(() -> allSettledAt(num), world.loop().now() + withinMs);
  }

  boolean allSettledAt(int num) {
    for (int g = 1; g <= world.options().groups(); g++) {
      ServerNode l = world.leaderOf(g);
      if (l == null) return false;
      ShardKvStateMachine sm = l.shardStateMachine();
      if (sm.currentConfig().num() < num || !MigrationPlanner.plan(sm).settled()) return false;
    }
    return true;
  }

  void crashGroup(int gid) {
    for (int n : world.members(gid)) if (world.host().isUp(n)) world.host().crash(n);
  }

  void restartGroup(int gid) {
    for (int n : world.members(gid)) if (!world.host().isUp(n)) world.host().restart(n);
  }

  void crashAll() {
    for (int n = 0; n < world.servers(); n++) if (world.host().isUp(n)) world.host().crash(n);
  }

  void restartAll() {
    for (int n = 0; n < world.servers(); n++) if (!world.host().isUp(n)) world.host().restart(n);
  }

  /** Keys stored across every live replica's leader view: key count per group leader. */
  int storedKeysOnLeaders() {
    int n = 0;
    for (int g = 1; g <= world.options().groups(); g++) {
      ServerNode l = world.leaderOf(g);
      if (l != null) n += l.shardStateMachine().storedKeyCount();
    }
    return n;
  }
}
