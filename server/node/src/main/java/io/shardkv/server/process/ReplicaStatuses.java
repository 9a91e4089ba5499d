package io.shardkv.server.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a server's STATUS reply (docs/protocol.md) as one map per hosted replica, whatever the
 * server hosts: a one-replica server's reply is that replica's map; a server hosting several lists
 * them in {@code groups} and prefixes each one's keys with {@code gG.} ({@link NodeServer}; its
 * unprefixed replica keys, kept for older clients, repeat one of them and are ignored here). Each
 * map returned has the plain keys ({@code node, group, role, term, leader, leader_address, commit,
 * applied, state, migrations_stalled}) plus the server's own ({@code address, admin, pid}).
 */
public final class ReplicaStatuses {
  /** The keys that describe the server, not one of its replicas. */
  private static final java.util.Set<String> SERVER_KEYS = java.util.Set.of("node", "address", "admin", "pid");

  private ReplicaStatuses() {}

  public static List<Map<String, String>> of(Map<String, String> status) {
    String groups = status.get("groups");
    // A spare server (docs/membership.md) answers "groups" empty and no replica keys: no replica.
    if (groups != null && groups.isBlank() && !status.containsKey("group")) return List.of();
    if (groups == null || groups.isBlank()) return List.of(status);
    List<Map<String, String>> out = new ArrayList<>();
    for (String g : groups.split(",")) {
      String prefix = "g" + g.trim() + ".";
      Map<String, String> m = new TreeMap<>();
      status.forEach((k, v) -> {
        if (k.startsWith(prefix)) {
          m.put(k.substring(prefix.length()), v);
        } else if (SERVER_KEYS.contains(k)) {
          m.put(k, v);
        }
      });
      m.putIfAbsent("group", g.trim());
      out.add(m);
    }
    return out;
  }
}
