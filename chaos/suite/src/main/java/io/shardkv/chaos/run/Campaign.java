package io.shardkv.chaos.run;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.Testbed;
import io.shardkv.chaos.checker.AvailabilityChecker;
import io.shardkv.chaos.checker.CheckInput;
import io.shardkv.chaos.checker.Checker;
import io.shardkv.chaos.checker.Checkers;
import io.shardkv.chaos.checker.LatencyChecker;
import io.shardkv.chaos.checker.Result;
import io.shardkv.chaos.checker.StatsChecker;
import io.shardkv.chaos.checker.Validity;
import io.shardkv.chaos.client.KvSessions;
import io.shardkv.chaos.db.Db;
import io.shardkv.chaos.gen.Gen;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.gen.Rng;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.HistoryFile;
import io.shardkv.chaos.history.HistoryWriter;
import io.shardkv.chaos.history.Json;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.nemesis.ClusterStatus;
import io.shardkv.chaos.nemesis.Nemeses;
import io.shardkv.chaos.nemesis.Nemesis;
import io.shardkv.chaos.nemesis.NemesisContext;
import io.shardkv.chaos.workload.Workload;
import io.shardkv.chaos.workload.WorkloadOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One campaign, start to end: a run directory, the database set up on the testbed, the nemesis set
 * up, the generator run by the {@link Interpreter} (main phase under the time limit with clients
 * and faults, then every fault undone, a quiet period, a final read of every key), the nemesis torn
 * down, every node's logs collected and the database torn down (also after a failure), and finally
 * the history read back from its file and checked.
 */
public final class Campaign {
  /** Seconds a final read may retry before it counts as failed. */
  static final Duration FINAL_READ_TIMEOUT = Duration.ofSeconds(30);

  /** What a campaign produced. */
  public record Outcome(Validity verdict, Path dir, Map<Object, Object> results) {}

  private Campaign() {}

  /** The whole schedule of a campaign: a pure function of the spec (and so of its seed). */
  public static Generator generator(TestSpec spec, Workload w) {
    Rng rng = Rng.of(spec.seed());
    Generator clientGen = w.generator(rng.fork(1));
    if (spec.rate() > 0) {
      clientGen = Gen.stagger(rng.fork(2), 1.0 / spec.rate(), clientGen);
    }
    Generator faults = Nemeses.generator(spec.nemeses(), spec.nemesisInterval(), spec.targets(), spec.nodes(), rng.fork(3));
    return Gen.phases(
        Gen.log("main phase: " + spec.timeLimit() + " s of " + spec.workload() + " with "
            + (spec.nemeses().isEmpty() ? "no faults" : "faults " + String.join(",", spec.nemeses()))),
        Gen.timeLimit(spec.timeLimit(), Gen.any(Gen.clients(clientGen), faults)),
        Gen.log("healing: undoing every fault"),
        Nemeses.finalGenerator(spec.nemeses(), spec.nodes()),
        Gen.log("quiet period: " + spec.quiet() + " s"),
        Gen.sleep(spec.quiet()),
        Gen.log("final reads of every key"),
        w.finalGenerator());
  }

  /**
   * Runs {@code spec} on the testbed {@code testbedFor} opens for the run's directory (its SSH
   * known_hosts and generated files go there; it is closed at the end), storing under
   * {@code storeRoot}; {@code out} gets the progress and summary lines (may be null). The spec's
   * hosts are the testbed's. Throws {@link ChaosException} when the harness fails (the run
   * directory still gets the logs and whatever history was written).
   */
  public static Outcome run(TestSpec spec0, Function<Path, Testbed> testbedFor, Path storeRoot, PrintStream out,
      Duration checkTimeout) throws IOException, InterruptedException {
    Path dir = Store.newRun(storeRoot, spec0.name(), LocalDateTime.now());
    try (LibraryLog libs = LibraryLog.into(dir.resolve("chaos.log"))) {
      try (RunLog early = new RunLog(dir.resolve("chaos.log"), out)) {
        early.accept("opening the testbed (" + spec0.testbed() + ")");
      }
      try (Testbed bed = testbedFor.apply(dir)) {
        TestSpec spec = spec0.withNodes(bed.db().nodes());
        Files.writeString(dir.resolve("test.edn"), Edn.pretty(spec.toEdn()), StandardCharsets.UTF_8);
        return run(spec, bed, dir, out, checkTimeout);
      }
    }
  }

