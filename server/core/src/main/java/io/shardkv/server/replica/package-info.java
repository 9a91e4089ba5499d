/**
 * Hosting a replicated service on the Raft core: {@link io.shardkv.server.replica.ReplicaHost} runs
 * the Ready loop, answers client requests when their entries apply (or via ReadIndex for reads),
 * snapshots, and calls the hosted service's lifecycle hooks (a shard group's migrations live in
 * {@code shardkv.ShardGroupService}; the host knows nothing of shards).
 * The host takes service commands and gives {@link io.shardkv.server.replica.ClientReply}s; the wire
 * edge above it ({@code frontdoor.FrontDoor}, module shardkv-frontdoor) maps client requests to
 * commands and replies to responses, for the real server and the simulator alike. Pure and
 * clock-free; the simulator and the real server supply {@link io.shardkv.server.replica.ReplicaOutputs}.
 * Contract: docs/replica-host.md.
 */
package io.shardkv.server.replica;
