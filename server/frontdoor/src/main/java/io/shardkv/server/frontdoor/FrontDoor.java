package io.shardkv.server.frontdoor;

import io.shardkv.driver.client.Wiring;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.configcenter.ConfigCenterCodec;
import io.shardkv.server.configcenter.ConfigCenterCommand;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.configcenter.ConfigCenterResult;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.replica.ClientReply;
import io.shardkv.server.replica.ReplicaHost;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * The one front door of a node's hosted service: turns a client's wire {@link Request} into the
 * service's command for {@link ReplicaHost#onClientRequest}, and the host's {@link ClientReply} back
 * into the wire {@link Response}. The real server ({@code process.NodeServer}) and the simulator's
 * server node ({@code sim.shardkv.ServerNode}) both use it, so seed sweeps run the translation
 * production runs. Pure and deterministic: no I/O, no clock; the only choice it makes that is not a
 * function of its inputs (the test-only fresh client ids) comes from the supplier its owner gives it.
 *
 * <p>Contract (docs/protocol.md §6): a request the service cannot take is answered at once with a
 * definite BAD_REQUEST ({@link Admission.Answer}); every other request becomes exactly one command
 * ({@link Admission.Command}), answered later from the host's reply. WRONG_LEADER carries the
 * leader's address when the replica knows it; an indeterminate host reply is TIMEOUT.
 */
public final class FrontDoor {
  /** Which service sits behind the door. */
  public enum Kind {
    /** The config center (group 0): JOIN, LEAVE, MOVE, QUERY. */
    CONFIG_CENTER,
    /** A shard group, or the unsharded KV store: GET, PUT, APPEND, CAS, DELETE, SCAN. */
    KEY_VALUE
  }

  /** What to do with one request. */
  public sealed interface Admission {
    /** Hand {@code command} (the service's command encoding) to the host. */
    record Command(byte[] command) implements Admission {}

    /** Answer {@code response} at once; the host never sees the request. */
    record Answer(Response response) implements Admission {}
  }

  private final Kind kind;
  private final int nodeId;
  private final int group;
  private final IntFunction<String> addressOf;
  private final LongSupplier freshClientIds;

  /**
   * @param addressOf      a node id's client address, or null if unknown (for WRONG_LEADER hints)
   * @param freshClientIds TEST-ONLY (unsafe-disable-dedup): when non-null, every write of a
   *                       key-value service is given a client id from it that nobody used, so the
   *                       dedup table cannot recognise a retry; null in every correct configuration
   */
  public FrontDoor(Kind kind, int nodeId, int group, IntFunction<String> addressOf, LongSupplier freshClientIds) {
    this.kind = kind;
    this.nodeId = nodeId;
    this.group = group;
    this.addressOf = addressOf;
    this.freshClientIds = kind == Kind.KEY_VALUE ? freshClientIds : null;
  }

  public Kind kind() { return kind; }

  /** True when the test-only unsafe-disable-dedup rewriting is on. */
  public boolean dedupDisabled() { return freshClientIds != null; }

  /** Classifies {@code request}; never throws. */
  public Admission admit(Request request) {
    try {
      return new Admission.Command(kind == Kind.CONFIG_CENTER ? configCenterCommand(request) : kvCommand(request));
    } catch (IllegalArgumentException e) {
      return new Admission.Answer(Response.error(request.frameType(), Status.BAD_REQUEST, e.getMessage()));
    }
  }

  private byte[] kvCommand(Request r) {
    if (r instanceof Request.Scan sc) return ScanWire.command(sc);
    KvCommand cmd;
    if (r instanceof Request.Get g) cmd = new KvCommand(g.clientId(), g.seq(), new KvOp.Get(g.key()));
    else if (r instanceof Request.Put p) cmd = new KvCommand(p.clientId(), p.seq(), new KvOp.Put(p.key(), p.value()));
    else if (r instanceof Request.Append a) cmd = new KvCommand(a.clientId(), a.seq(), new KvOp.Append(a.key(), a.value()));
    else if (r instanceof Request.Cas x) cmd = new KvCommand(x.clientId(), x.seq(), new KvOp.Cas(x.key(), x.expected(), x.value()));
    else if (r instanceof Request.Delete d) cmd = new KvCommand(d.clientId(), d.seq(), new KvOp.Delete(d.key()));
    else throw new IllegalArgumentException(r.frameType() + " goes to a config-center node (group 0); node "
          + nodeId + " serves shard group " + group);
    if (freshClientIds != null && cmd.op().isWrite()) {
      // TEST-ONLY: a client id nobody used, so the dedup table cannot recognise a retry.
      cmd = new KvCommand(freshClientIds.getAsLong(), 1, cmd.op());
    }
    return KvCodec.encodeCommand(cmd);
  }

