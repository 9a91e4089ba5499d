package io.shardkv.driver.protocol;

import io.shardkv.driver.routing.Served;
import io.shardkv.driver.routing.Status;
import java.util.Objects;

/**
 * The reply to a request: which request type it answers, its status, and a body whose kind is
 * determined by both (checked on construction, see {@link #expectedKind}). {@code served} is the log
 * entry that served it, or null: sent only to a request that asked for it (docs/protocol.md §5.6),
 * absent in every reply of a server that predates it.
 */
public record Response(FrameType requestType, Status status, Result result, Served served) implements Message {
  /** A reply without the served entry (what every reply was before §5.6). */
  public Response(FrameType requestType, Status status, Result result) {
    this(requestType, status, result, null);
  }

  /** This reply carrying {@code s} (null: none). */
  public Response withServed(Served s) {
    return new Response(requestType, status, result, s);
  }

  public Response {
    Objects.requireNonNull(requestType, "requestType");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(result, "result");
    if (!status.onWire()) {
      throw new IllegalArgumentException(status + " is internal to the log; a reply carries its wireStatus() "
          + status.wireStatus());
    }
    if (!requestType.expectsReply()) {
      throw new IllegalArgumentException(requestType + " requests have no reply");
    }
    Class<? extends Result> want = expectedKind(requestType, status);
    if (!want.isInstance(result)) {
      throw new IllegalArgumentException("a " + status + " reply to " + requestType + " carries "
          + want.getSimpleName() + ", not " + result.getClass().getSimpleName());
    }
    if (requestType == FrameType.GET && status == Status.OK && ((Result.Value) result).value() == null) {
      throw new IllegalArgumentException("an OK reply to GET must carry a non-null value");
    }
  }

  /** The body kind a reply with this request type and status carries. */
  public static Class<? extends Result> expectedKind(FrameType requestType, Status status) {
    switch (status) {
      case OK:
        switch (requestType) {
          case GET: return Result.Value.class;
          case QUERY: return Result.Config.class;
          case STATUS: return Result.Info.class;
          case SCAN: return Result.Page.class;
          default: return Result.None.class;
        }
      case NOT_FOUND: return Result.None.class;
      case WRONG_LEADER: return Result.LeaderHint.class;
      case WRONG_GROUP: return Result.GroupHint.class;
      case CAS_MISMATCH: return Result.Value.class;
      default: return Result.Text.class;
    }
  }

  public static Response ok(FrameType requestType) {
    return new Response(requestType, Status.OK, Result.None.INSTANCE);
  }

  public static Response value(String value) {
    return new Response(FrameType.GET, Status.OK, new Result.Value(value));
  }

  public static Response notFound(FrameType requestType) {
    return new Response(requestType, Status.NOT_FOUND, Result.None.INSTANCE);
  }

  public static Response wrongLeader(FrameType requestType, int leaderId, String address) {
    return new Response(requestType, Status.WRONG_LEADER, new Result.LeaderHint(leaderId, address));
  }

  public static Response wrongGroup(FrameType requestType, long configNum) {
    return new Response(requestType, Status.WRONG_GROUP, new Result.GroupHint(configNum));
  }

  public static Response casMismatch(String current) {
    return new Response(FrameType.CAS, Status.CAS_MISMATCH, new Result.Value(current));
  }

  /** An error reply with a text body (any status whose body kind is {@link Result.Text}). */
  public static Response error(FrameType requestType, Status status, String message) {
    return new Response(requestType, status, new Result.Text(message));
  }

  @Override
  public FrameType frameType() { return requestType.replyType(); }
}
