/**
 * The JDBC driver's backend over the ShardKV client library ({@code backend=tcp}, the default):
 * {@link io.shardkv.driver.jdbc.tcp.TcpKvBackendFactory} is registered as a
 * {@link io.shardkv.driver.jdbc.KvBackendFactory} service and opens a
 * {@link io.shardkv.driver.jdbc.tcp.ClientKvBackend} per connection, which maps the client's definite
 * and indefinite failures onto the JDBC layer's. The dependency points one way: JDBC sits on the client
 * library, never below it ({@code io.shardkv.driver.client} imports nothing of {@code java.sql} or of
 * this driver's JDBC packages; {@code DriverArchitectureTest} enforces it).
 */
package io.shardkv.driver.jdbc.tcp;
