/**
 * The simulated sharded cluster: config center and shard groups on {@code ReplicaHost}s, routed
 * clients recording a Jepsen history checked for linearizability, a group-aware nemesis and
 * reconfigurations; the {@code sim shardkv} command. See docs/sim-shardkv.md.
 */
package io.shardkv.server.sim.shardkv;
