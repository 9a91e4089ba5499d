package io.shardkv.server.shardctrler;

import java.util.Objects;

/** A config-center operation with the (client id, seq) that make its retries exactly-once. */
public record CtrlCommand(long clientId, long seq, CtrlOp op) {
  public CtrlCommand {
    Objects.requireNonNull(op, "op");
  }
}
