package io.shardkv.driver.jdbc;

/**
 * Opens {@link KvBackend}s; the ShardKV client library provides one. The driver finds factories
 * through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/io.shardkv.driver.jdbc.KvBackendFactory}) or through {@link
 * KvBackends#register(KvBackendFactory)}.
 *
 * <p>When several factories are present, the URL property {@code backend=NAME} picks one by {@link
 * #name()}; with exactly one present, it is used.
 */
public interface KvBackendFactory {

  /**
   * A short stable name, e.g. {@code "tcp"}; matched case-insensitively against {@code backend=}.
   */
  String name();

  /**
   * Connects to the cluster whose config-center nodes are {@link ConnectionSettings#endpoints()},
   * within {@link ConnectionSettings#connectTimeout()}.
   *
   * @throws KvDefiniteFailureException if the cluster cannot be reached (reason UNAVAILABLE) or the
   *     settings are refused (reason REJECTED)
   */
  KvBackend open(ConnectionSettings settings) throws KvDefiniteFailureException;
}
