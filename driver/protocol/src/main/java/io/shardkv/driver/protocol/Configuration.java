package io.shardkv.driver.protocol;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A shard configuration as carried by QUERY replies: its number, the group serving each shard
 * ({@code shardToGroup[s]}; 0 = unassigned) and each group's server addresses.
 */
public record Configuration(long num, int[] shardToGroup, SortedMap<Integer, List<String>> groups) {
  public Configuration {
    shardToGroup = shardToGroup.clone();
    groups = copyGroups(groups);
  }

  @Override public int[] shardToGroup() { return shardToGroup.clone(); }

  @Override
  public boolean equals(Object o) {
    return o instanceof Configuration c && c.num == num && Arrays.equals(c.shardToGroup, shardToGroup)
        && c.groups.equals(groups);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(num) * 31 + Arrays.hashCode(shardToGroup)) * 31 + groups.hashCode();
  }

  @Override
  public String toString() {
    return "Configuration{num=" + num + " shards=" + Arrays.toString(shardToGroup) + " groups=" + groups + "}";
  }

  static SortedMap<Integer, List<String>> copyGroups(Map<Integer, List<String>> groups) {
    TreeMap<Integer, List<String>> m = new TreeMap<>();
    groups.forEach((gid, servers) -> m.put(gid, List.copyOf(servers)));
    return Collections.unmodifiableSortedMap(m);
  }
}
