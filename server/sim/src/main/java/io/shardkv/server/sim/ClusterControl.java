package io.shardkv.server.sim;

/**
 * What the {@link Nemesis} may do to the processes of a simulated cluster. Implemented by each
 * cluster driver (Raft group, sharded KV) so the nemesis stays independent of what the nodes run.
 */
public interface ClusterControl {
  int size();

  /** True unless the node is crashed. A paused node is up. */
  boolean isUp(int node);

  boolean isPaused(int node);

  /** Power loss: volatile state gone, the disk keeps what the storage contract allows. */
  void crash(int node);

  /** A new incarnation of a crashed node, recovering from its disk. */
  void restart(int node);

  /** Freezes the node: it neither ticks nor processes messages until {@link #resume}. */
  void pause(int node);

  void resume(int node);
}
