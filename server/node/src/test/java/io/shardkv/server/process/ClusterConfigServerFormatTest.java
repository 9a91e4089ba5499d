package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server format of the cluster config (docs/config.md): servers and groups are separate lines,
 * a server hosts a replica of every group that names it; the older node format keeps meaning what it
 * meant (one replica per process, data directly in the node's dir).
 */
class ClusterConfigServerFormatTest {
  static final Path FILE = Path.of("/etc/shardkv/cluster.conf");

  static final List<String> THREE_HOSTS = List.of(
      "shards = 16",
      "server 1 addr=10.0.0.1:7000 admin=10.0.0.1:8000 dir=/var/lib/shardkv",
      "server 2 addr=10.0.0.2:7000 admin=10.0.0.2:8000 dir=/var/lib/shardkv2",
      "server 3 addr=10.0.0.3:7000 admin=10.0.0.3:8000 dir=data/s3",
      "",
      "group 0 = 1,2,3   # the config center",
      "group 1 = 3,1,2",
      "group 2 = 1,2,3");

  @Test
  void threeServersHostingTheConfigCenterAndTwoShardGroups() {
    ClusterConfig c = ClusterConfig.parse(FILE, THREE_HOSTS);
    assertFalse(c.nodeFormat());
    assertEquals(List.of(1, 2, 3), List.copyOf(c.servers().keySet()));
    assertEquals(List.of(1, 2, 3), c.members(0));
    assertEquals(List.of(1, 2, 3), c.members(1), "members are kept ascending whatever order the line names them in");
    assertEquals(List.of(1, 2), c.shardGroups());
    assertEquals(List.of(0, 1, 2), c.groupsOf(2));
    assertEquals(List.of("10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"), c.addresses(1));
    assertEquals(Path.of("/etc/shardkv/data/s3"), c.server(3).dir(), "relative dirs resolve against the file");
    assertEquals(Path.of("/var/lib/shardkv/group-2"), c.replicaDir(2, 1), "one storage directory per hosted group");
    assertEquals(2, c.byAddress("10.0.0.2:7000").id());
    assertEquals(16, c.settings().shards());
  }

  /** docs/config.md's 3-host example: the same data path on every host (found by the Ansible lab run). */
  @Test
  void theSameDataPathOnDifferentHostsIsFineAndOnOneHostIsRefused() throws Exception {
    String doc = java.nio.file.Files.readString(Path.of("..", "..", "docs", "config.md"));
    int from = doc.indexOf("```", doc.indexOf("## Server format: a 3-host example")) + 3;
    List<String> example = doc.substring(from, doc.indexOf("```", from)).lines().toList();
    ClusterConfig c = ClusterConfig.parse(FILE, example);
    assertEquals(3, c.servers().size());
    assertEquals(c.servers().get(1).dir(), c.servers().get(3).dir());
    assertError("cluster.conf:2: server 2 uses the data directory of server 1 (/d) on the same host h",
        "server 1 addr=h:1 admin=h:2 dir=/d", "server 2 addr=h:3 admin=h:4 dir=/d", "group 0 = 1,2");
  }

  @Test
  void theNodeFormatIsTheServerFormatWithOneGroupPerServerAndItsDataWhereItWas() {
    ClusterConfig c = ClusterConfig.parse(FILE, List.of(
        "node 1 group=0 addr=h:1 admin=h:2 dir=n1",
        "node 2 group=1 addr=h:3 admin=h:4 dir=n2",
        "node 3 group=1 addr=h:5 admin=h:6 dir=n3"));
    assertTrue(c.nodeFormat());
    assertEquals(List.of(1, 2, 3), List.copyOf(c.servers().keySet()));
    assertEquals(List.of(2, 3), c.members(1));
    assertEquals(List.of(1), c.groupsOf(2));
    assertEquals(Path.of("/etc/shardkv/n2"), c.replicaDir(1, 2), "an existing node's data stays where it is");
    assertEquals(1, c.node(2).group());
  }

  @Test
  void renderedServerFormatParsesBackToTheSameServersAndGroups() {
    ClusterConfig c = ClusterConfig.parse(FILE, THREE_HOSTS);
    String text = ClusterConfig.renderServers(c.settings(), List.copyOf(c.servers().values()), c.groups(), FILE.getParent());
    assertTrue(text.contains("group 0 = 1,2,3"), text);
    ClusterConfig back = ClusterConfig.parse(FILE, List.of(text.split("\n")));
    assertEquals(c.servers(), back.servers());
    assertEquals(c.groups(), back.groups());
    assertEquals(c.settings(), back.settings());
  }

  @Test
  void leaderBalancingIsOnByDefaultAndCanBeSlowedOrTurnedOff() {
    assertEquals(1000, ClusterConfig.parse(FILE, THREE_HOSTS).settings().leaderBalanceMillis());
    List<String> off = new java.util.ArrayList<>(THREE_HOSTS);
    off.add(0, "leader-balance-ms = 0");
    ClusterConfig c = ClusterConfig.parse(FILE, off);
    assertEquals(0, c.settings().leaderBalanceMillis());
    String text = ClusterConfig.renderServers(c.settings(), List.copyOf(c.servers().values()), c.groups(), FILE.getParent());
    assertTrue(text.contains("leader-balance-ms = 0"), text);
    assertEquals(c.settings(), ClusterConfig.parse(FILE, List.of(text.split("\n"))).settings());
    assertError("leader-balance-ms", "leader-balance-ms = -5", "server 1 addr=h:1 admin=h:2 dir=a", "group 0 = 1");
  }

  @Test
  void aServerFormatFileHasNoNodeView() {
    ClusterConfig c = ClusterConfig.parse(FILE, THREE_HOSTS);
    ClusterConfig.ConfigException e = assertThrows(ClusterConfig.ConfigException.class, c::nodes);
    assertTrue(e.getMessage().contains("server format"), e.getMessage());
  }

  @Test
  void badServerAndGroupLinesAreReportedWithFileLineAndTheFix() {
    String s1 = "server 1 addr=h:1 admin=h:2 dir=a";
    String s2 = "server 2 addr=h:3 admin=h:4 dir=b";
    assertError("cluster.conf:3: a 'node' line in a file that uses the server format", s1, "group 0 = 1",
        "node 2 group=1 addr=h:3 admin=h:4 dir=b");
    assertError("cluster.conf:2: a 'server' line in a file that uses the older node format",
        "node 1 group=0 addr=h:1 admin=h:2 dir=a", s2);
    assertError("cluster.conf:2: group 0 names server 9, which no 'server 9 ...' line defines", s1, "group 0 = 1,9");
    assertError("cluster.conf:2: server 2 is in no group", s1, s2, "group 0 = 1");
    assertError("no 'group 0 = ...' line: group 0 is the config center", s1, "group 1 = 1");
    assertError("cluster.conf:3: group 0 is defined twice (first at " + FILE + ":2)", s1, "group 0 = 1", "group 0 = 1");
    assertError("cluster.conf:2: group 0 names server 1 twice", s1, "group 0 = 1,1");
    assertError("cluster.conf:2: server 1 is defined twice", s1, "server 1 addr=h:5 admin=h:6 dir=c", "group 0 = 1");
    assertError("cluster.conf:2: server 2 reuses an address of server 1", s1, "server 2 addr=h:1 admin=h:6 dir=c");
    assertError("cluster.conf:2: server 2 uses the data directory of server 1", s1, "server 2 addr=h:5 admin=h:6 dir=a");
    assertError("cluster.conf:1: server 1 lacks dir=", "server 1 addr=h:1 admin=h:2");
    assertError("cluster.conf:1: a server line has no group=", "server 1 group=0 addr=h:1 admin=h:2 dir=a");
    assertError("cluster.conf:1: unknown server field 'adress'", "server 1 adress=h:1 admin=h:2 dir=a");
    assertError("cluster.conf:2: server id in group 0 must be a whole number, got 'x'", s1, "group 0 = 1,x");
    assertError("cluster.conf:2: a group line is 'group G = ID,ID,...'", s1, "group 0 1 2 3");
    assertError("cluster.conf:2: group 0 names no server", s1, "group 0 =");
  }

  @Test
  void aGroupLineDoesNotNeedItsServersDefinedFirst() {
    ClusterConfig c = ClusterConfig.parse(FILE, List.of("group 0 = 1", "server 1 addr=h:1 admin=h:2 dir=a"));
    assertEquals(Map.of(0, List.of(1)), c.groups());
  }

  private static void assertError(String expected, String... lines) {
    ClusterConfig.ConfigException e = assertThrows(ClusterConfig.ConfigException.class,
        () -> ClusterConfig.parse(FILE, List.of(lines)));
    assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
  }
}
