package io.shardkv.driver.jdbc;

/**
 * Test-only {@link KvBackendFactory} named "memory": opens a backend on the {@link InMemoryCluster}
 * named by the URL's first host. Registered through META-INF/services in src/test/resources only.
 */
public final class InMemoryKvBackendFactory implements KvBackendFactory {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public KvBackend open(ConnectionSettings settings) throws KvDefiniteFailureException {
    String host = settings.endpoints().get(0).host();
    InMemoryCluster cluster = InMemoryCluster.named(host);
    if (cluster == null) {
      throw new KvDefiniteFailureException(
          KvDefiniteFailureException.Reason.UNAVAILABLE, "no in-memory cluster named " + host);
    }
    if (cluster.refuseConnections) {
      throw new KvDefiniteFailureException(
          KvDefiniteFailureException.Reason.UNAVAILABLE,
          "connection refused by " + settings.endpoints());
    }
    cluster.openBackends.incrementAndGet();
    return new InMemoryKvBackend(cluster);
  }
}
