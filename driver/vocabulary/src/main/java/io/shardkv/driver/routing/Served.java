package io.shardkv.driver.routing;

/**
 * Which log entry served a reply (docs/protocol.md §5.6): for a write, the (term, index) of the Raft
 * entry whose application answered it; for a linearizable read, the leader's term and the ReadIndex
 * the read waited for (Raft thesis §6.4). {@code group} is the shard group (0 = config center).
 * Used to find the entry's trace lines in the servers' logs.
 */
public record Served(int group, long term, long index) {
  public Served {
    if (group < 0 || term < 0 || index < 0) {
      throw new IllegalArgumentException("served (group " + group + ", term " + term + ", index " + index
          + ") must not be negative");
    }
  }

  /** {@code g1 t4 i123}. */
  @Override
  public String toString() {
    return "g" + group + " t" + term + " i" + index;
  }
}
