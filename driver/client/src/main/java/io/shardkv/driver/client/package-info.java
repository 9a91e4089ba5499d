/**
 * The ShardKV client library. {@link io.shardkv.driver.client.ShardKvClient} is one session
 * (client id + seq, exactly-once writes) running the routing/retry logic of
 * {@code io.shardkv.driver.routing} — the same code the simulator's clients run — over pipelined
 * {@link io.shardkv.driver.protocol.ClientConnection}s ({@link io.shardkv.driver.client.Connections},
 * shareable between sessions). Failures are {@link io.shardkv.driver.client.KvException}s, definite or
 * indefinite. {@link io.shardkv.driver.client.Wiring} is the one place where the wire's and the
 * routing layer's configuration types are converted (statuses are one type, needing none). The library knows nothing of JDBC: the JDBC driver's backend over it lives in
 * {@code io.shardkv.driver.jdbc.tcp}.
 */
package io.shardkv.driver.client;
