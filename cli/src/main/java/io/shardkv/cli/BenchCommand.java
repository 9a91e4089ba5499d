package io.shardkv.cli;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.Connections;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.server.process.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
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
 * (default 2), so every load — a freshly started cluster's too — is timed on warmed-up JVMs and with
 * leaders settled (LeaderBalance spreads a new cluster's leaders within a few seconds). Keys are {@code bench-<run id>-<n>}; with {@code --cluster} the keys written are
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

  @Option(names = "--clients", description = "run one load with this many clients")
  Integer clients;

  @Option(names = "--ops", description = "operations per load (default: use --duration)")
  Long ops;

  @Option(names = "--duration", defaultValue = "10", description = "seconds per load (default 10)")
  int duration;

  @Option(names = "--warmup", defaultValue = "2", paramLabel = "SECONDS",
      description = "seconds of the same load, not timed, before each load's window (default 2; 0: none)")
  int warmup;

  @Option(names = "--value-size", defaultValue = "16", description = "value size in bytes (default 16)")
  int valueSize;

  @Option(names = "--read-ratio", defaultValue = "0.5", description = "fraction of gets (default 0.5; the rest are puts)")
  double readRatio;

  @Option(names = "--json", description = "one JSON object per load on stdout")
  boolean json;

  @Option(names = "--dir", description = "directory for --local clusters (default: fresh shardkv-bench-<time>)")
  Path dir;

  @Option(names = "--keys", defaultValue = "10000", description = "size of the key space (default 10000)")
  int keys;

  @Option(names = "--keep", description = "leave the benchmark's keys in the cluster (default: delete them)")
  boolean keep;

  /** The key prefix of this run: {@code bench-<base36 time>-}. */
  final String prefix = "bench-" + Long.toString(System.currentTimeMillis(), 36) + "-";

  /** Key indices written by this run (to delete afterwards). */
  private final java.util.BitSet written = new java.util.BitSet();

  record Load(String name, int clients, int groups) {}

  record Figures(String name, int clients, long ops, long errors, double seconds, Histogram h) {
    double opsPerSec() {
      return ops / seconds;
    }

    double ms(double pct) {
      return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(pct) / 1e6;
    }
  }

  @Override
  public Integer call() throws Exception {
    if ((cluster == null) == !local) {
      System.err.println("bench: give exactly one of --cluster ADDRS or --local");
      return 2;
    }
    if (readRatio < 0 || readRatio > 1 || valueSize < 0 || duration < 1 || (clients != null && clients < 1)
        || keys < 1 || (ops != null && ops < 1) || warmup < 0) {
      System.err.println("bench: --read-ratio must be in [0,1], --value-size >= 0, --duration >= 1, --clients >= 1,"
          + " --keys >= 1, --ops >= 1, --warmup >= 0");
      return 2;
    }
    List<Load> loads;
    if (clients != null) {
      loads = List.of(new Load("Custom", clients, 3));
    } else if (local) {
      loads = List.of(new Load("Serial Read Write", 1, 1), new Load("Concurrent Proposal", 100, 1),
          new Load("Sharded Concurrent Proposal", 100, 3));
    } else {
      // One cluster: a 1-group and a 3-group load would be the same load twice.
      loads = List.of(new Load("Serial Read Write", 1, 0), new Load("Concurrent Proposal", 100, 0));
    }
    List<Figures> all = new ArrayList<>();
    Path base = dir != null ? dir : Path.of("shardkv-bench-" + System.currentTimeMillis());
    for (Load load : loads) {
      LocalCluster lc = null;
      List<String> addrs;
      if (local) {
        Path d = base.resolve(load.groups() + "-groups");
        // 3 server JVMs, each hosting a replica of the config center and of every shard group.
        lc = LocalCluster.openServers(d, 3, load.groups(), 3, LocalClusterCommand.classpath(), null);
        if (!Files.exists(d.resolve("node-1.pid")) || lc.pid(1).isEmpty()) {
          System.err.println("bench: starting a local cluster with " + load.groups() + " group(s) in " + d);
          lc.startAll();
          lc.awaitHealthyAndJoined(Duration.ofSeconds(180));
        }
        addrs = lc.controllers();
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
      Figures f = run(load.name() + " (" + load.clients() + " client" + (load.clients() == 1 ? "" : "s") + ", "
          + groups + " group" + (groups == 1 ? "" : "s") + ")", load.clients(), addrs);
      all.add(f);
      if (json) {
        System.out.printf("{\"load\":\"%s\",\"groups\":%d,\"key_prefix\":\"%s\",\"clients\":%d,\"ops\":%d,\"ops_per_sec\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
            + "\"p999_ms\":%.3f,\"errors\":%d,\"seconds\":%.2f,\"value_size\":%d,\"read_ratio\":%.2f,\"warmup_seconds\":%d}%n",
            f.name(), groups, prefix, f.clients(), f.ops(), f.opsPerSec(), f.ms(50), f.ms(99), f.ms(99.9), f.errors(), f.seconds(),
            valueSize, readRatio, warmup);
      }
      // Keep the 1-group cluster for the next 1-group load; stop it before the 3-group one.
      boolean nextSameGroups = loads.indexOf(load) + 1 < loads.size() && loads.get(loads.indexOf(load) + 1).groups() == load.groups();
      if (lc != null && !nextSameGroups) lc.stopAll(Duration.ofSeconds(10));
    }
    if (!local) cleanUp(ShardKvClient.parseAddresses(cluster));
    if (!json) {
      System.out.printf("%-55s %8s %10s %10s %10s %10s %8s%n", "load", "clients", "ops/s", "p50 ms", "p99 ms", "p999 ms", "errors");
      for (Figures f : all) {
        System.out.printf("%-55s %8d %10.0f %10.2f %10.2f %10.2f %8d%n", f.name(), f.clients(), f.opsPerSec(),
            f.ms(50), f.ms(99), f.ms(99.9), f.errors());
      }
    }
    return 0;
  }

  /**
   * Deletes the keys this run wrote (unless {@code --keep}), with 16 parallel sessions; says on
   * stderr what it did.
   */
  private void cleanUp(List<String> addrs) throws InterruptedException {
    int n;
    synchronized (written) {
      n = written.cardinality();
    }
    if (keep) {
      System.err.println("bench: kept " + n + " key(s) under " + prefix + " (--keep)");
      return;
    }
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger(-1);
    AtomicLong failed = new AtomicLong();
    Connections shared = new Connections(Duration.ofSeconds(1));
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      Thread th = new Thread(() -> {
        try (ShardKvClient c = ShardKvClient.connect(addrs, ClientOptions.defaults(), shared)) {
          while (true) {
            int i;
            synchronized (written) {
              i = written.nextSetBit(next.get() + 1);
              if (i < 0) return;
              next.set(i);
            }
            try {
              c.delete(prefix + i);
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
    shared.close();
    System.err.println("bench: deleted " + (n - failed.get()) + " of " + n + " key(s) under " + prefix
        + (failed.get() > 0 ? " (" + failed.get() + " failed)" : "") + "; --keep leaves them");
  }

  /** The load: {@code --warmup} seconds unmeasured, then the measured window. */
  private Figures run(String name, int clientCount, List<String> addrs) throws Exception {
    if (warmup > 0) drive(name + " [warm-up]", clientCount, addrs, warmup, null);
    return drive(name, clientCount, addrs, duration, ops);
  }

  /**
   * Runs {@code clientCount} closed-loop clients for {@code seconds} (or until {@code opLimit}
   * operations, when not null) and returns what completed within the window.
   */
  private Figures drive(String name, int clientCount, List<String> addrs, int seconds, Long opLimit) throws Exception {
    Connections shared = new Connections(Duration.ofSeconds(1));
    ClientOptions opts = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(10));
    String value = "x".repeat(valueSize);
    Recorder recorder = new Recorder(3);
    Histogram total = new Histogram(3);
    AtomicLong claimed = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastCompletion = new AtomicLong();
    long limit = opLimit == null ? Long.MAX_VALUE : opLimit;
    // Warm up: learn the configuration and leaders before the clock starts.
    try (ShardKvClient warm = ShardKvClient.connect(addrs, opts, shared)) {
      for (int i = 0; i < Math.min(20, keys); i++) {
        try {
          markWritten(i);
          warm.put(prefix + i, value);
        } catch (KvException e) {
          // counted below only if it persists
        }
      }
    }
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    // The load window: ops that complete after it are neither counted nor recorded.
    long end = opLimit == null ? start + seconds * 1_000_000_000L : Long.MAX_VALUE;
    for (int t = 0; t < clientCount; t++) {
      final int tid = t;
      Thread th = new Thread(() -> {
        SplittableRandom rnd = new SplittableRandom(tid * 7919L + 1);
        try (ShardKvClient c = ShardKvClient.connect(addrs, opts, shared)) {
          while (System.nanoTime() < end && claimed.getAndIncrement() < limit) {
            int k = rnd.nextInt(keys);
            boolean read = rnd.nextDouble() < readRatio;
            long t0 = System.nanoTime();
            try {
              if (read) {
                c.get(prefix + k);
              } else {
                markWritten(k);
                c.put(prefix + k, value);
              }
              long t1 = System.nanoTime();
              if (t1 <= end) {
                recorder.recordValue(Math.max(1, t1 - t0));
                done.incrementAndGet();
                lastCompletion.accumulateAndGet(t1, Math::max);
              }
            } catch (KvException e) {
              if (System.nanoTime() <= end) errors.incrementAndGet();
            }
          }
        }
      }, "bench-client-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    while (threads.stream().anyMatch(Thread::isAlive)) {
      long now = System.nanoTime();
      // Wake at the end of the window exactly, so progress lines never include time after it.
      long sleepMs = Math.max(1, Math.min(1000, (end - now) / 1_000_000));
      if (now >= end) sleepMs = 100;
      Thread.sleep(sleepMs);
      Histogram interval = recorder.getIntervalHistogram();
      total.add(interval);
      long d = done.get();
      System.err.printf("\r%s: %.0fs %d ops, p50 %.2f ms, errors %d   ", name,
          (Math.min(System.nanoTime(), end) - start) / 1e9, d,
          interval.getTotalCount() == 0 ? 0.0 : interval.getValueAtPercentile(50) / 1e6, errors.get());
    }
    double secs = opLimit == null ? seconds : Math.max(1, lastCompletion.get() - start) / 1e9;
    total.add(recorder.getIntervalHistogram());
    System.err.println();
    shared.close();
    return new Figures(name, clientCount, done.get(), errors.get(), secs, total);
  }

  private void markWritten(int k) {
    synchronized (written) {
      written.set(k);
    }
  }
}
