package io.shardkv.driver.client;

import java.util.List;
import java.util.Map;

/**
 * A group's members as a server's STATUS reports them (docs/protocol.md §5.3): {@code g<gid>.members}
 * on a server hosting several replicas, else {@code members} when the replica it describes is of that
 * group ({@code group}; servers that predate the key {@code group} are taken at their word). The
 * members are the client addresses of the replica's Raft configuration: a removed member reports the
 * last configuration it applied. Used by the real client and the simulator's alike.
 */
public final class StatusMembers {
  private StatusMembers() {}

  /** The addresses {@code status} reports for group {@code gid} (comma separated); empty if none. */
  public static List<String> of(Map<String, String> status, int gid) {
    String members = status.get("g" + gid + ".members");
    if (members == null) {
      String group = status.get("group");
      members = group == null || group.equals(String.valueOf(gid)) ? status.get("members") : null;
    }
    if (members == null) return List.of();
    // Not checked as HOST:PORT here: the simulator names servers "n7"; an address that does not parse
    // fails where it is used, as a server that does not answer.
    return java.util.Arrays.stream(members.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
  }
}
