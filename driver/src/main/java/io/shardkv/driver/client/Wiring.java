package io.shardkv.driver.client;

import io.shardkv.driver.protocol.Configuration;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;

/**
 * The one place where the wire protocol's types meet the routing layer's: the two configuration
 * classes ({@link Configuration}, a wire record with a {@code long} number, and {@link ShardConfig},
 * the routing/state-machine value with an {@code int} number) and the two status enums
 * ({@link io.shardkv.driver.protocol.Status}, the wire codes of docs/protocol.md §6, and
 * {@link Status}, what the state machines and the retry logic speak). They stay separate types
 * because the wire must not change when the state machines gain an internal status; every
 * conversion goes through here.
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

  /**
   * The routing status a wire status means to the retry logic. SERVER_ERROR (indefinite) retries
   * like TIMEOUT; OVERLOADED and SHUTTING_DOWN (definite, "try elsewhere") like WRONG_LEADER without
   * a hint; every other non-answer status is a definite BAD_REQUEST.
   */
  public static Status toRouting(io.shardkv.driver.protocol.Status s) {
    return switch (s) {
      case OK -> Status.OK;
      case NOT_FOUND -> Status.NOT_FOUND;
      case WRONG_LEADER, OVERLOADED, SHUTTING_DOWN -> Status.WRONG_LEADER;
      case WRONG_GROUP -> Status.WRONG_GROUP;
      case TIMEOUT, SERVER_ERROR -> Status.TIMEOUT;
      case CAS_MISMATCH -> Status.CAS_MISMATCH;
      case SESSION_EXPIRED -> Status.SESSION_EXPIRED;
      default -> Status.BAD_REQUEST;
    };
  }

  /**
   * The wire status for a state machine's answer. STALE_REQUEST (the result of an old request is
   * no longer known) is indefinite, so it travels as SERVER_ERROR; REJECTED as BAD_REQUEST.
   */
  public static io.shardkv.driver.protocol.Status toWire(Status s) {
    return switch (s) {
      case OK -> io.shardkv.driver.protocol.Status.OK;
      case NOT_FOUND -> io.shardkv.driver.protocol.Status.NOT_FOUND;
      case CAS_MISMATCH -> io.shardkv.driver.protocol.Status.CAS_MISMATCH;
      case WRONG_GROUP -> io.shardkv.driver.protocol.Status.WRONG_GROUP;
      case WRONG_LEADER -> io.shardkv.driver.protocol.Status.WRONG_LEADER;
      case TIMEOUT -> io.shardkv.driver.protocol.Status.TIMEOUT;
      case STALE_REQUEST -> io.shardkv.driver.protocol.Status.SERVER_ERROR;
      case SESSION_EXPIRED -> io.shardkv.driver.protocol.Status.SESSION_EXPIRED;
      case BAD_REQUEST, REJECTED -> io.shardkv.driver.protocol.Status.BAD_REQUEST;
    };
  }
}
