package io.shardkv.server.process;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * A cluster of separate node JVMs on 127.0.0.1, described by {@code DIR/cluster.conf}: a config
 * center (group 0) and shard groups 1..G of R replicas each. Each node's pid is kept in
 * {@code DIR/node-ID.pid}, its stdout/stderr in {@code DIR/node-ID.out}, its log in
 * {@code DIR/node-ID.log}, its data in {@code DIR/node-ID/}. Starting an existing DIR restarts that
 * cluster from its data.
 */
public final class LocalCluster implements AutoCloseable {
  public static final String CONFIG_FILE = "cluster.conf";

  private final Path dir;
  private final ClusterConfig config;
  private final String classpath;
  private final List<String> jvmOptions;
  private final Map<Integer, Process> processes = new TreeMap<>();

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

  /** As above with {@code controllerReplicas} config-center nodes. */
  public static LocalCluster open(Path dir, int groups, int replicas, int controllerReplicas, String classpath,
      ClusterConfig.Settings settings) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.exists(file)) {
      if (groups < 1 || replicas < 1) throw new IllegalArgumentException("need at least one group and one replica");
      Files.createDirectories(dir);
      List<ClusterConfig.Node> nodes = new ArrayList<>();
      int nodeCount = controllerReplicas + groups * replicas;
      int[] ports = distinctFreePorts(2 * nodeCount);
      int id = 1;
      for (int g = 0; g <= groups; g++) {
        for (int r = 0; r < (g == 0 ? controllerReplicas : replicas); r++, id++) {
          int p = 2 * (id - 1);
          nodes.add(new ClusterConfig.Node(id, g, "127.0.0.1", ports[p], "127.0.0.1", ports[p + 1], dir.resolve("node-" + id)));
        }
      }
      ClusterConfig.Settings s = settings != null ? settings
          : ClusterConfig.parse(file, List.of("node 1 group=0 addr=127.0.0.1:1 admin=127.0.0.1:2 dir=x")).settings();
      Files.writeString(file, ClusterConfig.render(s, nodes, dir), StandardCharsets.UTF_8);
    }
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    jvm.addAll(extraJvmOptions(System.getenv(NODE_JVM_OPTS_ENV)));
    return new LocalCluster(dir, ClusterConfig.load(file), classpath, List.copyOf(jvm));
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

  /**
   * {@code n} ports that were free on 127.0.0.1 a moment ago, all different: every probe socket stays
   * bound until all are chosen, because the kernel may hand a just-closed ephemeral port out again.
   */
  private static int[] distinctFreePorts(int n) throws IOException {
    List<ServerSocket> probes = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket();
        probes.add(s);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : probes) s.close();
    }
  }

  public ClusterConfig config() {
    return config;
  }

  public Path dir() {
    return dir;
  }

  /** Config-center client addresses, comma separated: what {@code --cluster} takes. */
  public String controllerAddresses() {
    return String.join(",", config.addresses(ClusterConfig.CONTROLLER_GROUP));
  }

  public List<String> controllers() {
    return config.addresses(ClusterConfig.CONTROLLER_GROUP);
  }

  /** Starts every node not already running. */
  public void startAll() throws IOException {
    for (int id : config.nodes().keySet()) {
      if (pid(id).isEmpty()) start(id);
    }
  }

  /** Starts node {@code id}'s JVM. */
  public void start(int id) throws IOException {
    ClusterConfig.Node n = config.node(id);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Dlogback.configurationFile=shardkv-node-logback.xml");
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(ServerMain.class.getName());
    cmd.addAll(List.of("--config", config.file().toString(), "--node", String.valueOf(id),
        "--log", dir.resolve("node-" + id + ".log").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    File out = dir.resolve("node-" + id + ".out").toFile();
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    processes.put(id, p);
    Files.writeString(dir.resolve("node-" + id + ".pid"), p.pid() + "\n");
  }

  /** The live pid of node {@code id}, from its pid file. */
  public Optional<Long> pid(int id) {
    Path f = dir.resolve("node-" + id + ".pid");
    try {
      if (!Files.exists(f)) return Optional.empty();
      long pid = Long.parseLong(Files.readString(f).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(LocalCluster::runsServerMain)
          .map(ProcessHandle::pid);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * True unless {@code h}'s command line is known and does not run {@link ServerMain}. On Linux the
   * whole of {@code /proc/PID/cmdline} is read: {@link ProcessHandle.Info#commandLine()} stops at
   * 4096 bytes there, and a long class path (a test JVM's) pushes the class name past that, so a
   * running node would look like a stranger and never be killed.
   */
  static boolean runsServerMain(ProcessHandle h) {
    Path cmdline = Path.of("/proc", String.valueOf(h.pid()), "cmdline");
    try {
      if (Files.isReadable(cmdline)) {
        return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8)
            .contains(ServerMain.class.getName());
      }
    } catch (IOException e) {
      // gone meanwhile, or /proc unreadable: fall back to what the JDK says
    }
    return h.info().commandLine().map(c -> c.contains(ServerMain.class.getName())).orElse(true);
  }

  /** kill -9 of node {@code id}; waits until it is gone. */
  public void kill(int id) {
    pid(id).flatMap(ProcessHandle::of).ifPresent(h -> {
      h.destroyForcibly();
      h.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
    });
    processes.remove(id);
  }

  /** kill -9 of every node at once. */
  public void killAll() {
    List<ProcessHandle> hs = new ArrayList<>();
    for (int id : config.nodes().keySet()) pid(id).flatMap(ProcessHandle::of).ifPresent(hs::add);
    hs.forEach(ProcessHandle::destroyForcibly);
    hs.forEach(h -> h.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join());
    processes.clear();
  }

  /** SIGTERM to every node (graceful), then kill -9 whatever is left after {@code grace}. */
  public void stopAll(Duration grace) {
    List<ProcessHandle> hs = new ArrayList<>();
    for (int id : config.nodes().keySet()) pid(id).flatMap(ProcessHandle::of).ifPresent(hs::add);
    hs.forEach(ProcessHandle::destroy);
    long until = System.nanoTime() + grace.toNanos();
    for (ProcessHandle h : hs) {
      long left = Math.max(1, (until - System.nanoTime()) / 1_000_000);
      try {
        h.onExit().get(left, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
    processes.clear();
  }

  /**
   * Waits until every group has a leader, then joins the shard groups the latest configuration
   * lacks, and waits until every shard is assigned and the config center has the groups.
   */
  public void awaitHealthyAndJoined(Duration timeout) throws IOException {
    long until = System.nanoTime() + timeout.toNanos();
    try (ShardKvClient client = ShardKvClient.connect(controllers(), ClientOptions.defaults()
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

  /** Group → leader node id, from each running node's STATUS. */
  public Map<Integer, Integer> leaders(ShardKvClient client) {
    Map<Integer, Integer> leaders = new TreeMap<>();
    for (ClusterConfig.Node n : config.nodes().values()) {
      try {
        Map<String, String> st = client.nodeStatus(n.address(), Duration.ofMillis(300));
        if ("leader".equals(st.get("role"))) leaders.put(n.group(), n.id());
      } catch (KvException e) {
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
