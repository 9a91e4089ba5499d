/**
 * The Raft cluster simulation: {@link io.shardkv.server.sim.raft.RaftCluster} wires the real
 * {@code RaftNode} into the simulator; {@code RaftNodeDriver} follows the Ready contract with a flush
 * that takes simulated time; {@code RaftInvariants} checks election safety, log matching, leader
 * completeness, state machine safety, commit monotonicity and durability on every step;
 * {@link io.shardkv.server.sim.raft.RaftSimulation} is the mixed-fault scenario with a liveness
 * bound; {@link io.shardkv.server.sim.raft.RaftSimCommand} is {@code shardkv sim raft}.
 */
package io.shardkv.server.sim.raft;
