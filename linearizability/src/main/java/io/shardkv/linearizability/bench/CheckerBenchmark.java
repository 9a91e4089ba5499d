package io.shardkv.linearizability.bench;

import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.PartitionResult;
import io.shardkv.linearizability.format.Format;
import io.shardkv.linearizability.format.HistoryReader;
import io.shardkv.linearizability.format.ParsedHistory;
import io.shardkv.linearizability.gen.HistoryGenerator;
import io.shardkv.linearizability.models.Models;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Prints the checker's figures on this machine (not a test: nothing is asserted). Run with
 * {@code bin/shardkv check --bench PORCUPINE_DATA_DIR}, or
 * {@code java -Xmx2g -cp 'cli/target/shardkv-cli.jar:cli/target/lib/*'
 * io.shardkv.linearizability.bench.CheckerBenchmark PORCUPINE_DATA_DIR}.
 */
public final class CheckerBenchmark {
  private CheckerBenchmark() {}

  public static void main(String[] args) {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/test-data/porcupine");
    PrintWriter out = new PrintWriter(System.out, true);
    System.exit(run(data, out));
  }

  /** CPU time of the whole JVM, in ms (the machine is shared, so wall time alone misleads). */
  private static long cpuMillis() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1_000_000;
    }
    return -1;
  }

  public static int run(Path data, PrintWriter out) {
    out.printf("JVM: %d cores, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    try {
      List<ParsedHistory> etcd = new ArrayList<>();
      try (Stream<Path> files = Files.list(data.resolve("jepsen"))) {
        for (Path f : files.sorted().toList()) {
          etcd.add(HistoryReader.read(f, Format.PORCUPINE_ETCD, false));
        }
      }
      Model<?> cas = Models.byName("cas-register", true);
      for (int round = 1; round <= 5; round++) {
        long t0 = System.nanoTime();
        long c0 = cpuMillis();
        int illegal = 0;
        for (ParsedHistory h : etcd) {
          CheckResult r = Checker.check(cas, h.history(), CheckOptions.defaults());
          illegal += r.firstIllegal() != null ? 1 : 0;
        }
        out.printf("etcd: %d files, round %d%s: %.0f ms total wall, %d ms CPU (%d not linearizable)%n",
            etcd.size(), round, round == 1 ? " (cold JVM)" : "", (System.nanoTime() - t0) / 1e6,
            cpuMillis() - c0, illegal);
      }
      Model<?> kv = Models.byName("kv", false);
      for (String name : List.of("c50-ok.txt", "c50-bad.txt")) {
        ParsedHistory h = HistoryReader.read(data.resolve("kv").resolve(name), Format.AUTO, false);
        long c0 = cpuMillis();
        CheckResult r = Checker.check(kv, h.history(), CheckOptions.defaults().withDecideAll(true)
            .withTimeout(Duration.ofSeconds(60)));
        StringBuilder keys = new StringBuilder();
        for (PartitionResult p : r.partitions()) {
          keys.append(' ').append(p.key()).append('=').append(p.verdict().label()).append('/')
              .append(p.millis()).append("ms");
        }
        out.printf("kv %s verbose (every key decided): %s in %d ms wall, %d ms CPU;%s%n", name,
            r.verdict().label(), r.millis(), cpuMillis() - c0, keys);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    generated(out);
    return 0;
  }

  private static void generated(PrintWriter out) {
    for (HistoryGenerator.Kind kind : List.of(HistoryGenerator.Kind.REGISTER,
        HistoryGenerator.Kind.CAS_REGISTER)) {
      Model<?> m = Models.byName(kind == HistoryGenerator.Kind.REGISTER ? "register" : "cas-register", false);
      for (int ops : new int[] {1_000, 5_000, 20_000}) {
        for (int procs : new int[] {10, 20}) {
          for (double info : new double[] {0.0, 0.03}) {
            for (boolean stale : new boolean[] {false, true}) {
              History h = HistoryGenerator.generate(
                  new HistoryGenerator.Spec(kind, ops, procs, info, 1, stale), ops * 31L + procs);
              long c0 = cpuMillis();
              CheckResult r = Checker.check(m, h, CheckOptions.defaults().withDecideAll(true)
                  .withTimeout(Duration.ofSeconds(30)));
              long cfg = r.partitions().stream().mapToLong(PartitionResult::configurations).sum();
              out.printf("generated %-12s %6d ops %2d procs %2.0f%% info %-17s -> %-16s %6d ms wall %6d ms CPU (%d configurations)%n",
                  m.name(), ops, procs, info * 100, stale ? "(stale read)" : "(by construction)",
                  r.verdict().label(), r.millis(), cpuMillis() - c0, cfg);
            }
          }
        }
      }
    }
  }
}
