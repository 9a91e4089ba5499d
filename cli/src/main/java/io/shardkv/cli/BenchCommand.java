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
 * group), Sharded Concurrent Proposal (100 clients, 3 groups).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Closed-loop benchmark of a cluster (durable writes).",
        "Without --clients: Serial Read Write (1 client), Concurrent Proposal (100 clients, 1 group),",
        "Sharded Concurrent Proposal (100 clients, 3 groups); with --local each gets its own local cluster."})
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

  @Option(names = "--value-size", defaultValue = "16", description = "value size in bytes (default 16)")
  int valueSize;

  @Option(names = "--read-ratio", defaultValue = "0.5", description = "fraction of gets (default 0.5; the rest are puts)")
  double readRatio;

  @Option(names = "--json", description = "one JSON object per load on stdout")
  boolean json;

  @Option(names = "--dir", description = "directory for --local clusters (default: fresh shardkv-bench-<time>)")
  Path dir;

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
    if (readRatio < 0 || readRatio > 1 || valueSize < 0 || duration < 1 || (clients != null && clients < 1)) {
      System.err.println("bench: --read-ratio must be in [0,1], --value-size >= 0, --duration >= 1, --clients >= 1");
      return 2;
    }
    List<Load> loads = clients != null ? List.of(new Load("Custom (" + clients + " clients)", clients, 3))
        : List.of(new Load("Serial Read Write", 1, 1), new Load("Concurrent Proposal", 100, 1),
            new Load("Sharded Concurrent Proposal", 100, 3));
    List<Figures> all = new ArrayList<>();
    Path base = dir != null ? dir : Path.of("shardkv-bench-" + System.currentTimeMillis());
    for (Load load : loads) {
      LocalCluster lc = null;
      List<String> addrs;
      if (local) {
        Path d = base.resolve(load.groups() + "-groups");
        lc = LocalCluster.open(d, load.groups(), 3, LocalClusterCommand.classpath());
        if (!Files.exists(d.resolve("node-1.pid")) || lc.pid(1).isEmpty()) {
          System.err.println("bench: starting a local cluster with " + load.groups() + " group(s) in " + d);
          lc.startAll();
          lc.awaitHealthyAndJoined(Duration.ofSeconds(180));
        }
        addrs = lc.controllers();
      } else {
        addrs = ShardKvClient.parseAddresses(cluster);
      }
      Figures f = run(load, addrs);
      all.add(f);
      if (json) {
        System.out.printf("{\"load\":\"%s\",\"clients\":%d,\"ops\":%d,\"ops_per_sec\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
            + "\"p999_ms\":%.3f,\"errors\":%d,\"seconds\":%.2f,\"value_size\":%d,\"read_ratio\":%.2f}%n",
            f.name(), f.clients(), f.ops(), f.opsPerSec(), f.ms(50), f.ms(99), f.ms(99.9), f.errors(), f.seconds(),
            valueSize, readRatio);
      }
      // Keep the 1-group cluster for the next 1-group load; stop it before the 3-group one.
      boolean nextSameGroups = loads.indexOf(load) + 1 < loads.size() && loads.get(loads.indexOf(load) + 1).groups() == load.groups();
      if (lc != null && !nextSameGroups) lc.stopAll(Duration.ofSeconds(10));
    }
    if (!json) {
      System.out.printf("%-30s %8s %10s %10s %10s %10s %8s%n", "load", "clients", "ops/s", "p50 ms", "p99 ms", "p999 ms", "errors");
      for (Figures f : all) {
        System.out.printf("%-30s %8d %10.0f %10.2f %10.2f %10.2f %8d%n", f.name(), f.clients(), f.opsPerSec(),
            f.ms(50), f.ms(99), f.ms(99.9), f.errors());
      }
    }
    return 0;
  }

  private Figures run(Load load, List<String> addrs) throws Exception {
    Connections shared = new Connections(Duration.ofSeconds(1));
    ClientOptions opts = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(10));
    String value = "x".repeat(valueSize);
    Recorder recorder = new Recorder(3);
    Histogram total = new Histogram(3);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    long limit = ops == null ? Long.MAX_VALUE : ops;
    // Warm up: learn the configuration and leaders before the clock starts.
    try (ShardKvClient warm = ShardKvClient.connect(addrs, opts, shared)) {
      for (int i = 0; i < 20; i++) {
        try {
          warm.put("bench-warmup-" + i, value);
        } catch (KvException e) {
          // counted below only if it persists
        }
      }
    }
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < load.clients(); t++) {
      final int tid = t;
      Thread th = new Thread(() -> {
        SplittableRandom rnd = new SplittableRandom(tid * 7919L + 1);
        try (ShardKvClient c = ShardKvClient.connect(addrs, opts, shared)) {
          while (!stop.get() && done.get() < limit) {
            String key = "bench-" + rnd.nextInt(10_000);
            long t0 = System.nanoTime();
            try {
              if (rnd.nextDouble() < readRatio) c.get(key); else c.put(key, value);
              recorder.recordValue(Math.max(1, System.nanoTime() - t0));
              done.incrementAndGet();
            } catch (KvException e) {
              errors.incrementAndGet();
            }
          }
        }
      }, "bench-client-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    long end = start + duration * 1_000_000_000L;
    long lastDone = 0;
    while (threads.stream().anyMatch(Thread::isAlive)) {
      Thread.sleep(1000);
      Histogram interval = recorder.getIntervalHistogram();
      total.add(interval);
      long d = done.get();
      System.err.printf("\r%s: %.0fs %d ops, %d ops/s, p50 %.2f ms, errors %d   ", load.name(),
          (System.nanoTime() - start) / 1e9, d, d - lastDone,
          interval.getTotalCount() == 0 ? 0.0 : interval.getValueAtPercentile(50) / 1e6, errors.get());
      lastDone = d;
      if (ops == null && System.nanoTime() >= end) stop.set(true);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    total.add(recorder.getIntervalHistogram());
    System.err.println();
    shared.close();
    return new Figures(load.name(), load.clients(), done.get(), errors.get(), secs, total);
  }
}