  private byte[] configCenterCommand(Request r) {
    ConfigCenterCommand cmd;
    if (r instanceof Request.Join j) cmd = new ConfigCenterCommand(j.clientId(), j.seq(), new ConfigCenterOp.Join(j.groups()));
    else if (r instanceof Request.Leave l) cmd = new ConfigCenterCommand(l.clientId(), l.seq(), new ConfigCenterOp.Leave(l.groupIds()));
    else if (r instanceof Request.Move m) cmd = new ConfigCenterCommand(m.clientId(), m.seq(), new ConfigCenterOp.Move(m.shard(), m.groupId(), m.force()));
    else if (r instanceof Request.Query q) {
      if (q.configNum() < -1 || q.configNum() > Integer.MAX_VALUE) throw new IllegalArgumentException("configuration number " + q.configNum() + " out of range");
      cmd = new ConfigCenterCommand(0, 0, new ConfigCenterOp.Query((int) q.configNum()));
    } else throw new IllegalArgumentException(r.frameType() + " goes to a shard-group node; node " + nodeId
          + " is a config-center node (group 0): ask it for the configuration (QUERY) first");
    return ConfigCenterCodec.encodeCommand(cmd);
  }

  /**
   * The wire answer to a request of frame {@code type} that the host answered with {@code reply}.
   *
   * @throws RuntimeException if the host's result does not decode (a bug; the real server answers
   *                          SERVER_ERROR, the simulator stops the run)
   */
  public Response respond(FrameType type, ClientReply reply) {
    return respond(type, reply, false);
  }

  /**
   * As {@link #respond(FrameType, ClientReply)}; when {@code askServed} (the request asked for it,
   * docs/protocol.md §5.6) the reply also carries the log entry that served it, if one did.
   */
  public Response respond(FrameType type, ClientReply reply, boolean askServed) {
    Response r = translate(type, reply);
    if (askServed && reply instanceof ClientReply.Result res && res.served() != null) {
      r = r.withServed(res.served());
    }
    return r;
  }

  private Response translate(FrameType type, ClientReply reply) {
    if (reply instanceof ClientReply.NotLeader nl) {
      String address = nl.leaderHint() < 0 ? null : addressOf.apply(nl.leaderHint());
      return Response.wrongLeader(type, address == null ? -1 : nl.leaderHint(), address == null ? "" : address);
    }
    if (reply instanceof ClientReply.Indeterminate ind) {
      return Response.error(type, Status.TIMEOUT, ind.reason());
    }
    byte[] bytes = ((ClientReply.Result) reply).result();
    if (kind == Kind.CONFIG_CENTER) {
      ConfigCenterResult r = ConfigCenterCodec.decodeResult(bytes);
      Status st = r.status().wireStatus();
      if (st == Status.OK) {
        return type == FrameType.QUERY ? new Response(type, st, new Result.Config(Wiring.toConfiguration(r.config())))
            : Response.ok(type);
      }
      return errorFor(type, st, r.message());
    }
    if (type == FrameType.SCAN) return ScanWire.response(bytes);
    KvResult r = KvCodec.decodeResult(bytes);
    Status st = r.status().wireStatus();
    return switch (st) {
      case OK -> type == FrameType.GET ? Response.value(r.value() == null ? "" : r.value()) : Response.ok(type);
      case NOT_FOUND -> Response.notFound(type);
      case CAS_MISMATCH -> Response.casMismatch(r.value());
      case WRONG_GROUP -> Response.wrongGroup(type, -1);
      default -> errorFor(type, st, r.value());
    };
  }

  private static Response errorFor(FrameType type, Status st, String message) {
    if (st == Status.WRONG_GROUP) return Response.wrongGroup(type, -1);
    if (st == Status.NOT_FOUND) return Response.notFound(type);
    return Response.error(type, st, message == null ? st.name().toLowerCase() : message);
  }
}
