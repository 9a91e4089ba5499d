package io.shardkv.server.sim.shardkv;

import io.shardkv.driver.client.StatusMembers;
import io.shardkv.driver.client.Wiring;
import io.shardkv.driver.protocol.Frame;
import io.shardkv.driver.protocol.FrameException;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.CallStep;
import io.shardkv.driver.routing.ClientCall;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.sim.SimScheduler;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A simulated client process: one {@link ShardRouter} (the same sans-IO routing and retry logic the
 * real driver uses) and one endpoint on the client network. It runs one operation at a time, plus
 * the config query that operation may need, doing exactly what each {@link CallStep} says with
 * virtual time: send, wait for the reply or the deadline, back off, fetch a config.
 */
final class CallRunner {
  /** One running call: the operation, or the config query it asked for. */
  private final class Slot {
    ClientCall call;
    Request request;
    Consumer<CallOutcome> done;
    SimScheduler.Timer wake;
  }

  /** An rpc in flight: attempt {@code attempt} of the slot's call, or (gid ≥ 0) its ask for group gid's members. */
  private record Attempt(Slot slot, int attempt, int membersOf) {}

  private final ShardKvWorld world;
  private final ShardRouter router;
  private final int endpoint;
  private final Slot main = new Slot();
  private final Slot query = new Slot();
  private final TreeMap<Long, Attempt> inFlight = new TreeMap<>();
  private long nextRpcId = 1;

  CallRunner(ShardKvWorld world, ShardRouter router) {
    this.world = world;
    this.router = router;
    this.endpoint = world.addClientEndpoint(this::onReply);
  }

  ShardRouter router() { return router; }

  boolean busy() { return main.call != null; }

  /** Runs a KV operation (the wire request built from the call's client id and seq by {@code request}). */
  void runKeyOp(String key, boolean write, java.util.function.LongFunction<Request> request,
                Consumer<CallOutcome> done) {
    ClientCall call = router.startKeyOp(key, write, world.loop().now());
    start(main, call, request.apply(call.seq()), done);
  }

  /**
   * Runs a KV operation given as the state machine's op (mapped onto its wire request). As the real
   * client: a write refused because its session expired, with nothing applied, runs once more as a
   * new call under the router's new client id (docs/sessions.md).
   */
  void runKeyOp(KvOp op, Consumer<CallOutcome> done) {
    runKeyOp(op.key(), op.isWrite(), seq -> requestOf(router.clientId(), seq, op), outcome -> {
      if (outcome.retryInNewSession()) {
        runKeyOp(op.key(), op.isWrite(), seq -> requestOf(router.clientId(), seq, op), done);
      } else {
        done.accept(outcome);
      }
    });
  }

  /** Runs a config-center operation (join/leave/move/query); an expired session as in {@link #runKeyOp(KvOp, Consumer)}. */
  void runConfigCenterOp(ConfigCenterOp op, Consumer<CallOutcome> done) {
    ClientCall call = router.startConfigCenterOp(op.isWrite(), world.loop().now());
    start(main, call, requestOf(router.clientId(), call.seq(), op), outcome -> {
      if (outcome.retryInNewSession()) {
        ClientCall again = router.startConfigCenterOp(op.isWrite(), world.loop().now());
        start(main, again, requestOf(router.clientId(), again.seq(), op), done);
      } else {
        done.accept(outcome);
      }
    });
  }

  private void start(Slot slot, ClientCall call, Request request, Consumer<CallOutcome> done) {
    if (slot.call != null) throw new IllegalStateException("client " + router.clientId() + " already runs a call");
    slot.call = call;
    slot.request = request;
    slot.done = done;
    drive(slot);
  }

  private void drive(Slot slot) {
    if (slot.call == null) return;
    long now = world.loop().now();
    CallStep step = slot.call.next(now);
    if (step instanceof CallStep.Send s) {
      long rpcId = nextRpcId++;
      inFlight.put(rpcId, new Attempt(slot, s.attempt(), -1));
      int to = world.nodeOf(s.server());
      if (to < 0) throw new IllegalStateException("routing chose unknown server '" + s.server() + "'");
      world.clientNetwork().send(endpoint, to, new ClientWire.Request(rpcId, slot.request));
      wakeAt(slot, s.replyDeadline());
    } else if (step instanceof CallStep.FetchMembers m) {
      // As the real client: a STATUS to the server that answered last (ShardKvClient, ConfigCenterMembers).
      long rpcId = nextRpcId++;
      inFlight.put(rpcId, new Attempt(slot, 0, m.gid()));
      int to = world.nodeOf(m.server());
      if (to < 0) throw new IllegalStateException("routing asked unknown server '" + m.server() + "' for members");
      world.clientNetwork().send(endpoint, to, new ClientWire.Request(rpcId, new Request.NodeStatus()));
      wakeAt(slot, m.replyDeadline());
    } else if (step instanceof CallStep.AwaitReply a) {
      wakeAt(slot, a.replyDeadline());
    } else if (step instanceof CallStep.WaitUntil w) {
      wakeAt(slot, w.wakeAt());
    } else if (step instanceof CallStep.FetchConfig) {
      if (query.call == null) {
        ClientCall q = router.startConfigQuery(now);
        start(query, q, new Request.Query(Request.Query.LATEST), outcome -> {
          ShardConfig cfg = configOf(outcome);
          if (main.call != null) {
            main.call.onConfigFetched(cfg, world.loop().now());
            drive(main);
          }
        });
      }
    } else if (step instanceof CallStep.Finish f) {
      if (slot.wake != null) slot.wake.cancel();
      Consumer<CallOutcome> done = slot.done;
      slot.call = null;
      slot.request = null;
      slot.done = null;
      slot.wake = null;
      inFlight.values().removeIf(a -> a.slot() == slot);
      done.accept(f.outcome());
    }
  }

