package io.shardkv.chaos.client;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.Connections;
import io.shardkv.driver.client.ShardKvClient;
import java.time.Duration;
import java.util.List;

/**
 * Client-library sessions for a campaign: one shared set of connections to the cluster (requests of
 * many sessions share the sockets), a new {@link ShardKvClient} session (its own client id and
 * sequence numbers) per logical process. Every operation is bounded: {@code opTimeout} for ops of
 * the run, {@code finalTimeout} for the final reads after healing.
 */
public final class KvSessions implements AutoCloseable {
  private final List<String> configCenter;
  private final ClientOptions options;
  private final Connections connections;
  private final Duration finalTimeout;

  public KvSessions(List<String> configCenter, Duration opTimeout, Duration finalTimeout) {
    this.configCenter = List.copyOf(configCenter);
    Duration attempt = opTimeout.compareTo(Duration.ofSeconds(2)) < 0 ? opTimeout.dividedBy(2) : Duration.ofSeconds(1);
    this.options = ClientOptions.defaults().withCallTimeout(opTimeout).withAttemptTimeout(attempt);
    this.connections = new Connections(Duration.ofMillis(500));
    this.finalTimeout = finalTimeout;
  }

  public ShardKvClient open() {
    // The suite deploys the servers it tests (same build): they all speak protocol §5.6.
    return ShardKvClient.connect(configCenter, options, connections).reportServed(true);
  }

  public Duration opTimeout() {
    return options.callTimeout();
  }

  public Duration finalTimeout() {
    return finalTimeout;
  }

  public List<String> configCenterAddresses() {
    return configCenter;
  }

  @Override
  public void close() {
    connections.close();
  }
}
