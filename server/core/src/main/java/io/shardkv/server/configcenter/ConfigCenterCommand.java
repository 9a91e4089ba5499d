package io.shardkv.server.configcenter;

import java.util.Objects;

/** A config-center operation with the (client id, seq) that make its retries exactly-once. */
public record ConfigCenterCommand(long clientId, long seq, ConfigCenterOp op) {
  public ConfigCenterCommand {
    Objects.requireNonNull(op, "op");
  }
}
