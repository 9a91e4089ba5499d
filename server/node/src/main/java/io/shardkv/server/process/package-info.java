/**
 * The ShardKV server process (docs/real-cluster.md, docs/config.md).
 *
 * <ul>
 *   <li>{@link io.shardkv.server.process.NodeServer}: one server process hosting a
 *       {@link io.shardkv.server.process.HostedReplica} per group the config gives it (each a
 *       {@link io.shardkv.server.replica.ReplicaHost} on its own
 *       {@link io.shardkv.server.storage.FileRaftStorage}), all driven by one
 *       {@link io.shardkv.server.net.EventLoop} thread (client listener, peer links, tick timer); one
 *       {@link io.shardkv.server.process.GroupFlusher} pass fsyncs every replica written in a loop turn;
 *       {@link io.shardkv.server.process.ClientRouter} picks a client request's replica;
 *       {@link io.shardkv.server.process.LeadershipHandover} moves leadership; admin HTTP
 *       ({@link io.shardkv.server.process.AdminServer}).</li>
 *   <li>{@link io.shardkv.server.process.PeerWire}: Raft and shard-migration messages inside the
 *       protocol's opaque PEER_MESSAGE frames.</li>
 *   <li>{@link io.shardkv.server.process.ClusterConfig}: the one cluster config file (server format:
 *       {@link io.shardkv.server.process.ServerLines}; or the older node format).</li>
 *   <li>{@link io.shardkv.server.process.FreePorts}: free 127.0.0.1 ports for a config written on the
 *       spot. Local clusters of node JVMs (local-cluster, demo, bench, end-to-end tests) are the
 *       harness's ({@code io.shardkv.harness}, module chaos/harness), above this module.</li>
 * </ul>
 */
package io.shardkv.server.process;