  private static Outcome run(TestSpec spec, Testbed bed, Path dir, PrintStream out, Duration checkTimeout)
      throws IOException, InterruptedException {
    Workload w = Workload.byName(spec.workload(), new WorkloadOptions(spec.concurrency(), spec.keyCount(), spec.opsPerKey()));
    CountDownLatch finished = new CountDownLatch(1);
    AtomicReference<Interpreter> running = new AtomicReference<>();
    // Ctrl-C: stop generating, let the outstanding ops finish, undo the faults, collect the logs,
    // tear the database down; the JVM exits once that is done (or after two minutes).
    Thread hook = new Thread(() -> {
      Interpreter i = running.get();
      if (i != null) {
        i.abort();
      }
      try {
        finished.await(120, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "chaos-abort");
    Runtime.getRuntime().addShutdownHook(hook);
    try (RunLog log = new RunLog(dir.resolve("chaos.log"), out)) {
      log.accept("test " + spec.name() + " seed " + spec.seed() + " on " + spec.testbed() + " " + spec.nodes() + "; store " + dir);
      Db db = bed.db();
      KvSessions sessions = null;
      Nemesis nemesis = null;
      try {
        log.accept("setting up the database");
        if (Nemeses.losesPower(spec.nemeses())) {
          db.usePowerLoss(); // before setup: the data directories go on the power-loss file system
        }
        db.setup();
        log.accept("database up; config center " + db.clusterAddresses());
        NemesisContext nctx = new NemesisContext(bed, new ClusterStatus(db, Duration.ofMillis(500)), log, spec.seed());
        nemesis = io.shardkv.chaos.report.ClusterStateObserver.observing(
            Nemeses.nemesis(spec.nemeses(), nctx, spec.nemesisInterval()), nctx.status());
        nemesis.setup();
        List<String> homes = spec.homeClients() ? KvSessions.homeHosts(db.adminAddresses()) : List.of();
        if (!homes.isEmpty()) {
          log.accept("clients bound to home hosts, dealt round-robin: " + homes);
        }
        sessions = new KvSessions(db.clusterAddresses(), Duration.ofMillis((long) (spec.opTimeout() * 1000)), FINAL_READ_TIMEOUT,
            homes);
        KvSessions s = sessions;
        try (HistoryWriter history = new HistoryWriter(dir.resolve("history.edn"))) {
          Interpreter interpreter = new Interpreter(spec.concurrency(), p -> w.open(s), nemesis, history, log);
          running.set(interpreter);
          long n = interpreter.run(generator(spec, w));
          log.accept("run over: " + n + " history entries");
        }
        Nemesis toTear = nemesis;
        nemesis = null;
        toTear.teardown();
      } finally {
        if (nemesis != null) {
          try {
            nemesis.teardown();
          } catch (RuntimeException e) {
            log.accept("nemesis teardown after a failure: " + e.getMessage());
          }
        }
        if (sessions != null) {
          sessions.close();
        }
        try {
          db.collectLogs(dir);
        } catch (RuntimeException e) {
          log.accept("collecting the node logs failed: " + e.getMessage());
        }
        try {
          db.teardown();
          log.accept("database torn down");
        } catch (RuntimeException e) {
          log.accept("tearing the database down failed: " + e.getMessage());
        }
        finished.countDown();
        removeHook(hook);
      }
      Map<Object, Object> results = check(dir.resolve("history.edn"), spec.workload(), checkTimeout, dir);
      write(dir, results);
      io.shardkv.chaos.report.RunReport.writeQuietly(dir.resolve("history.edn"), dir, log);
      Validity v = Validity.fromEdn(results.get(Edn.kw("valid?")));
      summary(results).forEach(log);
      log.accept("verdict " + v.word());
      return new Outcome(v, dir, results);
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already
    }
  }

  /**
   * Checks a history file: the workload's checkers plus op counts, availability and latency,
   * composed (invalid beats unknown beats valid). Reports go to {@code reportDir} (null: none).
   * Returns the results tree with {@code :valid?} first and {@code :checker-ms}.
   */
  public static Map<Object, Object> check(Path historyFile, String workload, Duration timeout, Path reportDir)
      throws IOException {
    long t0 = System.nanoTime();
    List<Op> ops = HistoryFile.read(historyFile);
    Workload w = Workload.byName(workload, new WorkloadOptions(1, 1, 1));
    Map<String, Checker> m = new LinkedHashMap<>(w.checkers(timeout));
    m.put("stats", new StatsChecker());
    m.put("availability", new AvailabilityChecker());
    m.put("latency", new LatencyChecker());
    Result r = Checkers.safe(Checkers.compose(m), new CheckInput(historyFile, ops, reportDir));
    Map<Object, Object> results = new LinkedHashMap<>(r.asMap());
    results.put(Edn.kw("workload"), Edn.kw(workload));
    results.put(Edn.kw("checker-ms"), (System.nanoTime() - t0) / 1_000_000);
    return results;
  }

  /** Writes {@code results.edn} and {@code results.json} into {@code dir}. */
  public static void write(Path dir, Map<Object, Object> results) throws IOException {
    Files.writeString(dir.resolve("results.edn"), Edn.pretty(results), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("results.json"), Json.write(results), StandardCharsets.UTF_8);
  }

  /** Human-readable summary lines of a results tree (ops, nemesis events, availability, checkers). */
  @SuppressWarnings("unchecked")
  public static List<String> summary(Map<Object, Object> results) {
    List<String> lines = new java.util.ArrayList<>();
    Map<Object, Object> stats = (Map<Object, Object>) results.getOrDefault(Edn.kw("stats"), Map.of());
    StringBuilder ops = new StringBuilder("ops:");
    Map<Object, Object> byF = (Map<Object, Object>) stats.getOrDefault(Edn.kw("by-f"), Map.of());
    byF.forEach((f, c) -> {
      Map<Object, Object> m = (Map<Object, Object>) c;
      ops.append(' ').append(name(f)).append(" ok=").append(m.get(Edn.kw("ok"))).append(" fail=")
          .append(m.get(Edn.kw("fail"))).append(" info=").append(m.get(Edn.kw("info"))).append(';');
    });
    lines.add(ops.toString());
    StringBuilder nem = new StringBuilder("nemesis events:");
    Map<Object, Object> ne = (Map<Object, Object>) stats.getOrDefault(Edn.kw("nemesis"), Map.of());
    if (ne.isEmpty()) {
      nem.append(" none");
    }
    ne.forEach((f, n) -> nem.append(' ').append(name(f)).append('=').append(n));
    lines.add(nem.toString());
    Map<Object, Object> av = (Map<Object, Object>) results.getOrDefault(Edn.kw("availability"), Map.of());
    Map<Object, Object> in = (Map<Object, Object>) av.getOrDefault(Edn.kw("in-faults"), Map.of());
    Map<Object, Object> outside = (Map<Object, Object>) av.getOrDefault(Edn.kw("outside-faults"), Map.of());
    lines.add("availability (ok/answered): " + in.get(Edn.kw("availability")) + "/" + in.get(Edn.kw("answered"))
        + " in faults (" + in.get(Edn.kw("ops")) + " ops), " + outside.get(Edn.kw("availability")) + "/"
        + outside.get(Edn.kw("answered")) + " outside (" + outside.get(Edn.kw("ops")) + " ops)");
    StringBuilder ch = new StringBuilder("checkers:");
    results.forEach((k, v) -> {
      if (v instanceof Map<?, ?> m && m.containsKey(Edn.kw("valid?"))) {
        ch.append(' ').append(name(k)).append('=').append(Validity.fromEdn(m.get(Edn.kw("valid?"))).word());
        Object counts = m.get(Edn.kw("anomaly-counts"));
        if (counts instanceof Map<?, ?> c && !c.isEmpty()) {
          ch.append(' ').append(Edn.line(counts));
        }
        Object bad = m.get(Edn.kw("invalid-keys"));
        if (bad instanceof List<?> l && !l.isEmpty()) {
          ch.append(" invalid-keys=").append(Edn.line(l));
        }
        Object err = m.get(Edn.kw("error"));
        if (err != null) {
          ch.append(" (").append(err).append(')');
        }
      }
    });
    ch.append("; checker time ").append(results.get(Edn.kw("checker-ms"))).append(" ms");
    lines.add(ch.toString());
    return lines;
  }

  private static String name(Object k) {
    return k instanceof io.shardkv.linearizability.format.Keyword kw ? kw.name() : String.valueOf(k);
  }
}
