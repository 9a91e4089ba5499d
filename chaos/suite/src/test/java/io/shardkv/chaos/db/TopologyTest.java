package io.shardkv.chaos.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Placing the servers on the hosts, and the config file every host gets. */
class TopologyTest {
  private static List<Host> hosts(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(k -> new Host("n" + k, "198.19.0." + k, 22, "root", null)).toList();
  }

  @Test
  void defaultShape_onThreeHosts_putsOneReplicaOfEveryGroupOnEachHost() {
    Topology t = Topology.place(hosts(3), Topology.Shape.defaults(), Topology.defaultSettings());
    assertEquals(9, t.servers().size());
    assertEquals(List.of(0, 1, 2), t.groups());
    for (String n : List.of("n1", "n2", "n3")) {
      assertEquals(List.of(0, 1, 2), t.on(n).stream().map(Topology.Server::group).toList(), n);
      assertEquals(List.of(7000, 7001, 7002), t.on(n).stream().map(Topology.Server::port).toList(), n);
      assertEquals(List.of(8000, 8001, 8002), t.on(n).stream().map(Topology.Server::adminPort).toList(), n);
    }
    assertEquals(List.of("198.19.0.1:7000", "198.19.0.2:7000", "198.19.0.3:7000"), t.controllerAddresses());
    assertEquals(Map.of(1, List.of("198.19.0.1:7001", "198.19.0.2:7001", "198.19.0.3:7001"),
        2, List.of("198.19.0.1:7002", "198.19.0.2:7002", "198.19.0.3:7002")), t.shardGroups());
  }

  @Test
  void roundRobin_onFiveHosts_neverPutsTwoReplicasOfAGroupOnOneHost() {
    Topology t = Topology.place(hosts(5), Topology.Shape.defaults().withGroups(3, 4, 3), Topology.defaultSettings());
    for (int g : t.groups()) {
      List<String> on = t.servers().stream().filter(s -> s.group() == g).map(Topology.Server::node).toList();
      assertEquals(new HashSet<>(on).size(), on.size(), "group " + g + " on " + on);
    }
    // 15 servers over 5 hosts: three each, ports 7000..7002 on every host
    for (int k = 1; k <= 5; k++) assertEquals(3, t.on("n" + k).size());
    Set<String> addresses = new HashSet<>();
    t.servers().forEach(s -> assertTrue(addresses.add(s.address()), "address used twice: " + s.address()));
  }

  @Test
  void moreReplicasThanHosts_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Topology.place(hosts(2), Topology.Shape.defaults(), Topology.defaultSettings()));
    assertEquals("3 replicas per group need at least 3 hosts (one replica per host), got 2", e.getMessage());
  }

  @Test
  void renderedConfig_parsesToTheSameNodes_withDataDirectoriesRelativeToTheFile() {
    Topology t = Topology.place(hosts(3), Topology.Shape.defaults(), Topology.defaultSettings());
    Path file = Path.of("/var/lib/shardkv-chaos/n2/cluster.conf");
    ClusterConfig c = ClusterConfig.parse(file, t.renderConfig().lines().toList());
    assertEquals(9, c.nodes().size());
    for (Topology.Server s : t.servers()) {
      ClusterConfig.Node n = c.node(s.id());
      assertEquals(s.group(), n.group());
      assertEquals(s.address(), n.address());
      assertEquals(s.adminAddress(), n.adminHost() + ":" + n.adminPort());
      assertEquals(Path.of("/var/lib/shardkv-chaos/n2/data/node-" + s.id()), n.dir());
    }
    assertEquals(Topology.defaultSettings(), c.settings());
  }
}
