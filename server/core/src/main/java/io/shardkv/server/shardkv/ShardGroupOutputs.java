package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.ShardConfig;

/**
 * What a shard group's service asks of its environment besides the host's
 * {@code replica.ReplicaOutputs}: talking to other groups and to the config center. Same rules as
 * there: called on the host's thread from inside one of its inputs; never blocks, never calls back
 * synchronously; loss is always allowed.
 */
public interface ShardGroupOutputs {
  /**
   * Send a migration message to {@code server} (a name from a {@link ShardConfig}'s server lists).
   * Replies come back through {@link ShardGroupService#onGroupMessage(String, MigrationRpc)}.
   */
  void sendGroupMessage(String server, MigrationRpc message);

  /**
   * As {@link #sendGroupMessage(String, MigrationRpc)} to {@code server}'s replica of group
   * {@code group}: a request to a group's servers names the group, since one server process may
   * host replicas of several groups (docs/config.md). Environments where a server name stands for
   * one replica ignore {@code group}.
   */
  default void sendGroupMessage(int group, String server, MigrationRpc message) {
    sendGroupMessage(server, message);
  }

  /**
   * Relay {@code message}, which another group sent to this replica, to this replica's own group
   * leader, if one is known and it is not this replica; the leader's reply goes back to this replica
   * (which ignores it: the sender's next round finds the outcome at any replica). Loss is allowed.
   * Why: a group's server lists in the configurations can be stale after membership changes
   * (docs/membership.md), so another group's requests may only reach followers and removed members,
   * never the leader that must act on them. Default: nothing (environments without membership).
   */
  default void relayToLeader(MigrationRpc message) {}

  /**
   * Ask the config center for configuration {@code num} (or the latest one if it has fewer). Answer
   * with {@link ShardGroupService#onConfigFetched(ShardConfig)}; no answer is fine.
   */
  void fetchConfig(int num);
}
