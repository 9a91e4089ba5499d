package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** STATUS replies read as one map per hosted replica, from one-replica and several-replica servers alike. */
class ReplicaStatusesTest {
  @Test
  void aOneReplicaServersReplyIsThatReplica() {
    Map<String, String> st = Map.of("node", "4", "group", "1", "role", "leader", "pid", "9");
    assertEquals(List.of(st), ReplicaStatuses.of(st));
  }

  @Test
  void aServerHostingSeveralGroupsGivesOneMapPerGroupWithTheServerKeysButNotTheOtherReplicasKeys() {
    Map<String, String> st = pairs("node", "2", "address", "h:1", "admin", "h:2", "pid", "9",
        "group", "0", "role", "follower", // the unprefixed keys repeat group 0 for older clients
        "groups", "0,3",
        "g0.group", "0", "g0.role", "follower",
        "g3.group", "3", "g3.term", "7");
    List<Map<String, String>> r = ReplicaStatuses.of(st);
    assertEquals(Map.of("node", "2", "address", "h:1", "admin", "h:2", "pid", "9", "group", "0", "role", "follower"), r.get(0));
    assertEquals(Map.of("node", "2", "address", "h:1", "admin", "h:2", "pid", "9", "group", "3", "term", "7"), r.get(1),
        "group 3's replica has not reported a role yet: it must not borrow group 0's");
  }

  private static Map<String, String> pairs(String... kv) {
    Map<String, String> m = new java.util.TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }
}
