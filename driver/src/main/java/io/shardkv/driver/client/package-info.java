/**
 * The ShardKV client library. {@link io.shardkv.driver.client.ShardKvClient} is one session
 * (client id + seq, exactly-once writes) running the routing/retry logic of
 * {@code io.shardkv.driver.routing} — the same code the simulator's clients run — over pipelined
 * {@link io.shardkv.driver.protocol.ClientConnection}s ({@link io.shardkv.driver.client.Connections},
 * shareable between sessions). Failures are {@link io.shardkv.driver.client.KvException}s, definite or
 * indefinite. {@link io.shardkv.driver.client.Wiring} is the one place where wire types and routing
 * types are converted. {@link io.shardkv.driver.client.TcpKvBackendFactory} plugs the library into the
 * JDBC driver ({@code backend=tcp}).
 */
package io.shardkv.driver.client;
