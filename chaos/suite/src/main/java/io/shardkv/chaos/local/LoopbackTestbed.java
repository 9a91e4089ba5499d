package io.shardkv.chaos.local;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.Testbed;
import io.shardkv.chaos.clock.Clocks;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.db.Db;
import io.shardkv.chaos.net.Net;
import io.shardkv.harness.LocalCluster;
import io.shardkv.server.process.ClusterConfig;
import io.shardkv.server.replica.PlantedBug;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A testbed without hosts, for developing and testing the suite: a {@link LocalCluster} of server
 * JVMs on 127.0.0.1 ({@code chaos run --local}) in the server format, as production runs: "host"
 * {@code n<i>} is server i, one JVM hosting replica i of every group (the config center's and each
 * shard group's), so killing or pausing a host hits one replica of each group, as on a real host.
 * Kill and pause go by the pids the cluster recorded. Partitions and clock faults are refused with
 * a {@link ChaosException}: every server shares one network namespace and one clock with the
 * control node.
 */
public final class LoopbackTestbed implements Testbed {
  private final Path dir;
  private final int hosts;
  private final int groups;
  private final boolean unsafeDisableDedup;
  private final Set<PlantedBug> unsafe;
  private final long snapshotBytes;
  private final String classpath;
  private boolean trace;
  private final LoopbackDb db = new LoopbackDb();
  private LocalCluster cluster;

  /**
   * @param dir where the cluster lives (created; deleted by {@link Db#teardown})
   * @param hosts replicas per group, one per "host" (3 or 5)
   * @param groups shard groups
   * @param unsafeDisableDedup TEST-ONLY server setting: retried writes apply twice
   * @param snapshotBytes the servers' snapshot threshold (small values exercise snapshot installs)
   * @param classpath the class path of the node JVMs (the launcher's)
   */
  public LoopbackTestbed(Path dir, int hosts, int groups, boolean unsafeDisableDedup, long snapshotBytes, String classpath) {
    this(dir, hosts, groups, unsafeDisableDedup, Set.of(), snapshotBytes, classpath);
  }

  /**
   * As above, with planted bugs: the cluster config says {@code i-know-this-is-unsafe = true} and
   * {@code unsafe-NAME = true} for each of {@code unsafe} ({@code chaos mutants}).
   */
  public LoopbackTestbed(Path dir, int hosts, int groups, boolean unsafeDisableDedup, Set<PlantedBug> unsafe, long snapshotBytes,
      String classpath) {
    this.unsafe = Set.copyOf(unsafe);
    this.dir = dir.toAbsolutePath().normalize();
    this.hosts = hosts;
    this.groups = groups;
    this.unsafeDisableDedup = unsafeDisableDedup;
    this.snapshotBytes = snapshotBytes;
    this.classpath = classpath;
  }

  /** Runs the servers with {@code trace = true} (docs/config.md): their logs get Raft and app-layer trace lines. */
  public LoopbackTestbed withTrace(boolean on) {
    this.trace = on;
    return this;
  }

  @Override
  public List<Host> hosts() {
    List<Host> l = new ArrayList<>();
    for (String n : db.nodes()) {
      l.add(new Host(n, "127.0.0.1", 0, System.getProperty("user.name"), null));
    }
    return l;
  }

  @Override
  public Db db() {
    return db;
  }

  @Override
  public Net net() {
    return new Net() {
      @Override
      public void drop(Map<String, Set<String>> grudge) {
        throw refused("network partitions");
      }

      @Override
      public void heal() {
        throw refused("network partitions");
      }
    };
  }

  @Override
  public Clocks clocks() {
    return new Clocks() {
      @Override
      public void bump(String node, long deltaMs) {
        throw refused("clock faults");
      }

      @Override
      public void strobe(String node, long deltaMs, long periodMs, long durationMs) {
        throw refused("clock faults");
      }

      @Override
      public void reset(Collection<String> nodes) {
        throw refused("clock faults");
      }

      @Override
      public Map<String, Long> offsets() {
        throw refused("clock faults");
      }
    };
  }

  private static ChaosException refused(String what) {
    return new ChaosException("the local testbed (--local) cannot inject " + what + ": its nodes are JVMs on 127.0.0.1 "
        + "sharing one network and one clock with the control node. Use the lab (--lab, as root) or real hosts "
        + "(--nodes / --nodes-file), or choose --nemesis from kill, pause, reconfig, trigger.");
  }

  @Override
  public void close() {
    // nothing to disconnect: no SSH
  }

  /** The id of "host" {@code n<i>}'s server: i. */
  int serverId(String host) {
    return index(host);
  }

  private int index(String host) {
    if (host.startsWith("n")) {
      try {
        int i = Integer.parseInt(host.substring(1));
        if (i >= 1 && i <= hosts) {
          return i;
        }
      } catch (NumberFormatException e) {
        // below
      }
    }
    throw new ChaosException("no host '" + host + "' in the local testbed (hosts: " + db.nodes() + ")");
  }

  private LocalCluster cluster() {
    if (cluster == null) {
      throw new ChaosException("the local cluster is not set up yet");
    }
    return cluster;
  }

  private final class LoopbackDb implements Db {
    @Override
    public List<String> nodes() {
      List<String> l = new ArrayList<>();
      for (int i = 1; i <= hosts; i++) {
        l.add("n" + i);
      }
      return l;
    }

    @Override
    public void setup() {
      try {
        Files.createDirectories(dir);
        List<String> conf = new ArrayList<>(List.of("snapshot-bytes = " + snapshotBytes));
        if (unsafeDisableDedup) {
          conf.add("unsafe-disable-dedup = true");
        }
        if (trace) {
          conf.add("trace = true");
        }
        if (!unsafe.isEmpty()) {
          conf.add(PlantedBug.ACKNOWLEDGE_KEY + " = true");
          unsafe.forEach(b -> conf.add(b.configKey() + " = true"));
        }
        conf.add("node 1 group=0 addr=127.0.0.1:1 admin=127.0.0.1:2 dir=x");
        ClusterConfig.Settings settings = ClusterConfig.parse(dir.resolve("settings"), conf).settings();
        cluster = LocalCluster.openServers(dir, hosts, groups, hosts, classpath, settings);
        cluster.startAll();
        cluster.awaitHealthyAndJoined(Duration.ofSeconds(180));
      } catch (IOException | RuntimeException e) {
        throw new ChaosException("the local cluster in " + dir + " did not come up: " + e.getMessage(), e);
      }
    }

    @Override
    public void teardown() {
      if (cluster != null) {
        cluster.killAll();
      }
      try (Stream<Path> s = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new ChaosException("could not delete the local cluster's directory " + dir + ": " + e.getMessage(), e);
      }
    }

    @Override
    public List<String> clusterAddresses() {
      return cluster().configCenterAddresses();
    }

    @Override
    public Map<String, List<String>> adminAddresses() {
      Map<String, List<String>> m = new LinkedHashMap<>();
      for (String h : nodes()) {
        m.put(h, List.of(cluster().config().server(serverId(h)).adminAddress()));
      }
      return m;
    }

    @Override
    public void kill(String node) {
      cluster().kill(serverId(node));
    }

    @Override
    public void start(String node) {
      int id = serverId(node);
      if (cluster().pid(id).isEmpty()) {
        try {
          cluster().start(id);
        } catch (IOException e) {
          throw new ChaosException("could not start server " + id + " of " + node + ": " + e.getMessage(), e);
        }
      }
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
      int id = serverId(node);
      var pid = cluster().pid(id);
      if (pid.isEmpty()) {
        return; // killed: nothing to stop or continue
      }
      try {
        Process p = new ProcessBuilder("kill", "-" + sig, String.valueOf(pid.get())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
          throw new ChaosException("kill -" + sig + " " + pid.get() + " (server " + id + " of " + node + ") failed: " + out.trim());
        }
      } catch (IOException e) {
        throw new ChaosException("could not run kill -" + sig + " for server " + id + " of " + node + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChaosException("interrupted while signalling server " + id + " of " + node);
      }
    }

    @Override
    public void collectLogs(Path into) {
      if (cluster == null) {
        return;
      }
      for (String h : nodes()) {
        Path d = into.resolve(h);
        try {
          Files.createDirectories(d);
          int id = serverId(h);
          for (String suffix : List.of(".log", ".out")) {
            Path f = cluster.dir().resolve("node-" + id + suffix);
            if (Files.exists(f)) {
              Files.copy(f, d.resolve("node-" + id + suffix), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
          }
        } catch (IOException e) {
          throw new ChaosException("could not copy the logs of " + h + " into " + d + ": " + e.getMessage(), e);
        }
      }
    }
  }
}
