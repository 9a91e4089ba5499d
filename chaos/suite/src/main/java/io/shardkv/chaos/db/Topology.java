package io.shardkv.chaos.db;

import io.shardkv.chaos.control.Host;
import io.shardkv.server.process.ClusterConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the cluster's servers run: today one server process (JVM) per replica, each a {@code node}
 * line of the cluster config (docs/config.md): the config center (group 0) and shard groups 1..G,
 * R replicas each, placed round-robin over the hosts so that no group has two replicas on one host.
 * On each host the k-th process listens on {@code firstPort + k} and {@code firstAdminPort + k}.
 * Every host gets the same config file; data directories are relative to it ({@code data/node-ID}).
 *
 * <p>This is the one place that knows the process model: issue 13 (one server process per host,
 * hosting several groups) changes this class and {@link #renderConfig()}, not the lifecycle.
 */
public record Topology(List<Host> hosts, List<Server> servers, ClusterConfig.Settings settings) {

  /** How many groups and replicas, and the first ports on each host. */
  public record Shape(int controllerReplicas, int shardGroups, int replicas, int firstPort, int firstAdminPort) {
    /** A config center of 3 and 2 shard groups of 3, on ports 7000+ (admin 8000+). */
    public static Shape defaults() {
      return new Shape(3, 2, 3, 7000, 8000);
    }

    public Shape withGroups(int controllerReplicas, int shardGroups, int replicas) {
      return new Shape(controllerReplicas, shardGroups, replicas, firstPort, firstAdminPort);
    }
  }

  /** One server process: its node id and group, the host it runs on, its ports there. */
  public record Server(int id, int group, String node, String host, int port, int adminPort) {
    public String address() {
      return host + ":" + port;
    }

    public String adminAddress() {
      return host + ":" + adminPort;
    }
  }

  /** The settings a config file without settings lines has (docs/config.md). */
  public static ClusterConfig.Settings defaultSettings() {
    return ClusterConfig.parse(Path.of("defaults"), List.of("node 1 group=0 addr=127.0.0.1:1 admin=127.0.0.1:2 dir=x")).settings();
  }

  /** Places the shape's servers on {@code hosts}; rejects a shape the hosts cannot hold. */
  public static Topology place(List<Host> hosts, Shape shape, ClusterConfig.Settings settings) {
    if (hosts.isEmpty()) throw new IllegalArgumentException("no hosts to place servers on");
    int max = Math.max(shape.controllerReplicas(), shape.replicas());
    if (max > hosts.size()) {
      throw new IllegalArgumentException(max + " replicas per group need at least " + max + " hosts (one replica per host),"
          + " got " + hosts.size());
    }
    if (shape.controllerReplicas() < 1 || shape.replicas() < 1 || shape.shardGroups() < 1) {
      throw new IllegalArgumentException("need at least 1 config-center replica, 1 shard group and 1 replica per group");
    }
    Map<String, Integer> perHost = new LinkedHashMap<>();
    List<Server> servers = new ArrayList<>();
    int id = 1;
    int slot = 0;
    for (int g = 0; g <= shape.shardGroups(); g++) {
      int n = g == 0 ? shape.controllerReplicas() : shape.replicas();
      for (int r = 0; r < n; r++, id++, slot++) {
        Host h = hosts.get(slot % hosts.size());
        int k = perHost.merge(h.name(), 1, Integer::sum) - 1;
        servers.add(new Server(id, g, h.name(), h.address(), shape.firstPort() + k, shape.firstAdminPort() + k));
      }
    }
    Topology t = new Topology(List.copyOf(hosts), List.copyOf(servers), settings);
    ClusterConfig.parse(Path.of("cluster.conf"), t.renderConfig().lines().toList()); // what the servers will read
    return t;
  }

  /** The servers on host {@code node}. */
  public List<Server> on(String node) {
    return servers.stream().filter(s -> s.node().equals(node)).toList();
  }

  public List<Integer> groups() {
    return servers.stream().map(Server::group).distinct().sorted().toList();
  }

  /** The config center's client addresses. */
  public List<String> controllerAddresses() {
    return servers.stream().filter(s -> s.group() == ClusterConfig.CONTROLLER_GROUP).map(Server::address).toList();
  }

  /** Each shard group's member addresses: what {@code join} takes. */
  public Map<Integer, List<String>> shardGroups() {
    Map<Integer, List<String>> m = new TreeMap<>();
    for (Server s : servers) {
      if (s.group() != ClusterConfig.CONTROLLER_GROUP) m.computeIfAbsent(s.group(), g -> new ArrayList<>()).add(s.address());
    }
    return m;
  }

  /** The cluster config file, the same on every host (data directories relative to the file). */
  public String renderConfig() {
    Path base = Path.of("/home");
    List<ClusterConfig.Node> nodes = servers.stream().map(s -> new ClusterConfig.Node(s.id(), s.group(), s.host(), s.port(),
        s.host(), s.adminPort(), base.resolve("data").resolve("node-" + s.id()))).toList();
    return ClusterConfig.render(settings, nodes, base);
  }
}
