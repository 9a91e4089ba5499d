package io.shardkv.chaos.db;

import io.shardkv.chaos.control.Host;
import io.shardkv.server.process.ClusterConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where the cluster's servers run — the production model (issue 13, docs/config.md's server
 * format, what Ansible deploys): one server process per host, hosting that host's replica of every
 * group placed on it. The groups — the config center (group 0) and shard groups 1..G, R replicas
 * each — are placed round-robin over the hosts, so no group has two replicas on one host. Each
 * host's server listens on {@code firstPort} and serves {@code /status} on {@code firstAdminPort};
 * its id is the host's position in the host list (n1 → 1), which is also the Raft id of every
 * replica it hosts. A host no group is placed on runs no server. Every host gets the same config
 * file; data directories are relative to it ({@code data/server-ID}).
 *
 * <p><b>Spare incarnations</b> (for the {@code member} nemesis, docs/membership.md): every host also
 * has {@link #SPARES_PER_HOST} spare servers ({@code spare=true}: in no group at first), server
 * {@code 100*j + k} for the j-th spare of host n<i>k</i>, on ports {@code firstPort + j} and
 * {@code firstAdminPort + j}. A server id that was once a member of a group never rejoins it with
 * fresh storage (rule 8 there), so a host whose replica of a group was removed can host a fresh
 * replica of it again only under a new id: one of its spares. Spares run only once started on
 * demand ({@link ShardKvDb#activate}); every server reads their lines at its start, so no restart is
 * needed to add one.
 *
 * <p>This is the one place that knows the process model; the lifecycle ({@link ShardKvDb}) acts
 * on "the host's servers", which is now one process.
 *
 * @param servers the servers that host a group from the start (one per host that has a group)
 * @param spares the spare incarnations of every host, in host order then j
 * @param groups group id → the ids of the servers hosting a replica of it, ascending
 */
public record Topology(List<Host> hosts, List<Server> servers, List<Server> spares, SortedMap<Integer, List<Integer>> groups,
    ClusterConfig.Settings settings) {
  /** Spare incarnations declared per host: how many times a host can host a fresh replica of a group it left. */
  public static final int SPARES_PER_HOST = 2;

  /** How many groups and replicas, and the ports of each host's server. */
  public record Shape(int configCenterReplicas, int shardGroups, int replicas, int firstPort, int firstAdminPort) {
    /** A config center of 3 and 2 shard groups of 3, on port 7000 (admin 8000). */
    public static Shape defaults() {
      return new Shape(3, 2, 3, 7000, 8000);
    }

    public Shape withGroups(int configCenterReplicas, int shardGroups, int replicas) {
      return new Shape(configCenterReplicas, shardGroups, replicas, firstPort, firstAdminPort);
    }
  }

  /** One server process: its id, the host it runs on (name and address), its ports, the groups it hosts. */
  public record Server(int id, String node, String host, int port, int adminPort, List<Integer> groups) {
    public Server {
      groups = List.copyOf(groups);
    }

    public String address() {
      return host + ":" + port;
    }

    public String adminAddress() {
      return host + ":" + adminPort;
    }
  }

  public Topology {
    hosts = List.copyOf(hosts);
    servers = List.copyOf(servers);
    spares = List.copyOf(spares);
    TreeMap<Integer, List<Integer>> g = new TreeMap<>();
    groups.forEach((k, v) -> g.put(k, List.copyOf(v)));
    groups = java.util.Collections.unmodifiableSortedMap(g);
  }

  /** The settings a config file without settings lines has (docs/config.md). */
  public static ClusterConfig.Settings defaultSettings() {
    return ClusterConfig.parse(Path.of("defaults"), List.of("node 1 group=0 addr=127.0.0.1:1 admin=127.0.0.1:2 dir=x")).settings();
  }

  /** Places the shape's groups on {@code hosts}; rejects a shape the hosts cannot hold. */
  public static Topology place(List<Host> hosts, Shape shape, ClusterConfig.Settings settings) {
    if (hosts.isEmpty()) throw new IllegalArgumentException("no hosts to place servers on");
    int max = Math.max(shape.configCenterReplicas(), shape.replicas());
    if (max > hosts.size()) {
      throw new IllegalArgumentException(max + " replicas per group need at least " + max + " hosts (one replica per host),"
          + " got " + hosts.size());
    }
    if (shape.configCenterReplicas() < 1 || shape.replicas() < 1 || shape.shardGroups() < 1) {
      throw new IllegalArgumentException("need at least 1 config-center replica, 1 shard group and 1 replica per group");
    }
    TreeMap<Integer, List<Integer>> groups = new TreeMap<>();
    int slot = 0;
    for (int g = 0; g <= shape.shardGroups(); g++) {
      int n = g == 0 ? shape.configCenterReplicas() : shape.replicas();
      List<Integer> members = new ArrayList<>();
      for (int r = 0; r < n; r++, slot++) members.add(slot % hosts.size() + 1); // n <= hosts: distinct
      groups.put(g, members.stream().sorted().toList());
    }
    List<Server> servers = new ArrayList<>();
    for (int k = 0; k < hosts.size(); k++) {
      int id = k + 1;
      List<Integer> hosted = groups.entrySet().stream().filter(e -> e.getValue().contains(id)).map(Map.Entry::getKey).toList();
      if (hosted.isEmpty()) continue;
      Host h = hosts.get(k);
      servers.add(new Server(id, h.name(), h.address(), shape.firstPort(), shape.firstAdminPort(), hosted));
    }
    if (hosts.size() >= 100) throw new IllegalArgumentException("at most 99 hosts (spare server ids are 100*j + host)");
    List<Server> spares = new ArrayList<>();
    for (int k = 0; k < hosts.size(); k++) {
      Host h = hosts.get(k);
      for (int j = 1; j <= SPARES_PER_HOST; j++) {
        spares.add(new Server(100 * j + k + 1, h.name(), h.address(), shape.firstPort() + j, shape.firstAdminPort() + j, List.of()));
      }
    }
    Topology t = new Topology(hosts, servers, spares, groups, settings);
    ClusterConfig.parse(Path.of("cluster.conf"), t.renderConfig().lines().toList()); // what the servers will read
    return t;
  }

  /** The servers on host {@code node}: one, or none if no group is placed there. */
  public List<Server> on(String node) {
    return servers.stream().filter(s -> s.node().equals(node)).toList();
  }

  /** Server {@code id}: one that hosts a group from the start, or a spare. */
  public Server server(int id) {
    return declared().stream().filter(s -> s.id() == id).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no server " + id + " (servers: " + declared().stream().map(Server::id).toList() + ")"));
  }

  /** Every server of host {@code node}: its group-hosting server (if any) first, then its spares in order. */
  public List<Server> incarnations(String node) {
    return declared().stream().filter(s -> s.node().equals(node)).toList();
  }

  /** Every server the config file declares: those hosting a group from the start, then the spares. */
  public List<Server> declared() {
    List<Server> l = new ArrayList<>(servers);
    l.addAll(spares);
    return l;
  }

  /** Group ids, ascending: 0 (the config center) and the shard groups. */
  public List<Integer> groupIds() {
    return List.copyOf(groups.keySet());
  }

  /** How many replicas all groups have together (what one process per replica would have started). */
  public int replicaCount() {
    return groups.values().stream().mapToInt(List::size).sum();
  }

  /** The config center's client addresses. */
  public List<String> configCenterAddresses() {
    return addresses(ClusterConfig.CONFIG_CENTER_GROUP);
  }

  /** Each shard group's member addresses: what {@code join} takes. */
  public Map<Integer, List<String>> shardGroups() {
    Map<Integer, List<String>> m = new TreeMap<>();
    groups.keySet().stream().filter(g -> g != ClusterConfig.CONFIG_CENTER_GROUP).forEach(g -> m.put(g, addresses(g)));
    return m;
  }

  private List<String> addresses(int group) {
    return groups.getOrDefault(group, List.of()).stream().map(id -> server(id).address()).toList();
  }

  /** The cluster config file in the server format, the same on every host (data directories relative to the file). */
  public String renderConfig() {
    Path base = Path.of("/home");
    List<ClusterConfig.Server> list = declared().stream().map(s -> new ClusterConfig.Server(s.id(), s.host(), s.port(), s.host(),
        s.adminPort(), base.resolve("data").resolve("server-" + s.id()))).toList();
    java.util.Set<Integer> spareIds = new java.util.TreeSet<>();
    spares.forEach(s -> spareIds.add(s.id()));
    return ClusterConfig.renderServers(settings, list, spareIds, groups, base);
  }
}
