package io.shardkv.harness;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import io.shardkv.server.process.ClusterConfig;
import io.shardkv.server.process.FreePorts;
import io.shardkv.server.process.ReplicaStatuses;
import io.shardkv.server.process.ServerMain;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A cluster of separate server JVMs on 127.0.0.1, described by {@code DIR/cluster.conf}: a config
 * center (group 0) and shard groups 1..G of R replicas each — either one JVM per replica (the node
 * format, {@link #open}) or S JVMs each hosting a replica of several groups (the server format,
 * {@link #openServers}). Ids below are node ids in the first, server ids in the second. Each node's pid is kept in
 * {@code DIR/node-ID.pid}, its stdout/stderr in {@code DIR/node-ID.out}, its log in
 * {@code DIR/node-ID.log}, its data in {@code DIR/node-ID/}. Starting an existing DIR restarts that
 * cluster from its data.
 */
public final class LocalCluster implements AutoCloseable {
  public static final String CONFIG_FILE = "cluster.conf";
  /** How long kill and stop wait for a killed node to exit. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final Path dir;
  private final ClusterConfig config;
  private final String classpath;
  private final List<String> jvmOptions;
  private Launcher launcher = LocalCluster::launchChild;

  private LocalCluster(Path dir, ClusterConfig config, String classpath, List<String> jvmOptions) {
    this.dir = dir;
    this.config = config;
    this.classpath = classpath;
    this.jvmOptions = jvmOptions;
  }

  /**
   * Opens the cluster in {@code dir}: reads its cluster.conf, or writes a new one with free
   * 127.0.0.1 ports for {@code groups} groups of {@code replicas} nodes (plus a config center of
   * {@code replicas} nodes).
   */
  public static LocalCluster open(Path dir, int groups, int replicas, String classpath) throws IOException {
    return open(dir, groups, replicas, classpath, null);
  }

  public static LocalCluster open(Path dir, int groups, int replicas, String classpath,
      ClusterConfig.Settings settings) throws IOException {
    return open(dir, groups, replicas, replicas, classpath, settings);
  }

  /**
   * Opens the cluster in {@code dir} in the server format (docs/config.md): {@code servers} JVMs, each
   * hosting replicas of several groups — the config center (group 0) and shard groups 1..{@code groups},
   * each replicated on {@code min(replicas, servers)} servers, spread round robin. An existing
   * cluster.conf (either format) is used as it is.
   */
  public static LocalCluster openServers(Path dir, int servers, int groups, int replicas, String classpath,
      ClusterConfig.Settings settings) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.exists(file)) {
      if (servers < 1 || groups < 1 || replicas < 1) {
        throw new IllegalArgumentException("need at least one server, one group and one replica");
      }
      Files.createDirectories(dir);
      int[] ports = FreePorts.distinctFreePorts(2 * servers);
      List<ClusterConfig.Server> list = new ArrayList<>();
      for (int id = 1; id <= servers; id++) {
        int p = 2 * (id - 1);
        list.add(new ClusterConfig.Server(id, "127.0.0.1", ports[p], "127.0.0.1", ports[p + 1], dir.resolve("node-" + id)));
      }
      int r = Math.min(replicas, servers);
      Map<Integer, List<Integer>> members = new TreeMap<>();
      for (int g = 0; g <= groups; g++) {
        List<Integer> m = new ArrayList<>();
        for (int k = 0; k < r; k++) m.add(1 + (g * r + k) % servers);
        members.put(g, m.stream().distinct().sorted().toList());
      }
      ClusterConfig.Settings s = settings != null ? settings : defaultSettings(file);
      Files.writeString(file, ClusterConfig.renderServers(s, list, members, dir), StandardCharsets.UTF_8);
    }
    return new LocalCluster(dir, ClusterConfig.load(file), classpath, nodeJvmOptions());
  }

  private static ClusterConfig.Settings defaultSettings(Path file) {
    return ClusterConfig.parse(file, List.of("node 1 group=0 addr=127.0.0.1:1 admin=127.0.0.1:2 dir=x")).settings();
  }

  private static List<String> nodeJvmOptions() {
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    jvm.addAll(extraJvmOptions(System.getenv(NODE_JVM_OPTS_ENV)));
    return List.copyOf(jvm);
  }

  /** As above with {@code configCenterReplicas} config-center nodes (the node format: one JVM per replica). */
  public static LocalCluster open(Path dir, int groups, int replicas, int configCenterReplicas, String classpath,
      ClusterConfig.Settings settings) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.exists(file)) {
      if (groups < 1 || replicas < 1) throw new IllegalArgumentException("need at least one group and one replica");
      Files.createDirectories(dir);
      List<ClusterConfig.Node> nodes = new ArrayList<>();
      int nodeCount = configCenterReplicas + groups * replicas;
      int[] ports = FreePorts.distinctFreePorts(2 * nodeCount);
      int id = 1;
      for (int g = 0; g <= groups; g++) {
        for (int r = 0; r < (g == 0 ? configCenterReplicas : replicas); r++, id++) {
          int p = 2 * (id - 1);
          nodes.add(new ClusterConfig.Node(id, g, "127.0.0.1", ports[p], "127.0.0.1", ports[p + 1], dir.resolve("node-" + id)));
        }
      }
      ClusterConfig.Settings s = settings != null ? settings : defaultSettings(file);
      Files.writeString(file, ClusterConfig.render(s, nodes, dir), StandardCharsets.UTF_8);
    }
    return new LocalCluster(dir, ClusterConfig.load(file), classpath, nodeJvmOptions());
  }

  /**
   * Environment variable with extra node JVM options (whitespace separated), appended after the
   * defaults so they override them — e.g. {@code -XX:StartFlightRecording=filename=node.jfr} to
   * profile the nodes, or {@code -XX:TieredStopAtLevel=4} to let C2 compile them.
   */
  public static final String NODE_JVM_OPTS_ENV = "SHARDKV_NODE_JVM_OPTS";

  static List<String> extraJvmOptions(String value) {
    if (value == null || value.isBlank()) return List.of();
    return List.of(value.trim().split("\\s+"));
  }

  /** How a node's command is started; returns the node's pid. A seam for tests. */
  interface Launcher {
    long launch(List<String> command, Path output) throws IOException;
  }

  /** Starts nodes through {@code l} instead of as children of this JVM (tests). */
  void useLauncher(Launcher l) {
    this.launcher = l;
  }

  /** The node as a child of this JVM, stdout and stderr appended to {@code output}. */
  private static long launchChild(List<String> command, Path output) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return pb.start().pid();
  }

  public ClusterConfig config() {
    return config;
  }

  public Path dir() {
    return dir;
  }

  /** Config-center client addresses, comma separated: what {@code --cluster} takes. */
  public String configCenterCsv() {
    return String.join(",", config.addresses(ClusterConfig.CONFIG_CENTER_GROUP));
  }

  public List<String> configCenterAddresses() {
    return config.addresses(ClusterConfig.CONFIG_CENTER_GROUP);
  }

  /** Starts every node that is not running ({@link #pid}: an exited or zombie node is not). */
  public void startAll() throws IOException {
    for (int id : config.servers().keySet()) {
      if (pid(id).isEmpty()) start(id);
    }
  }

  /** Starts node {@code id}'s JVM. */
  public void start(int id) throws IOException {
    config.server(id); // an unknown id fails here, with the servers there are
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Dlogback.configurationFile=shardkv-node-logback.xml");
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.addAll(nodeWords(id));
    cmd.addAll(List.of("--log", dir.resolve("node-" + id + ".log").toString()));
    long pid = launcher.launch(cmd, dir.resolve("node-" + id + ".out"));
    Files.writeString(pidFile(id), pid + "\n");
  }

  /**
   * The words node {@code id}'s command line has in a row: the server's main class, this cluster's
   * config file and the node id. A pid counts as node {@code id} only if it runs them.
   */
  private List<String> nodeWords(int id) {
    return List.of(ServerMain.class.getName(), "--config", config.file().toString(), "--node", String.valueOf(id));
  }

  private Path pidFile(int id) {
    return dir.resolve("node-" + id + ".pid");
  }

  /**
   * The pid of node {@code id} if it is running: the pid in its pid file, if that process has not
   * exited (a zombie has) and runs this node ({@link ProcessLiveness}).
   */
  public Optional<Long> pid(int id) {
    return ProcessLiveness.runningPid(pidFile(id), nodeWords(id));
  }

  /** kill -9 of node {@code id}; waits until it has exited (a zombie has). */
  public void kill(int id) {
    pid(id).ifPresent(p -> {
      ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
      ProcessLiveness.awaitExit(p, nodeWords(id), KILL_WAIT);
    });
  }

  /** kill -9 of every running node at once; waits until they have exited. */
  public void killAll() {
    Map<Integer, Long> running = running();
    running.values().forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    running.forEach((id, p) -> ProcessLiveness.awaitExit(p, nodeWords(id), KILL_WAIT));
  }

  /**
   * SIGTERM to every running node (graceful), then kill -9 whatever still runs after {@code grace}.
   * Nodes that are not running (exited, zombie, no pid file) are neither signalled nor waited for.
   */
  public void stopAll(Duration grace) {
    Map<Integer, Long> running = running();
    running.values().forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroy));
    long until = System.nanoTime() + grace.toNanos();
    for (Map.Entry<Integer, Long> e : running.entrySet()) {
      Duration left = Duration.ofNanos(Math.max(0, until - System.nanoTime()));
      if (!ProcessLiveness.awaitExit(e.getValue(), nodeWords(e.getKey()), left)) {
        ProcessHandle.of(e.getValue()).ifPresent(ProcessHandle::destroyForcibly);
        ProcessLiveness.awaitExit(e.getValue(), nodeWords(e.getKey()), KILL_WAIT);
      }
    }
  }

  /** Node id → pid of every running node. */
  public Map<Integer, Long> running() {
    Map<Integer, Long> m = new TreeMap<>();
    for (int id : config.servers().keySet()) pid(id).ifPresent(p -> m.put(id, p));
    return m;
  }

  /**
   * Waits until every group has a leader, then joins the shard groups the latest configuration
   * lacks, and waits until every shard is assigned and the config center has the groups.
   */
  public void awaitHealthyAndJoined(Duration timeout) throws IOException {
    long until = System.nanoTime() + timeout.toNanos();
    try (ShardKvClient client = ShardKvClient.connect(configCenterAddresses(), ClientOptions.defaults()
        .withCallTimeout(Duration.ofSeconds(5)).withAttemptTimeout(Duration.ofMillis(500)))) {
      String last = "";
      while (System.nanoTime() < until) {
        Map<Integer, Integer> leaders = leaders(client);
        List<Integer> missing = new ArrayList<>();
        for (int g = 0; g <= config.shardGroups().size(); g++) {
          int gg = g == 0 ? 0 : config.shardGroups().get(g - 1);
          if (!leaders.containsKey(gg)) missing.add(gg);
        }
        if (missing.isEmpty()) {
          try {
            Configuration c = client.query(-1);
            Map<Integer, List<String>> join = new LinkedHashMap<>();
            for (int g : config.shardGroups()) {
              if (!c.groups().containsKey(g)) join.put(g, config.addresses(g));
            }
            if (!join.isEmpty()) {
              client.join(join);
              continue;
            }
            return;
          } catch (KvException e) {
            last = "config center: " + e.getMessage();
          }
        } else {
          last = "groups without a leader yet: " + missing;
        }
        sleep(200);
      }
      throw new IOException("cluster in " + dir + " not healthy within " + timeout.toSeconds() + " s (" + last
          + "); see the node-*.log and node-*.out files there");
    }
  }

  /** Group → leader node (server) id, from each running server's STATUS (one entry per hosted replica). */
  public Map<Integer, Integer> leaders(ShardKvClient client) {
    Map<Integer, Integer> leaders = new TreeMap<>();
    for (ClusterConfig.Server n : config.servers().values()) {
      try {
        Map<String, String> st = client.nodeStatus(n.address(), Duration.ofMillis(300));
        for (Map<String, String> r : ReplicaStatuses.of(st)) {
          if ("leader".equals(r.get("role"))) leaders.put(Integer.parseInt(r.get("group")), n.id());
        }
      } catch (KvException | NumberFormatException e) {
        // down or starting
      }
    }
    return leaders;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopAll(Duration.ofSeconds(5));
  }
}
