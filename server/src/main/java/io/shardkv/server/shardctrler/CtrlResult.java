package io.shardkv.server.shardctrler;

import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import java.util.Objects;

/**
 * The answer to a {@link CtrlOp}: a status, a configuration for queries (null otherwise), and for
 * {@code BAD_REQUEST} a message saying what was wrong.
 */
public record CtrlResult(Status status, ShardConfig config, String message) {
  public CtrlResult {
    Objects.requireNonNull(status, "status");
  }

  public static CtrlResult ok() {
    return new CtrlResult(Status.OK, null, null);
  }

  public static CtrlResult bad(String message) {
    return new CtrlResult(Status.BAD_REQUEST, null, message);
  }
}
