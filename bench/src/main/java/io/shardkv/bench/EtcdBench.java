package io.shardkv.bench;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench-etcd}: the loads of {@code bin/shardkv bench} against etcd 3.4 (issue 13's
 * side-by-side figures). Closed-loop clients (each sends its next operation when the previous one
 * answered), gets and puts on {@code --keys} keys with {@code --read-ratio} gets, latencies in an
 * HdrHistogram, only the load window timed — the same rules and output lines as the ShardKV bench.
 * Without {@code --endpoints} it starts a 3-member etcd on loopback in a temporary directory and
 * stops it (by pid) afterwards. Every client talks to the leader's endpoint, as the ShardKV driver
 * talks to its group's leader (a follower would forward the proposal: one more hop).
 *
 * <p>Benchmark-only: this module is on no product classpath (docs/bench-etcd.md).
 */
@Command(name = "bench-etcd", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Closed-loop benchmark of etcd 3.4 with the loads and output lines of 'bin/shardkv bench'.",
        "Without --clients: Serial Read Write (1 client), Concurrent Proposal (100 clients).",
        "Without --endpoints: starts 3 etcd members on 127.0.0.1 in a temporary directory, stops them after."})
public final class EtcdBench implements Callable<Integer> {
  @Option(names = "--endpoints", paramLabel = "URLS", description = "client URLs of a running etcd (default: start one)")
  String endpoints;

  @Option(names = "--etcd", defaultValue = "etcd", paramLabel = "PATH", description = "the etcd binary (default: etcd on PATH)")
  String etcd;

  @Option(names = "--members", defaultValue = "3", description = "members of the started cluster (default 3)")
  int members;

  @Option(names = "--dir", description = "directory for the started cluster (default: a fresh temporary one, deleted after)")
  Path dir;

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

  @Option(names = "--keys", defaultValue = "10000", description = "size of the key space (default 10000)")
  int keys;

  @Option(names = "--json", description = "one JSON object per load on stdout")
  boolean json;

  final String prefix = "bench-" + Long.toString(System.currentTimeMillis(), 36) + "-";

  public static void main(String[] args) {
    System.exit(new CommandLine(new EtcdBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (readRatio < 0 || readRatio > 1 || valueSize < 0 || duration < 1 || (clients != null && clients < 1)
        || keys < 1 || (ops != null && ops < 1) || members < 1) {
      System.err.println("bench-etcd: --read-ratio must be in [0,1], --value-size >= 0, --duration >= 1, --clients >= 1,"
          + " --keys >= 1, --ops >= 1, --members >= 1");
      return 2;
    }
    System.err.println("bench-etcd: load average " + loadAverage() + " (figures on a loaded machine are noise)");
    EtcdCluster started = null;
    try {
      List<String> urls;
      if (endpoints != null) {
        urls = List.of(endpoints.split(","));
      } else {
        started = EtcdCluster.start(etcd, dir, members, Duration.ofSeconds(60));
        urls = started.endpoints();
        System.err.println("bench-etcd: started " + members + " etcd member(s) in " + started.dir() + " (pids "
            + started.pids() + ")");
      }
      HttpClient http = EtcdJsonClient.httpClient();
      String leader = EtcdJsonClient.leaderOf(http, urls);
      String label = "etcd " + urls.size() + " member" + (urls.size() == 1 ? "" : "s");
      List<int[]> loads = clients != null ? List.of(new int[] {clients}) : List.of(new int[] {1}, new int[] {100});
      List<Figures> all = new ArrayList<>();
      for (int[] l : loads) {
        int n = l[0];
        String name = (clients != null ? "Custom" : n == 1 ? "Serial Read Write" : "Concurrent Proposal") + " (" + n
            + " client" + (n == 1 ? "" : "s") + ", " + label + ")";
        Figures f = run(name, n, new EtcdJsonClient(http, leader, Duration.ofSeconds(10)));
        all.add(f);
        if (json) System.out.println(f.json("etcd", 1, prefix, valueSize, readRatio));
      }
      if (!json) System.out.print(Figures.table(all));
      return 0;
    } catch (java.io.IOException e) {
      System.err.println("bench-etcd: " + e.getMessage());
      return 1;
    } finally {
      if (started != null) {
        started.close();
        System.err.println("bench-etcd: stopped the etcd members" + (dir == null ? " and deleted their directory" : ""));
      }
    }
  }

  private Figures run(String name, int clientCount, EtcdJsonClient client) throws InterruptedException {
    String value = "x".repeat(valueSize);
    Recorder recorder = new Recorder(3);
    Histogram total = new Histogram(3);
    AtomicLong claimed = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastCompletion = new AtomicLong();
    long limit = ops == null ? Long.MAX_VALUE : ops;
    for (int i = 0; i < Math.min(20, keys); i++) { // warm up connections before the clock starts
      try {
        client.put(prefix + i, value);
      } catch (java.io.IOException e) {
        // a persistent problem shows up as errors in the load
      }
    }
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    long end = ops == null ? start + duration * 1_000_000_000L : Long.MAX_VALUE;
    String[] lastError = {null};
    for (int t = 0; t < clientCount; t++) {
      final int tid = t;
      Thread th = new Thread(() -> {
        SplittableRandom rnd = new SplittableRandom(tid * 7919L + 1);
        while (System.nanoTime() < end && claimed.getAndIncrement() < limit) {
          int k = rnd.nextInt(keys);
          boolean read = rnd.nextDouble() < readRatio;
          long t0 = System.nanoTime();
          try {
            if (read) {
              client.get(prefix + k);
            } else {
              client.put(prefix + k, value);
            }
            long t1 = System.nanoTime();
            if (t1 <= end) {
              recorder.recordValue(Math.max(1, t1 - t0));
              done.incrementAndGet();
              lastCompletion.accumulateAndGet(t1, Math::max);
            }
          } catch (java.io.IOException e) {
            if (System.nanoTime() <= end) errors.incrementAndGet();
            lastError[0] = e.getMessage();
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-etcd-client-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    while (threads.stream().anyMatch(Thread::isAlive)) {
      long now = System.nanoTime();
      long sleepMs = now >= end ? 100 : Math.max(1, Math.min(1000, (end - now) / 1_000_000));
      Thread.sleep(sleepMs);
      Histogram interval = recorder.getIntervalHistogram();
      total.add(interval);
      System.err.printf("\r%s: %.0fs %d ops, p50 %.2f ms, errors %d   ", name,
          (Math.min(System.nanoTime(), end) - start) / 1e9, done.get(),
          interval.getTotalCount() == 0 ? 0.0 : interval.getValueAtPercentile(50) / 1e6, errors.get());
    }
    total.add(recorder.getIntervalHistogram());
    System.err.println();
    if (lastError[0] != null) System.err.println("bench-etcd: last error: " + lastError[0]);
    double secs = ops == null ? duration : Math.max(1, lastCompletion.get() - start) / 1e9;
    return new Figures(name, clientCount, done.get(), errors.get(), secs, total);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
