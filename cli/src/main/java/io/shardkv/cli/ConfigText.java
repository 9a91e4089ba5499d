package io.shardkv.cli;

import io.shardkv.driver.protocol.Configuration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Human-readable rendering of a configuration (ctl query, local-cluster status). */
final class ConfigText {
  private ConfigText() {}

  static String describe(Configuration c) {
    StringBuilder b = new StringBuilder("configuration " + c.num() + ":");
    Map<Integer, List<Integer>> shardsOf = new TreeMap<>();
    int[] s = c.shardToGroup();
    for (int i = 0; i < s.length; i++) shardsOf.computeIfAbsent(s[i], g -> new ArrayList<>()).add(i);
    for (Map.Entry<Integer, List<String>> g : c.groups().entrySet()) {
      List<Integer> sh = shardsOf.getOrDefault(g.getKey(), List.of());
      b.append("\n  group ").append(g.getKey()).append(" servers ").append(String.join(",", g.getValue()))
          .append(" shards ").append(sh.size()).append(' ').append(ranges(sh));
    }
    if (shardsOf.containsKey(0)) b.append("\n  unassigned shards ").append(ranges(shardsOf.get(0)));
    return b.toString();
  }

  static String ranges(List<Integer> l) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < l.size(); ) {
      int j = i;
      while (j + 1 < l.size() && l.get(j + 1) == l.get(j) + 1) j++;
      if (b.length() > 1) b.append(',');
      b.append(l.get(i));
      if (j > i) b.append('-').append(l.get(j));
      i = j + 1;
    }
    return b.append(']').toString();
  }
}
