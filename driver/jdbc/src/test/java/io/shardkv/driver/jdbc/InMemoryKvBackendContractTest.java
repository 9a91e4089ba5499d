package io.shardkv.driver.jdbc;

import java.sql.SQLException;

/** The test backend honours the {@link KvBackend} contract the driver relies on. */
class InMemoryKvBackendContractTest extends KvBackendContract {

  @Override
  KvBackend openBackend() throws SQLException, KvDefiniteFailureException {
    InMemoryCluster cluster = InMemoryCluster.fresh();
    return new InMemoryKvBackendFactory().open(ConnectionSettings.parse(cluster.url(), null));
  }
}
