package io.shardkv.server.configcenter;

import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import java.util.Objects;

/**
 * The answer to a {@link ConfigCenterOp}: a status, a configuration for queries (null otherwise), and for
 * {@code BAD_REQUEST} a message saying what was wrong.
 */
public record ConfigCenterResult(Status status, ShardConfig config, String message) {
  public ConfigCenterResult {
    Objects.requireNonNull(status, "status");
  }

  public static ConfigCenterResult ok() {
    return new ConfigCenterResult(Status.OK, null, null);
  }

  public static ConfigCenterResult bad(String message) {
    return new ConfigCenterResult(Status.BAD_REQUEST, null, message);
  }
}
