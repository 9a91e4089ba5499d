package io.shardkv.server.configcenter;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** An operation on the config center (6.824 shardctrler semantics). */
public sealed interface ConfigCenterOp {
  /** True for operations that create a configuration and are therefore deduplicated. */
  boolean isWrite();

  /** Adds groups (gid → server names), then rebalances. A known gid gets its server list replaced. */
  record Join(SortedMap<Integer, List<String>> groups) implements ConfigCenterOp {
    public Join(Map<Integer, List<String>> groups) {
      this(copy(groups));
    }

    public Join {
      groups = copy(groups);
    }

    private static SortedMap<Integer, List<String>> copy(Map<Integer, List<String>> g) {
      TreeMap<Integer, List<String>> t = new TreeMap<>();
      g.forEach((gid, servers) -> t.put(gid, List.copyOf(servers)));
      return java.util.Collections.unmodifiableSortedMap(t);
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  /** Removes groups, then rebalances their shards onto the remaining ones. Unknown gids are ignored. */
  record Leave(List<Integer> gids) implements ConfigCenterOp {
    public Leave {
      gids = List.copyOf(gids);
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  /**
   * Assigns one shard to one existing group, without rebalancing. With {@code force}, without
   * migration either: two configurations are appended, the first leaving the shard unassigned (its
   * owner drops the data, nobody pulls it), the second giving it to {@code gid}, which starts it
   * empty. The data and the dedup records of the shard are lost; the recovery for a shard whose
   * owner is gone for good (docs/operations.md).
   */
  record Move(int shard, int gid, boolean force) implements ConfigCenterOp {
    public Move(int shard, int gid) {
      this(shard, gid, false);
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  /** Returns configuration {@code num}; -1 or any number past the latest returns the latest. */
  record Query(int num) implements ConfigCenterOp {
    @Override
    public boolean isWrite() {
      return false;
    }
  }
}
