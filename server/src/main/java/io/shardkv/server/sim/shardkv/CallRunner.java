package io.shardkv.server.sim.shardkv;

import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.CallStep;
import io.shardkv.driver.routing.ClientCall;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.replica.ClientReply;
import io.shardkv.server.shardctrler.CtrlCodec;
import io.shardkv.server.shardctrler.CtrlCommand;
import io.shardkv.server.shardctrler.CtrlOp;
import io.shardkv.server.shardctrler.CtrlResult;
import io.shardkv.server.sim.EventLoop;
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
    byte[] request;
    boolean controller;
    Consumer<CallOutcome> done;
    EventLoop.Timer wake;
  }

  private record Attempt(Slot slot, int attempt) {}

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

  /** Runs a KV operation (request built by {@code request} from the call's seq). */
  void runKeyOp(String key, boolean write, java.util.function.LongFunction<byte[]> request,
                Consumer<CallOutcome> done) {
    ClientCall call = router.startKeyOp(key, write, world.loop().now());
    start(main, call, request.apply(call.seq()), false, done);
  }

  /** Runs a config-center operation (join/leave/move/query). */
  void runControllerOp(CtrlOp op, Consumer<CallOutcome> done) {
    ClientCall call = router.startControllerOp(op.isWrite(), world.loop().now());
    byte[] cmd = CtrlCodec.encodeCommand(new CtrlCommand(router.clientId(), call.seq(), op));
    start(main, call, cmd, true, done);
  }

  private void start(Slot slot, ClientCall call, byte[] request, boolean controller, Consumer<CallOutcome> done) {
    if (slot.call != null) throw new IllegalStateException("client " + router.clientId() + " already runs a call");
    slot.call = call;
    slot.request = request;
    slot.controller = controller;
    slot.done = done;
    drive(slot);
  }

  private void drive(Slot slot) {
    if (slot.call == null) return;
    long now = world.loop().now();
    CallStep step = slot.call.next(now);
    if (step instanceof CallStep.Send s) {
      long rpcId = nextRpcId++;
      inFlight.put(rpcId, new Attempt(slot, s.attempt()));
      int to = world.nodeOf(s.server());
      if (to < 0) throw new IllegalStateException("routing chose unknown server '" + s.server() + "'");
      world.clientNetwork().send(endpoint, to, new ClientWire.Request(rpcId, slot.request));
      wakeAt(slot, s.replyDeadline());
    } else if (step instanceof CallStep.AwaitReply a) {
      wakeAt(slot, a.replyDeadline());
    } else if (step instanceof CallStep.WaitUntil w) {
      wakeAt(slot, w.wakeAt());
    } else if (step instanceof CallStep.FetchConfig) {
      if (query.call == null) {
        ClientCall q = router.startConfigQuery(now);
        byte[] cmd = CtrlCodec.encodeCommand(new CtrlCommand(router.clientId(), q.seq(), new CtrlOp.Query(-1)));
        start(query, q, cmd, true, outcome -> {
          ShardConfig cfg = null;
          if (outcome.kind() == CallOutcome.Kind.COMPLETED && outcome.payload() != null) {
            cfg = CtrlCodec.decodeResult(outcome.payload()).config();
          }
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
    ClientReply r = reply.reply();
    if (r instanceof ClientReply.Result res) {
      Status status = slot.controller ? CtrlCodec.decodeResult(res.result()).status()
          : KvCodec.decodeResult(res.result()).status();
      slot.call.onReply(a.attempt(), status, null, res.result(), now);
    } else if (r instanceof ClientReply.NotLeader nl) {
      String hint = nl.leaderHint() >= 0 ? ShardKvWorld.serverName(nl.leaderHint()) : null;
      slot.call.onReply(a.attempt(), Status.WRONG_LEADER, hint, null, now);
    } else {
      slot.call.onReply(a.attempt(), Status.TIMEOUT, null, null, now);
    }
    drive(slot);
  }

  /** The config a controller query answered, or null. */
  static ShardConfig configOf(CallOutcome o) {
    if (o.kind() != CallOutcome.Kind.COMPLETED || o.payload() == null) return null;
    CtrlResult r = CtrlCodec.decodeResult(o.payload());
    return r.config();
  }
}
