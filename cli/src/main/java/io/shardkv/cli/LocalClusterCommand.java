package io.shardkv.cli;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import io.shardkv.harness.LocalCluster;
import io.shardkv.server.process.ClusterConfig;
import io.shardkv.server.process.ReplicaStatuses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shardkv local-cluster start|stop|status}: a cluster of node JVMs on 127.0.0.1. */
@Command(name = "local-cluster", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Start, stop or inspect a cluster of separate node JVMs on 127.0.0.1.",
        "start prints how to connect; its last line is cluster=HOST:PORT,... (the config-center addresses).",
        "start on an existing --dir restarts that cluster from its data, starting every node that is not running.",
        "status exits 1 when a node is down (not running, or not answering) or a group has no leader."})
public final class LocalClusterCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "start|stop|status", description = "what to do")
  String action;

  @Option(names = "--groups", defaultValue = "3", description = "shard groups (new cluster only; default 3)")
  int groups;

  @Option(names = "--replicas", defaultValue = "3", description = "nodes per group (new cluster only; default 3)")
  int replicas;

  @Option(names = "--servers", paramLabel = "N", description = {"new cluster only: N server JVMs, each hosting replicas of"
      + " several groups (the config center and the shard groups, each on min(--replicas, N) servers); without it,"
      + " one JVM per replica as before"})
  Integer servers;

  @Option(names = "--dir", defaultValue = "shardkv-local", description = "cluster directory (default ./shardkv-local)")
  Path dir;

  @Override
  public Integer call() throws Exception {
    switch (action) {
      case "start":
        return start();
      case "stop":
        return stop();
      case "status":
        return status();
      default:
        System.err.println("local-cluster: unknown action '" + action + "'; use start, stop or status");
        return 2;
    }
  }

  static String classpath() {
    return System.getProperty("java.class.path");
  }

  private int start() throws Exception {
    if (groups < 1 || replicas < 1 || (servers != null && servers < 1)) {
      System.err.println("local-cluster: --groups, --replicas and --servers must be at least 1");
      return 2;
    }
    boolean existing = Files.exists(dir.resolve(LocalCluster.CONFIG_FILE));
    LocalCluster c;
    try {
      c = servers != null ? LocalCluster.openServers(dir, servers, groups, replicas, classpath(), null)
          : LocalCluster.open(dir, groups, replicas, classpath());
    } catch (ClusterConfig.ConfigException e) {
      System.err.println("local-cluster: " + e.getMessage());
      return 2;
    } catch (java.io.IOException e) {
      System.err.println("local-cluster: cannot use --dir " + dir + ": " + ShardKv.describe(e)
          + "; give a directory you can write (it is created if missing)");
      return 2;
    }
    boolean nodeFormat = c.config().nodeFormat();
    System.out.println((existing ? "restarting" : "starting") + " " + c.config().servers().size()
        + (nodeFormat ? " nodes" : " servers hosting " + c.config().groups().size() + " groups") + " from "
        + c.dir().resolve(LocalCluster.CONFIG_FILE));
    c.startAll();
    try {
      c.awaitHealthyAndJoined(Duration.ofSeconds(90));
    } catch (java.io.IOException e) {
      System.err.println("local-cluster: " + e.getMessage());
      return 1;
    }
    for (ClusterConfig.Server n : c.config().servers().values()) {
      List<Integer> hosted = c.config().groupsOf(n.id());
      System.out.println("  " + (nodeFormat ? "node " + n.id() + " group " + hosted.get(0)
          : "server " + n.id() + " groups " + String.join(",", hosted.stream().map(String::valueOf).toList()))
          + " " + n.address() + " pid " + c.pid(n.id()).map(String::valueOf).orElse("-") + " admin http://"
          + n.adminAddress() + "/status");
    }
    System.out.println("healthy. connect with:  bin/shardkv client --cluster " + c.configCenterCsv() + " put k v");
    System.out.println("stop with:             bin/shardkv local-cluster stop --dir " + c.dir());
    System.out.println("cluster=" + c.configCenterCsv());
    return 0;
  }

  private LocalCluster existing() throws Exception {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      System.err.println("local-cluster: --dir " + dir + " is not a directory");
      return null;
    }
    if (!Files.exists(dir.resolve(LocalCluster.CONFIG_FILE))) {
      System.err.println("local-cluster: no cluster in " + dir.toAbsolutePath() + " (no " + LocalCluster.CONFIG_FILE
          + "); start one with: bin/shardkv local-cluster start --dir " + dir);
      return null;
    }
    return LocalCluster.open(dir, groups, replicas, classpath());
  }

  private int stop() throws Exception {
    LocalCluster c = existing();
    if (c == null) return 1;
    int running = c.running().size();
    c.stopAll(Duration.ofSeconds(10));
    System.out.println("stopped " + running + " node(s) of " + c.dir());
    return 0;
  }

  /**
   * One row per node; exits 1 when any node is down — not running (no pid file, or its process
   * exited — a zombie has) or not answering STATUS — or when a group has no node in role leader.
   */
  private int status() throws Exception {
    LocalCluster c = existing();
    if (c == null) return 1;
    List<Integer> down = new ArrayList<>();
    java.util.Set<Integer> led = new java.util.TreeSet<>();
    try (ShardKvClient client = ShardKvClient.connect(c.configCenterAddresses(), ClientOptions.defaults()
        .withCallTimeout(Duration.ofSeconds(3)).withAttemptTimeout(Duration.ofMillis(500)))) {
      System.out.printf("%-5s %-6s %-22s %-8s %-10s %-6s %-7s %s%n", "node", "group", "address", "pid", "role", "term", "leader", "applied");
      for (ClusterConfig.Server n : c.config().servers().values()) {
        String pid = c.pid(n.id()).map(String::valueOf).orElse("-");
        List<Map<String, String>> rows;
        try {
          rows = ReplicaStatuses.of(client.nodeStatus(n.address(), Duration.ofMillis(500)));
        } catch (KvException e) {
          rows = List.of();
        }
        if (pid.equals("-") || rows.isEmpty()) down.add(n.id());
        // One row per hosted replica (a server may host several groups).
        for (int g : c.config().groupsOf(n.id())) {
          Map<String, String> st = Map.of("role", "down");
          for (Map<String, String> r : rows) if (String.valueOf(g).equals(r.get("group"))) st = r;
          if ("leader".equals(st.get("role"))) led.add(g);
          System.out.printf("%-5d %-6d %-22s %-8s %-10s %-6s %-7s %s%n", n.id(), g, n.address(), pid,
              st.getOrDefault("role", "?"), st.getOrDefault("term", "-"), st.getOrDefault("leader", "-"),
              st.getOrDefault("applied", "-"));
        }
      }
      try {
        Configuration cfg = client.query(-1);
        System.out.println(ConfigText.describe(cfg));
      } catch (KvException e) {
        System.out.println("configuration: unavailable (" + e.getMessage() + ")");
      }
    }
    if (!down.isEmpty()) {
      System.err.println("local-cluster: " + down.size() + " of " + c.config().servers().size() + " node(s) down: "
          + down + "; restart them with: bin/shardkv local-cluster start --dir " + dir);
    }
    java.util.Set<Integer> leaderless = new java.util.TreeSet<>();
    for (int g : c.config().groups().keySet()) {
      if (!led.contains(g)) leaderless.add(g);
    }
    for (int g : leaderless) {
      System.err.println("local-cluster: " + (g == 0 ? "the config center (group 0)" : "group " + g)
          + " has no leader; its keys are unavailable until a majority of its nodes runs");
    }
    System.out.println("cluster=" + c.configCenterCsv());
    return down.isEmpty() && leaderless.isEmpty() ? 0 : 1;
  }
}
