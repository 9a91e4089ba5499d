package io.shardkv.driver.client;

import io.shardkv.driver.protocol.Configuration;
import io.shardkv.driver.routing.ShardConfig;

/**
 * The one place where the wire protocol's configuration meets the routing layer's: {@link
 * Configuration}, a wire record with a {@code long} number, and {@link ShardConfig}, the
 * routing/state-machine value with an {@code int} number. (Statuses need no conversion: there is one
 * {@link io.shardkv.driver.routing.Status}, whose {@code wireStatus()} and {@code retryAs()} say how a
 * state machine's answer travels and how the retry logic reads a wire answer.)
 */
public final class Wiring {
  private Wiring() {}

  public static ShardConfig toShardConfig(Configuration c) {
    if (c.num() < 0 || c.num() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("configuration number " + c.num() + " out of range");
    }
    return new ShardConfig((int) c.num(), c.shardToGroup(), c.groups());
  }

  public static Configuration toConfiguration(ShardConfig c) {
    return new Configuration(c.num(), c.shards(), c.groups());
  }
}
