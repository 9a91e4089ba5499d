package io.shardkv.driver.client;

import io.shardkv.driver.protocol.ClientConnection;
import io.shardkv.driver.protocol.Wire;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pipelined {@link ClientConnection} per server address, shared by any number of
 * {@link ShardKvClient} sessions (requests from many sessions travel on the same socket).
 * Thread-safe.
 */
public final class Connections implements AutoCloseable {
  private final ConcurrentHashMap<String, ClientConnection> byAddress = new ConcurrentHashMap<>();
  private final ClientConnection.Options options;
  private volatile boolean closed;
  /** True once a session over these connections got an answer from a server of the cluster. */
  private volatile boolean reachedCluster;

  public Connections(Duration connectTimeout) {
    this.options = new ClientConnection.Options(connectTimeout, Wire.DEFAULT_MAX_PAYLOAD_BYTES, Duration.ofSeconds(15));
  }

  /** The connection to {@code address} ({@code host:port}). */
  public ClientConnection get(String address) {
    if (closed) throw new IllegalStateException("connections closed");
    return byAddress.computeIfAbsent(address, a -> new ClientConnection(parse(a), options));
  }

  /**
   * True once any session over these connections was answered by a server of the cluster: the
   * addresses are right and the cluster existed, so a later refusal is an outage, not a typo
   * ({@link ClientOptions#failFastUntilReached}).
   */
  public boolean reachedCluster() {
    return reachedCluster;
  }

  /** Notes that a session over these connections was answered by the cluster (see {@link #reachedCluster}). */
  void markReached() {
    reachedCluster = true;
  }

  static InetSocketAddress parse(String address) {
    int c = address.lastIndexOf(':');
    if (c <= 0 || c == address.length() - 1) {
      throw new IllegalArgumentException("server address must be HOST:PORT, got '" + address + "'");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(c + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("server address must be HOST:PORT, got '" + address + "'");
    }
    String host = address.substring(0, c);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    return new InetSocketAddress(host, port);
  }

  @Override
  public void close() {
    closed = true;
    byAddress.values().forEach(ClientConnection::close);
    byAddress.clear();
  }
}
