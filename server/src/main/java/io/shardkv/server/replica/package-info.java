/**
 * Hosting a replicated service on the Raft core: {@link io.shardkv.server.replica.ReplicaHost} runs
 * the Ready loop, answers client requests when their entries apply (or via ReadIndex for reads),
 * snapshots, and for shard groups drives config polling and shard migration. Pure and clock-free;
 * the simulator and the real server supply {@link io.shardkv.server.replica.ReplicaOutputs}.
 * Contract: docs/replica-host.md.
 */
package io.shardkv.server.replica;
