package io.shardkv.cli;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.Connections;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.harness.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shardkv bench}: closed-loop clients (each sends its next operation when the previous one
 * answers), latencies in an HdrHistogram, a live progress line on stderr. Without {@code --clients}
 * it runs the seed's table: Serial Read Write (1 client), Concurrent Proposal (100 clients, 1
 * group), Sharded Concurrent Proposal (100 clients, 3 groups) — with {@code --local}, each on a
 * cluster of that many groups; with {@code --cluster}, the first two on the cluster given, labelled
 * with the groups it has.
 *
 * <p>Only the load window is timed: with {@code --duration S} the figures count the operations that
 * completed within the S seconds after the clients started (an operation still running at the end
 * is not counted) and divide by S; with {@code --ops N}, N operations over the time until the last
 * one completed. Before each window the same load runs unmeasured for {@code --warmup} seconds
 * (default 2; LoadRunner). Keys are {@code bench-<run id>-<n>}; with {@code --cluster} the keys written are
 * deleted afterwards unless {@code --keep}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Closed-loop benchmark of a cluster (durable writes).",
        "Without --clients: Serial Read Write (1 client), Concurrent Proposal (100 clients, 1 group),",
        "Sharded Concurrent Proposal (100 clients, 3 groups); with --local each gets its own local cluster,",
        "with --cluster the first two run on that cluster, labelled with its groups.",
        "Only the load window is timed, after --warmup seconds of the same load.",
        "Keys are bench-<run id>-<n>; with --cluster they are deleted afterwards unless --keep."})
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--cluster", paramLabel = "ADDRS", description = "config-center addresses of a running cluster")
  String cluster;

  @Option(names = "--local", description = "start local clusters (in a fresh directory) for the loads")
  boolean local;

  @Mixin
  LoadOptions load = new LoadOptions();

  @Option(names = "--dir", description = "directory for --local clusters (default: fresh shardkv-bench-<time>)")
  Path dir;

  @Option(names = "--keep", description = "leave the benchmark's keys in the cluster (default: delete them)")
  boolean keep;

  /** The key prefix of this run: {@code bench-<base36 time>-}. */
  final String prefix = "bench-" + Long.toString(System.currentTimeMillis(), 36) + "-";

  record Load(String name, int clients, int groups) {}

  @Override
  public Integer call() throws Exception {
    if ((cluster == null) == !local) {
      System.err.println("bench: give exactly one of --cluster ADDRS or --local");
      return 2;
    }
    if (!load.valid()) {
      System.err.println("bench: " + LoadOptions.RANGES);
      return 2;
    }
    LoadRunner runner = new LoadRunner("bench", load, prefix);
    List<Load> loads;
    if (load.clients() != null) {
      loads = List.of(new Load("Custom", load.clients(), 3));
    } else if (local) {
      loads = List.of(new Load("Serial Read Write", 1, 1), new Load("Concurrent Proposal", 100, 1),
          new Load("Sharded Concurrent Proposal", 100, 3));
    } else {
      // One cluster: a 1-group and a 3-group load would be the same load twice.
      loads = List.of(new Load("Serial Read Write", 1, 0), new Load("Concurrent Proposal", 100, 0));
    }
    List<BenchFigures> all = new ArrayList<>();
    Path base = dir != null ? dir : Path.of("shardkv-bench-" + System.currentTimeMillis());
    for (Load l : loads) {
      LocalCluster lc = null;
      List<String> addrs;
      if (local) {
        Path d = base.resolve(l.groups() + "-groups");
        // 3 server JVMs, each hosting a replica of the config center and of every shard group.
        lc = LocalCluster.openServers(d, 3, l.groups(), 3, LocalClusterCommand.classpath(), null);
        if (!Files.exists(d.resolve("node-1.pid")) || lc.pid(1).isEmpty()) {
          System.err.println("bench: starting a local cluster with " + l.groups() + " group(s) in " + d);
          lc.startAll();
          lc.awaitHealthyAndJoined(Duration.ofSeconds(180));
        }
        addrs = lc.configCenterAddresses();
      } else {
        addrs = ShardKvClient.parseAddresses(cluster);
      }
      int groups;
      try (ShardKvClient q = ShardKvClient.connect(addrs, ClientOptions.defaults())) {
        groups = q.query(-1).groups().size();
      } catch (KvException e) {
        System.err.println("bench: cannot read the cluster's configuration: " + e.getMessage());
        return 1;
      }
      ClientOptions opts = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(10));
      BenchFigures f;
      String name = l.name() + " (" + l.clients() + " client" + (l.clients() == 1 ? "" : "s") + ", " + groups
          + " group" + (groups == 1 ? "" : "s") + ")";
      // Every client's session shares one pipelined connection per server (Connections).
      try (Connections shared = new Connections(Duration.ofSeconds(1))) {
        f = runner.run(name, l.clients(), () -> session(ShardKvClient.connect(addrs, opts, shared)));
      }
      all.add(f);
      if (load.json()) System.out.println(f.json("", groups, prefix, load.valueSize(), load.readRatio(), load.warmup()));
      // Keep the 1-group cluster for the next 1-group load; stop it before the 3-group one.
      boolean nextSameGroups = loads.indexOf(l) + 1 < loads.size() && loads.get(loads.indexOf(l) + 1).groups() == l.groups();
      if (lc != null && !nextSameGroups) lc.stopAll(Duration.ofSeconds(10));
    }
    if (!local) cleanUp(ShardKvClient.parseAddresses(cluster), runner.writtenKeys());
    if (!load.json()) System.out.print(BenchFigures.table(all));
    return 0;
  }

  /** A ShardKV client as one client's session of the load. */
  private static LoadRunner.Session session(ShardKvClient c) {
    return new LoadRunner.Session() {
      @Override
      public void get(String key) throws KvException {
        c.get(key);
      }

      @Override
      public void put(String key, String value) throws KvException {
        c.put(key, value);
      }

      @Override
      public void close() {
        c.close();
      }
    };
  }

  /**
   * Deletes the keys this run wrote (unless {@code --keep}), with 16 parallel sessions; says on
   * stderr what it did.
   */
  private void cleanUp(List<String> addrs, int[] written) throws InterruptedException {
    int n = written.length;
    if (keep) {
      System.err.println("bench: kept " + n + " key(s) under " + prefix + " (--keep)");
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicLong failed = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    try (Connections shared = new Connections(Duration.ofSeconds(1))) {
      for (int t = 0; t < 16; t++) {
        Thread th = new Thread(() -> {
          try (ShardKvClient c = ShardKvClient.connect(addrs, ClientOptions.defaults(), shared)) {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
              try {
                c.delete(prefix + written[i]);
              } catch (KvException e) {
                failed.incrementAndGet();
              }
            }
          }
        }, "bench-cleanup-" + t);
        th.setDaemon(true);
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) th.join();
    }
    System.err.println("bench: deleted " + (n - failed.get()) + " of " + n + " key(s) under " + prefix
        + (failed.get() > 0 ? " (" + failed.get() + " failed)" : "") + "; --keep leaves them");
  }
}
