package io.shardkv.server.kv;

import java.util.Objects;

/**
 * A client's operation as it goes through the log: the client's id and its sequence number (which
 * identify the operation for exactly-once execution; a retry reuses both) and the operation.
 * A client has at most one operation outstanding, and its sequence numbers increase.
 */
public record KvCommand(long clientId, long seq, KvOp op) {
  public KvCommand {
    Objects.requireNonNull(op, "op");
  }
}
