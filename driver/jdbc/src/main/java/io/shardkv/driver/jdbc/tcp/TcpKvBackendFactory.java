package io.shardkv.driver.jdbc.tcp;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.jdbc.ConnectionSettings;
import io.shardkv.driver.jdbc.KvBackend;
import io.shardkv.driver.jdbc.KvBackendFactory;
import io.shardkv.driver.jdbc.KvDefiniteFailureException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The JDBC driver's backend over TCP ({@code backend=tcp}, found through
 * {@code META-INF/services/io.shardkv.driver.jdbc.KvBackendFactory}): a {@link ClientKvBackend} on
 * the URL's config-center endpoints. Opening checks that one of them answers.
 */
public final class TcpKvBackendFactory implements KvBackendFactory {
  @Override
  public String name() {
    return "tcp";
  }

  @Override
  public KvBackend open(ConnectionSettings settings) throws KvDefiniteFailureException {
    List<String> endpoints = settings.endpoints().stream().map(e -> e.host() + ":" + e.port()).toList();
    Duration timeout;
    Duration connect;
    try {
      timeout = settings.timeout();
      connect = settings.connectTimeout();
    } catch (SQLException e) {
      throw new KvDefiniteFailureException(KvDefiniteFailureException.Reason.REJECTED, e.getMessage(), e);
    }
    ClientOptions options = new ClientOptions(timeout, Duration.ofMillis(Math.min(1000, Math.max(100, timeout.toMillis() / 3))),
        Duration.ofMillis(10), Duration.ofMillis(500), connect);
    ClientKvBackend backend = new ClientKvBackend(endpoints, options);
    if (!backend.isValid(connect)) {
      backend.close();
      throw new KvDefiniteFailureException(KvDefiniteFailureException.Reason.UNAVAILABLE,
          "no config-center node answered at " + endpoints + " within " + connect.toMillis() + " ms");
    }
    return backend;
  }
}
