package io.shardkv.chaos.db;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Kernel;
import io.shardkv.chaos.control.Parallel;
import io.shardkv.chaos.control.Remote;
import io.shardkv.chaos.control.Shell;
import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ShardKV on its hosts, over SSH, as production runs it (docs/config.md's server format): one
 * server process per host, hosting the host's replica of every group placed there ({@link Topology}).
 * Each host has a home directory ({@code HOME}; ID is the host's server id):
 * <pre>
 *   HOME/cluster.conf          the cluster config (the same on every host)
 *   HOME/dist/DIST/lib/*.jar   the server distribution ({@link ServerDistribution})
 *   HOME/bin/server            launcher: execs the JVM for one server id (with the clock environment)
 *   HOME/bin/shardkv-host      process control by pid file (start, kill, signal, status)
 *   HOME/run/node-ID.pid       the server process's pid file (start-stop-daemon --make-pidfile)
 *   HOME/data/server-ID/       data, one group-G/ per hosted replica (wiped by setup)
 *   HOME/logs/node-ID.log|.out the server log (every hosted replica's lines) and its stdout/stderr
 *   HOME/bin/skv-lazyfs        the power-loss file system (only mounted after {@link #usePowerLoss()})
 *   HOME/lazyfs/               its state: durable/ (what survives a power loss), visible/, daemon.log
 * </pre>
 * With {@link #usePowerLoss()}, {@code HOME/data} is an skv-lazyfs mount (docs/chaos.md, "Power
 * loss"): setup mounts it, {@link #losePower} drops what was not fsynced, teardown unmounts it; a
 * stale mount left by a crashed controller is unmounted before anything else touches the data.
 * Process faults act on that one process, as in Jepsen: killing a node kills the database on it.
 * A host's spare servers ({@link Topology}, {@link SpareServers}) run only once {@link #activate}d;
 * from then on every fault, start and status of the host includes them too.
 * Data and logs stay after {@link #teardown()} (for post-mortems and {@link #collectLogs}); the next
 * {@link #setup()} wipes them.
 */
public final class ShardKvDb implements Db, SpareServers {
  private static final Logger log = LoggerFactory.getLogger(ShardKvDb.class);
  private static final Duration SHORT = Duration.ofSeconds(60);
  /** How long a failed start waits for the other servers to settle before naming the dead ones. */
  private static final Duration SETTLE = Duration.ofSeconds(20);

  /**
   * @param distribution the jars shipped to every host
   * @param jvmOptions options of every server JVM
   * @param setupTimeout how long setup waits for a leader in every group and the joins
   * @param workDir a local directory for the generated files (config, launchers), e.g. in the run directory
   */
  public record Options(ServerDistribution distribution, List<String> jvmOptions, Duration setupTimeout, Path workDir) {
    /** Small heaps and a fast-starting JIT, as {@code local-cluster} uses. */
    public static final List<String> DEFAULT_JVM_OPTIONS =
        List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
  }

  private final Topology topology;
  private final Map<String, Remote> remotes;
  private final Function<String, String> homeOf;
  private final Function<String, Map<String, String>> launchEnvironment;
  private final Options options;
  /** Spare servers started since the last setup ({@link #activate}); they belong to their host from then on. */
  private final Set<Integer> activated = new ConcurrentSkipListSet<>();
  /** Whether setup mounts the power-loss layer over each host's data ({@link #usePowerLoss()}). */
  private volatile boolean powerLoss;

  /**
   * @param remotes one per host of the topology, by host name
   * @param homeOf each host's home directory (absolute path on that host)
   * @param launchEnvironment extra environment of each host's server processes (libfaketime)
   */
  public ShardKvDb(Topology topology, Map<String, Remote> remotes, Function<String, String> homeOf,
      Function<String, Map<String, String>> launchEnvironment, Options options) {
    this.topology = topology;
    this.remotes = Map.copyOf(remotes);
    this.homeOf = homeOf;
    this.launchEnvironment = launchEnvironment;
    this.options = options;
    for (var h : topology.hosts()) {
      if (!remotes.containsKey(h.name())) throw new IllegalArgumentException("no connection to host " + h.name());
    }
  }

  public Topology topology() {
    return topology;
  }

  @Override
  public List<String> nodes() {
    return topology.hosts().stream().map(h -> h.name()).toList();
  }

  private Remote remote(String node) {
    Remote r = remotes.get(node);
    if (r == null) throw new IllegalArgumentException("no host named '" + node + "' (hosts: " + nodes() + ")");
    return r;
  }

  private String home(String node) {
    return homeOf.apply(node);
  }

  private String ctl(String node) {
    return Shell.quote(home(node) + "/bin/shardkv-host");
  }

  /** The host's servers that run or should: its group-hosting server and its activated spares. */
  private List<Topology.Server> serversOn(String node) {
    return topology.incarnations(node).stream().filter(s -> !s.groups().isEmpty() || activated.contains(s.id())).toList();
  }

  private String ids(String node) {
    return serversOn(node).stream().map(s -> Integer.toString(s.id())).collect(Collectors.joining(" "));
  }

  @Override
  public void activate(int id) {
    Topology.Server s = topology.server(id);
    activated.add(id);
    Remote.Result r = remote(s.node()).exec(ctl(s.node()) + " start " + id, Duration.ofSeconds(120));
    if (!r.ok()) {
      throw new ChaosException("host " + s.node() + ": spare server " + id + " did not start:\n" + r.stdout().strip()
          + (r.stderr().isBlank() ? "" : "\n" + r.stderr().strip()));
    }
  }

  @Override
  public Set<Integer> active() {
    Set<Integer> ids = new TreeSet<>(activated);
    topology.servers().forEach(s -> ids.add(s.id()));
    return ids;
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void setup() {
    activated.clear(); // setup wipes every host's data: spares start unused again
    long t0 = System.nanoTime();
    Path tar = options.distribution().tarball(Path.of(System.getProperty("java.io.tmpdir"), "shardkv-chaos-dist"));
    Path script = writeResource("shardkv-host.sh");
    Path lazyFs = writeResource("skv-lazyfs.py"); // once: the hosts' installs upload it in parallel
    Parallel.forEach(nodes(), node -> install(node, tar, script, lazyFs));
    log.info("installed on {} hosts in {} ms; starting {} servers hosting {} replicas", nodes().size(),
        (System.nanoTime() - t0) / 1_000_000, topology.servers().size(), topology.replicaCount());
    Parallel.forEach(nodes(), node -> {
      if (!serversOn(node).isEmpty()) startServers(node);
    });
    new ClusterHealth(topology, this::deadServers).awaitLeadersAndJoin(options.setupTimeout());
    log.info("cluster up in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  /** Stops old servers, wipes data and logs, installs distribution, config, launcher and script. */
  private void install(String node, Path tar, Path script, Path lazyFs) {
    Remote r = remote(node);
    String home = home(node);
    String q = Shell.quote(home);
    r.execOk("mkdir -p " + q + "/bin " + q + "/run " + q + "/logs " + q + "/dist", SHORT);
    r.upload(script, home + "/bin/shardkv-host");
    r.execOk("chmod 755 " + ctl(node) + " && " + ctl(node) + " kill-all", SHORT);
    r.execOk(unmountData(node), SHORT); // a mount left by an earlier run (its controller died) goes first
    r.execOk("rm -rf " + q + "/data " + q + "/lazyfs " + q + "/logs/* && mkdir -p " + q + "/data", SHORT);
    if (powerLoss) mountLazyFs(node, r, lazyFs);
    String java = checkTools(r);
    String dist = home + "/dist/" + options.distribution().id();
    if (!r.exec("test -f " + Shell.quote(dist + "/.complete"), SHORT).ok()) {
      String remoteTar = dist + ".tar";
      r.upload(tar, remoteTar);
      r.execOk("rm -rf " + Shell.quote(dist) + " && mkdir -p " + Shell.quote(dist) + " && tar -xf " + Shell.quote(remoteTar)
          + " -C " + Shell.quote(dist) + " && rm -f " + Shell.quote(remoteTar) + " && touch " + Shell.quote(dist + "/.complete"), SHORT);
    }
    upload(r, topology.renderConfig(), home + "/cluster.conf", "cluster-" + node + ".conf");
    upload(r, launcher(node, java, dist), home + "/bin/server", "server-" + node + ".sh");
    r.execOk("chmod 755 " + Shell.quote(home + "/bin/server"), SHORT);
  }

  /** The host's java (17 or later) and start-stop-daemon, or a message saying what to install. */
  private static String checkTools(Remote r) {
    String node = r.host().name();
    if (!r.exec("command -v start-stop-daemon", SHORT).ok()) {
      throw new ChaosException("host " + node + " has no start-stop-daemon (Debian package dpkg); install it");
    }
    Remote.Result j = r.exec("command -v java && java -version 2>&1", SHORT);
    if (!j.ok()) {
      throw new ChaosException("host " + node + " has no java; install a JDK or JRE 17 or later (apt-get install"
          + " openjdk-17-jre-headless)");
    }
    String[] lines = j.stdout().strip().split("\n");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("version \"(\\d+)").matcher(j.stdout());
    if (m.find() && Integer.parseInt(m.group(1)) < 17) {
      throw new ChaosException("host " + node + ": " + lines[0] + " is older than Java 17 (" + j.stdout().strip() + ")");
    }
    return lines[0].strip();
  }

  /** The launcher a pid file's process runs: it execs the JVM, so the pid stays the server's. */
  String launcher(String node, String java, String dist) {
    String home = home(node);
    StringBuilder env = new StringBuilder();
    new TreeMap<>(launchEnvironment.apply(node)).forEach((k, v) -> env.append(k).append('=').append(Shell.quote(v)).append(' '));
    List<String> jvm = new ArrayList<>(options.jvmOptions());
    return "#!/bin/sh\n"
        + "# ShardKV server launcher of host " + node + ", written by the chaos suite (io.shardkv.chaos.db.ShardKvDb).\n"
        + "# Usage: server SERVER-ID. start-stop-daemon runs it; it execs the JVM, which keeps the pid.\n"
        + "[ $# -eq 1 ] || { echo \"usage: $0 SERVER-ID\" >&2; exit 2; }\n"
        + "exec env " + env + Shell.quote(java) + " " + Shell.join(jvm) + " -cp " + Shell.quote(dist + "/lib/*") + " "
        + ServerDistribution.MAIN_CLASS + " --config " + Shell.quote(home + "/cluster.conf") + " --node \"$1\" --log "
        + Shell.quote(home + "/logs") + "/node-\"$1\".log\n";
  }

  private void upload(Remote r, String text, String remotePath, String localName) {
    try {
      Files.createDirectories(options.workDir());
      Path f = options.workDir().resolve(localName);
      Files.writeString(f, text, StandardCharsets.UTF_8);
      r.upload(f, remotePath);
    } catch (IOException e) {
      throw new ChaosException("cannot write " + localName + " in " + options.workDir() + ": " + e.getMessage(), e);
    }
  }

  private Path writeResource(String name) {
    try (InputStream in = ShardKvDb.class.getResourceAsStream(name)) {
      if (in == null) throw new ChaosException("resource " + name + " missing from the chaos suite's jar");
      Files.createDirectories(options.workDir());
      Path f = options.workDir().resolve(name);
      Files.write(f, in.readAllBytes());
      return f;
    } catch (IOException e) {
      throw new ChaosException("cannot write " + name + " in " + options.workDir() + ": " + e.getMessage(), e);
    }
  }

  private void startServers(String node) {
    Remote.Result r = remote(node).exec(ctl(node) + " start " + ids(node), Duration.ofSeconds(120));
    if (!r.ok()) {
      throw new ChaosException("host " + node + ": servers did not start:\n" + r.stdout().strip() + (r.stderr().isBlank() ? ""
          : "\n" + r.stderr().strip()));
    }
  }

  @Override
  public void teardown() {
    Parallel.forEach(nodes(), node -> {
      Remote r = remote(node);
      r.execOk("if [ -x " + ctl(node) + " ]; then " + ctl(node) + " kill-all; fi", Duration.ofSeconds(120));
      r.execOk(unmountData(node), SHORT);
    });
  }

  // ------------------------------------------------------------------ power loss

  @Override
  public void usePowerLoss() {
    powerLoss = true;
  }

  /** Debian's python3: the one with python3-fusepy (a python3 earlier on PATH, e.g. pyenv's, may lack it). */
  static final String PYTHON = "/usr/bin/python3";

  private String lazyFs(String node) {
    return PYTHON + " " + Shell.quote(home(node) + "/bin/skv-lazyfs");
  }

  private String lazyFsArgs(String node) {
    return lazyFsPaths(node) + watchArgs.getOrDefault(node, "");
  }

  /** MOUNT STATE of the host's skv-lazyfs. */
  private String lazyFsPaths(String node) {
    return Shell.quote(home(node) + "/data") + " " + Shell.quote(home(node) + "/lazyfs");
  }

  /** Per host sharing this machine's kernel (the lab): the daemon unmounts itself when this JVM is gone. */
  private final Map<String, String> watchArgs = new java.util.concurrent.ConcurrentHashMap<>();

  /** A command that fails unless HOME/data is an skv-lazyfs mount. */
  private String mounted(String node) {
    String d = home(node) + "/data";
    return "{ grep -qF " + Shell.quote(" " + d + " ") + " /proc/self/mountinfo || { echo " + Shell.quote(d + " is not mounted after skv-lazyfs")
        + " >&2; false; }; }";
  }

  /** Unmounts HOME/data if anything is mounted there (the daemon then exits); lazily if it is busy. */
  private String unmountData(String node) {
    String d = Shell.quote(home(node) + "/data");
    return "if mountpoint -q " + d + " 2>/dev/null || grep -qF ' '" + d + "' ' /proc/self/mountinfo; then"
        + " fusermount3 -u " + d + " 2>/dev/null || fusermount3 -u -z " + d + " 2>/dev/null || umount -l " + d + "; fi; true";
  }

  private void mountLazyFs(String node, Remote r, Path lazyFs) {
    r.upload(lazyFs, home(node) + "/bin/skv-lazyfs");
    if (!r.exec("test -x " + PYTHON, SHORT).ok()) {
      throw new ChaosException("host " + node + " cannot simulate a power loss: no " + PYTHON
          + " (apt-get install python3 fuse3 python3-fusepy); the power nemesis needs it");
    }
    Remote.Result c = r.exec(lazyFs(node) + " check", SHORT);
    if (!c.ok()) {
      throw new ChaosException("host " + node + " cannot simulate a power loss: " + (c.stderr() + c.stdout()).strip()
          .replaceFirst("^skv-lazyfs: ", "") + "; the power nemesis needs FUSE (docs/chaos.md, Power loss)");
    }
    if (Kernel.sharedWithControlNode(r)) watchArgs.put(node, watchSelf());
    r.execOk("mkdir -p " + Shell.quote(home(node) + "/lazyfs") + " && " + lazyFs(node) + " mount " + lazyFsArgs(node)
        + " && " + mounted(node), SHORT);
  }

  /** {@code --watch-pid P --watch-start T}: this JVM's pid and start time (field 22 of its stat), against pid reuse. */
  private static String watchSelf() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return " --watch-pid " + ProcessHandle.current().pid() + " --watch-start " + f[19];
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  @Override
  public String losePower(String node) {
    if (!powerLoss) throw new ChaosException("power loss was not asked for before setup (Db.usePowerLoss)");
    // The freeze is the instant of the loss: an fsync still waiting on a slow disk (slowDisk) makes nothing
    // durable after it, though its process, killed inside a FUSE call, only dies once that call returns.
    Remote.Result r = remote(node).exec(lazyFs(node) + " freeze " + lazyFsPaths(node) + " && " + ctl(node) + " kill " + ids(node)
        + " && " + lazyFs(node) + " drop " + lazyFsArgs(node) + " && " + mounted(node), Duration.ofSeconds(120));
    if (!r.ok()) {
      throw new ChaosException("host " + node + ": power loss failed: " + r.stdout().strip() + " " + r.stderr().strip());
    }
    return r.stdout().lines().filter(l -> l.startsWith("lost ")).findFirst().orElse("");
  }

  @Override
  public String slowDisk(String node, long fsyncDelayMillis) {
    if (!powerLoss) throw new ChaosException("a slow disk needs the power-loss layer, which was not asked for before setup (Db.usePowerLoss)");
    Remote.Result r = remote(node).exec(lazyFs(node) + " slow " + lazyFsPaths(node) + " " + fsyncDelayMillis, SHORT);
    if (!r.ok()) {
      throw new ChaosException("host " + node + ": slow disk (" + fsyncDelayMillis + " ms) failed: " + r.stdout().strip() + " " + r.stderr().strip());
    }
    return r.stdout().strip();
  }

  @Override
  public List<String> clusterAddresses() {
    return topology.configCenterAddresses();
  }

  @Override
  public Map<String, List<String>> adminAddresses() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String n : nodes()) m.put(n, serversOn(n).stream().map(Topology.Server::adminAddress).toList());
    return m;
  }

  // ------------------------------------------------------------------ process faults

  @Override
  public void kill(String node) {
    Remote.Result r = remote(node).exec(ctl(node) + " kill " + ids(node), Duration.ofSeconds(60));
    if (!r.ok()) throw new ChaosException("host " + node + ": kill -9 failed: " + r.stdout().strip() + " " + r.stderr().strip());
  }

  @Override
  public void start(String node) {
    startServers(node);
  }

  @Override
  public void pause(String node) {
    signal(node, "STOP");
  }

  @Override
  public void resume(String node) {
    signal(node, "CONT");
  }

  private void signal(String node, String sig) {
    Remote.Result r = remote(node).exec(ctl(node) + " signal " + sig + " " + ids(node), SHORT);
    if (!r.ok()) throw new ChaosException("host " + node + ": SIG" + sig + " failed: " + r.stdout().strip() + " " + r.stderr().strip());
  }

  /** A server process as its host's pid file and /proc see it. */
  public record ServerState(int id, String state, long pid) {
    public boolean running() {
      return state.equals("running");
    }
  }

  /** The host's servers: running, paused or stopped, with their pids. */
  public List<ServerState> status(String node) {
    String out = remote(node).execOk(ctl(node) + " status " + ids(node), SHORT);
    List<ServerState> l = new ArrayList<>();
    for (String line : out.strip().split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length != 3) continue;
      l.add(new ServerState(Integer.parseInt(f[0]), f[1], f[2].equals("-") ? -1 : Long.parseLong(f[2])));
    }
    return l;
  }

  /**
   * Servers that should run but are stopped, each with the tail of its output; empty if none.
   * Servers started together usually fail together (a port in use, a bad config), but not at the
   * same instant: once one is seen dead, this waits (up to {@link #SETTLE}) until every other server
   * has either stopped too or said it serves, so that the error names all of them, not whichever
   * JVM happened to die first.
   */
  private List<String> deadServers() {
    Map<String, List<ServerState>> all = Parallel.map(nodes(), this::status);
    if (all.values().stream().flatMap(List::stream).noneMatch(s -> s.state().equals("stopped"))) return List.of();
    long until = System.nanoTime() + SETTLE.toNanos();
    while (System.nanoTime() < until && stillStarting(all)) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChaosException("interrupted", e);
      }
      all = Parallel.map(nodes(), this::status);
    }
    List<String> dead = new ArrayList<>();
    all.forEach((node, states) -> {
      for (ServerState s : states) {
        if (s.state().equals("stopped")) {
          dead.add("server " + s.id() + " on " + node + " (groups " + topology.server(s.id()).groups() + ") is not running;"
              + " its output ends:\n" + outputTail(node, s.id(), 15).strip().indent(4));
        }
      }
    });
    return dead;
  }

  /**
   * Whether some running server has not yet printed its {@code serving} line since its last start
   * (the launcher writes {@code shardkv-host: starting node N} before each start).
   */
  private boolean stillStarting(Map<String, List<ServerState>> all) {
    for (Map.Entry<String, List<ServerState>> e : all.entrySet()) {
      for (ServerState s : e.getValue()) {
        if (!s.running()) continue;
        String out = outputTail(e.getKey(), s.id(), 40);
        int start = out.lastIndexOf("shardkv-host: starting node");
        if (start < 0 || !out.substring(start).contains(" serving ")) return true;
      }
    }
    return false;
  }

  private String outputTail(String node, int id, int lines) {
    return remote(node).exec("tail -n " + lines + " " + Shell.quote(home(node) + "/logs/node-" + id + ".out"), SHORT).stdout();
  }

  // ------------------------------------------------------------------ logs

  @Override
  public void collectLogs(Path dir) {
    Parallel.forEach(nodes(), node -> {
      Path to = dir.resolve(node);
      try {
        Files.createDirectories(to);
        Remote r = remote(node);
        String home = home(node);
        String list = r.execOk("cd " + Shell.quote(home + "/logs") + " 2>/dev/null && ls -1", SHORT);
        for (String f : list.strip().split("\n")) {
          if (!f.isBlank()) r.download(home + "/logs/" + f.strip(), to.resolve(f.strip()));
        }
        if (r.exec("test -f " + Shell.quote(home + "/cluster.conf"), SHORT).ok()) r.download(home + "/cluster.conf", to.resolve("cluster.conf"));
      } catch (RuntimeException | IOException e) {
        log.warn("could not collect all logs of {}: {}", node, e.getMessage());
        try {
          Files.createDirectories(to);
          Files.writeString(to.resolve("collect-error.txt"), "collecting logs of " + node + " failed: " + e.getMessage() + "\n");
        } catch (IOException ignored) {
          // the run directory itself is broken; the warning above is all we can do
        }
      }
    });
  }

  /** The client options the setup uses (short attempts: nodes may still be electing). */
  static ClientOptions adminClientOptions() {
    return ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(5)).withAttemptTimeout(Duration.ofMillis(500));
  }

  static void joinMissingGroups(ShardKvClient client, Map<Integer, List<String>> groups) throws KvException {
    Configuration c = client.query(-1);
    Map<Integer, List<String>> join = new TreeMap<>();
    groups.forEach((g, addrs) -> {
      if (!c.groups().containsKey(g)) join.put(g, addrs);
    });
    if (!join.isEmpty()) client.join(join);
  }
}
