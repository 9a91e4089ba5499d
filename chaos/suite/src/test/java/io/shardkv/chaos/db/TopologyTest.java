package io.shardkv.chaos.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.control.Host;
import io.shardkv.server.process.ClusterConfig;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Placing the groups on the hosts (one server process per host), and the config file every host gets. */
class TopologyTest {
  private static List<Host> hosts(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(k -> new Host("n" + k, "198.19.0." + k, 22, "root", null)).toList();
  }

  @Test
  void defaultShape_onThreeHosts_runsOneServerPerHost_hostingAReplicaOfEveryGroup() {
    Topology t = Topology.place(hosts(3), Topology.Shape.defaults(), Topology.defaultSettings());
    assertEquals(3, t.servers().size(), "one process per host, as production (docs/config.md's server format)");
    assertEquals(9, t.replicaCount());
    assertEquals(List.of(0, 1, 2), t.groupIds());
    for (int k = 1; k <= 3; k++) {
      Topology.Server s = t.on("n" + k).get(0);
      assertEquals(List.of(s), t.on("n" + k));
      assertEquals(k, s.id(), "the server id is the host's position");
      assertEquals(List.of(0, 1, 2), s.groups());
      assertEquals("198.19.0." + k + ":7000", s.address());
      assertEquals("198.19.0." + k + ":8000", s.adminAddress());
    }
    assertEquals(Map.of(0, List.of(1, 2, 3), 1, List.of(1, 2, 3), 2, List.of(1, 2, 3)), t.groups());
    assertEquals(List.of("198.19.0.1:7000", "198.19.0.2:7000", "198.19.0.3:7000"), t.configCenterAddresses());
    assertEquals(Map.of(1, List.of("198.19.0.1:7000", "198.19.0.2:7000", "198.19.0.3:7000"),
        2, List.of("198.19.0.1:7000", "198.19.0.2:7000", "198.19.0.3:7000")), t.shardGroups(), "groups share the servers' address");
  }

  @Test
  void roundRobin_onFiveHosts_neverPutsTwoReplicasOfAGroupOnOneHost() {
    Topology t = Topology.place(hosts(5), Topology.Shape.defaults().withGroups(3, 4, 3), Topology.defaultSettings());
    for (int g : t.groupIds()) {
      List<Integer> members = t.groups().get(g);
      assertEquals(3, members.size(), "group " + g);
      assertEquals(new HashSet<>(members).size(), members.size(), "group " + g + " on " + members);
      for (int id : members) assertTrue(t.server(id).groups().contains(g), "server " + id + " hosts group " + g);
    }
    // 15 replicas over 5 hosts: three on each, in one process per host on the same ports
    assertEquals(5, t.servers().size());
    for (int k = 1; k <= 5; k++) assertEquals(3, t.on("n" + k).get(0).groups().size(), "n" + k);
    Set<String> addresses = new HashSet<>();
    t.servers().forEach(s -> assertTrue(addresses.add(s.address()), "address used twice: " + s.address()));
  }

  @Test
  void aHostNoGroupIsPlacedOn_runsNoServer() {
    // 1 + 1 groups of 3 over 5 hosts: n1..n3 host the config center, n4, n5, n1 the shard group; n2, n3 one group each
    Topology t = Topology.place(hosts(5), Topology.Shape.defaults().withGroups(3, 1, 3), Topology.defaultSettings());
    assertEquals(Map.of(0, List.of(1, 2, 3), 1, List.of(1, 4, 5)), t.groups());
    assertEquals(List.of(0, 1), t.on("n1").get(0).groups());
    assertEquals(List.of(0), t.on("n2").get(0).groups());
    Topology small = Topology.place(hosts(5), new Topology.Shape(1, 1, 1, 7000, 8000), Topology.defaultSettings());
    assertEquals(List.of(), small.on("n3"), "nothing placed on n3: no process there");
    assertEquals(List.of(1, 2), small.servers().stream().map(Topology.Server::id).toList());
  }

  @Test
  void moreReplicasThanHosts_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Topology.place(hosts(2), Topology.Shape.defaults(), Topology.defaultSettings()));
    assertEquals("3 replicas per group need at least 3 hosts (one replica per host), got 2", e.getMessage());
  }

  @Test
  void renderedConfig_isTheServerFormat_parsingToTheSameServersAndGroups_withDataDirectoriesRelativeToTheFile() {
    Topology t = Topology.place(hosts(5), Topology.Shape.defaults(), Topology.defaultSettings());
    Path file = Path.of("/var/lib/shardkv-chaos/n2/cluster.conf");
    ClusterConfig c = ClusterConfig.parse(file, t.renderConfig().lines().toList());
    assertFalse(c.nodeFormat(), "server lines and group lines, not one node line per replica");
    assertEquals(t.declared().stream().map(Topology.Server::id).sorted().toList(), List.copyOf(c.servers().keySet()));
    for (Topology.Server s : t.declared()) {
      ClusterConfig.Server v = c.server(s.id());
      assertEquals(s.address(), v.address());
      assertEquals(s.adminAddress(), v.adminAddress());
      assertEquals(Path.of("/var/lib/shardkv-chaos/n2/data/server-" + s.id()), v.dir());
      assertEquals(s.groups(), c.groupsOf(s.id()));
    }
    assertEquals(t.groups(), c.groups());
    assertEquals(Topology.defaultSettings(), c.settings());
  }

  @Test
  void everyHost_declaresSpareIncarnations_inNoGroup_onTheNextPorts_sparesInTheRenderedConfig() {
    Topology t = Topology.place(hosts(5), Topology.Shape.defaults(), Topology.defaultSettings());
    assertEquals(5 * Topology.SPARES_PER_HOST, t.spares().size());
    Topology.Server s = t.server(203);
    assertEquals("n3", s.node());
    assertEquals(7002, s.port());
    assertEquals(8002, s.adminPort());
    assertEquals(List.of(), s.groups());
    ClusterConfig c = ClusterConfig.parse(Path.of("/h/cluster.conf"), t.renderConfig().lines().toList());
    assertEquals(List.of(), c.groupsOf(203), "a spare hosts no group at first");
    assertTrue(t.renderConfig().contains("server 203 addr=198.19.0.3:7002 admin=198.19.0.3:8002 dir=data/server-203 spare=true"),
        t.renderConfig());
    assertFalse(t.renderConfig().contains("server 3 addr=198.19.0.3:7000 admin=198.19.0.3:8000 dir=data/server-3 spare"));
    assertEquals(List.of(1, 101, 201), t.incarnations("n1").stream().map(Topology.Server::id).toList());
  }
}
