package io.shardkv.server.kv;

import io.shardkv.driver.routing.Status;
import java.util.Objects;

/** The answer to a {@link KvOp}: a status and, for get/delete/cas-mismatch, a value (or null). */
public record KvResult(Status status, String value) {
  public KvResult {
    Objects.requireNonNull(status, "status");
  }

  public static KvResult of(Status status) {
    return new KvResult(status, null);
  }
}