  private void wakeAt(Slot slot, long time) {
    if (slot.wake != null) slot.wake.cancel();
    slot.wake = world.loop().at(Math.max(time, world.loop().now()), () -> {
      slot.wake = null;
      drive(slot);
    });
  }

  private void onReply(ClientWire.Reply reply) {
    Attempt a = inFlight.remove(reply.rpcId());
    if (a == null || a.slot().call == null) return; // duplicate, or the call is over
    Slot slot = a.slot();
    long now = world.loop().now();
    // As the real client (ShardKvClient): the wire status in routing terms, the leader's address as
    // the hint. The answer's wire encoding is the outcome's payload (see answerOf).
    Response r = reply.response();
    if (a.membersOf() >= 0) {
      slot.call.onMembersFetched(r.result() instanceof Result.Info i ? StatusMembers.of(i.entries(), a.membersOf())
          : java.util.List.of(), now);
      drive(slot);
      return;
    }
    Status status = r.status().retryAs();
    String hint = r.result() instanceof Result.LeaderHint h && !h.address().isEmpty() ? h.address() : null;
    byte[] payload = status.isRoutingRetry() ? null : MessageCodec.encode(reply.rpcId(), r).payload();
    slot.call.onReply(a.attempt(), status, hint, payload, now);
    drive(slot);
  }

  /** The wire request for a KV op. */
  static Request requestOf(long clientId, long seq, KvOp op) {
    if (op instanceof KvOp.Get g) return new Request.Get(clientId, seq, g.key());
    if (op instanceof KvOp.Put p) return new Request.Put(clientId, seq, p.key(), p.value());
    if (op instanceof KvOp.Append x) return new Request.Append(clientId, seq, x.key(), x.value());
    if (op instanceof KvOp.Cas c) return new Request.Cas(clientId, seq, c.key(), c.expected(), c.value());
    if (op instanceof KvOp.Delete d) return new Request.Delete(clientId, seq, d.key());
    throw new IllegalArgumentException("no wire request for " + op);
  }

  /** The wire request for a config-center op. */
  static Request requestOf(long clientId, long seq, ConfigCenterOp op) {
    if (op instanceof ConfigCenterOp.Join j) return new Request.Join(clientId, seq, j.groups());
    if (op instanceof ConfigCenterOp.Leave l) return new Request.Leave(clientId, seq, l.gids());
    if (op instanceof ConfigCenterOp.Move m) return new Request.Move(clientId, seq, m.shard(), m.gid());
    if (op instanceof ConfigCenterOp.Query q) return new Request.Query(q.num());
    throw new IllegalArgumentException("no wire request for " + op);
  }

  /** The server's answer to a completed call whose request had frame type {@code requestType}, or null. */
  static Response answerOf(CallOutcome o, FrameType requestType) {
    if (o.kind() != CallOutcome.Kind.COMPLETED || o.payload() == null) return null;
    try {
      return (Response) MessageCodec.decode(new Frame(requestType.replyType(), 0, o.payload()));
    } catch (FrameException e) {
      throw new IllegalStateException("the answer to a " + requestType + " does not decode", e);
    }
  }

  /** A completed get's value, or null for NOT_FOUND (or a get that did not complete). */
  static String valueOf(CallOutcome o) {
    Response r = answerOf(o, FrameType.GET);
    return r != null && r.result() instanceof Result.Value v ? v.value() : null;
  }

  /** The config a config-center query answered, or null. */
  static ShardConfig configOf(CallOutcome o) {
    Response r = answerOf(o, FrameType.QUERY);
    return r != null && r.result() instanceof Result.Config c ? Wiring.toShardConfig(c.config()) : null;
  }
}
