package io.shardkv.chaos.client;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.Connections;
import io.shardkv.driver.client.ShardKvClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client-library sessions for a campaign: one shared set of connections to the cluster (requests of
 * many sessions share the sockets), a new {@link ShardKvClient} session (its own client id and
 * sequence numbers) per logical process. Every operation is bounded: {@code opTimeout} for ops of
 * the run, {@code finalTimeout} for the final reads after healing. The sessions never fail fast on a
 * config center that refuses connections: the cluster was up when the campaign began, so refusals
 * are an outage (e.g. every host lost power) to retry through within the op's timeout
 * ({@link ClientOptions#failFastUntilReached}).
 *
 * <p><b>Home-bound clients</b> ({@code homes} not empty; {@code chaos run --home-clients}): the n-th
 * session opened is bound to {@code homes[n mod homes.size()]} ({@link ClientOptions#home}), so the
 * processes are dealt round-robin over the hosts, as Jepsen binds each process to a node. A bound
 * session asks its home host's server first on every key operation, whoever leads; a leader that is
 * cut off from its group but still reachable by clients keeps being asked by the sessions bound to its
 * host, while the others write through the new leader (docs/chaos.md, Mutants: lease-reads).
 */
public final class KvSessions implements AutoCloseable {
  private final List<String> configCenter;
  private final ClientOptions options;
  private final Connections connections;
  private final Duration finalTimeout;
  private final List<String> homes;
  private final AtomicLong opened = new AtomicLong();

  public KvSessions(List<String> configCenter, Duration opTimeout, Duration finalTimeout) {
    this(configCenter, opTimeout, finalTimeout, List.of());
  }

  /** Sessions bound to {@code homes} in turn (hosts or {@code HOST:PORT}); empty: every session follows the leader. */
  public KvSessions(List<String> configCenter, Duration opTimeout, Duration finalTimeout, List<String> homes) {
    this.configCenter = List.copyOf(configCenter);
    Duration attempt = opTimeout.compareTo(Duration.ofSeconds(2)) < 0 ? opTimeout.dividedBy(2) : Duration.ofSeconds(1);
    this.options = ClientOptions.defaults().withCallTimeout(opTimeout).withAttemptTimeout(attempt)
        .withFailFastUntilReached(false);
    this.connections = new Connections(Duration.ofMillis(500));
    this.finalTimeout = finalTimeout;
    this.homes = List.copyOf(homes);
  }

  /**
   * The hosts of {@code adminAddresses} (host name → its servers' {@code HOST:PORT} admin addresses,
   * {@link io.shardkv.chaos.db.Db#adminAddresses}): each address's HOST, once, in host order. A host's
   * servers listen for clients on the same address as for admin requests, on another port.
   */
  public static List<String> homeHosts(Map<String, List<String>> adminAddresses) {
    Set<String> hosts = new LinkedHashSet<>();
    adminAddresses.values().forEach(l -> l.forEach(a -> {
      int c = a.lastIndexOf(':');
      hosts.add(c > 0 ? a.substring(0, c) : a);
    }));
    return new ArrayList<>(hosts);
  }

  public ShardKvClient open() {
    ClientOptions o = options;
    if (!homes.isEmpty()) {
      o = o.withHome(homes.get((int) (opened.getAndIncrement() % homes.size())));
    }
    // The suite deploys the servers it tests (same build): they all speak protocol §5.6.
    return ShardKvClient.connect(configCenter, o, connections).reportServed(true);
  }

  /** The homes sessions are dealt over (empty: they follow the leader). */
  public List<String> homes() {
    return homes;
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
