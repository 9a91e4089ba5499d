package io.shardkv.server.sim.shardkv;

import io.shardkv.linearizability.format.JepsenEdnWriter;
import io.shardkv.linearizability.html.HtmlReport;
import io.shardkv.linearizability.models.KvModel;
import io.shardkv.server.replica.PlantedBug;
import io.shardkv.server.sim.FaultKind;
import io.shardkv.server.sim.SeedSweep;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardkv sim shardkv}: runs the sharded cluster's mixed-fault scenario
 * ({@link ShardKvSimulation}) for one seed or a range. The last line is always {@code digest=<hex>}.
 * Exit status: 0 all passed, 1 a violation (history and HTML written where it says), 3 bad usage.
 */
@Command(
    name = "shardkv",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    description = {
        "Simulates a sharded cluster (config center + shard groups on Raft) with routed clients under",
        "crashes, partitions, an unreliable network and reconfigurations; checks the client history",
        "for linearizability (kv model, per key). Prints a summary and, last, digest=<hex>."},
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {"0:every run passed", "1:a linearizability or liveness violation", "3:usage error"})
public final class ShardKvSimCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the run (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--seeds", paramLabel = "A..B", description = "Run every seed from A to B (inclusive) instead of --seed.")
  String seeds;

  @Option(names = "--groups", defaultValue = "3", description = "Shard groups (default ${DEFAULT-VALUE}).")
  int groups;

  @Option(names = "--replicas", defaultValue = "3", description = "Servers per group and in the config center (default ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--clients", defaultValue = "10", description = "Workload clients (default ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--shards", defaultValue = "16", description = "Shard count (default ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--keys", defaultValue = "10", description = "Distinct keys the clients share (default ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--time", defaultValue = "10", paramLabel = "SIMULATED_SECONDS",
      description = "Simulated seconds of workload under faults (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--faults", defaultValue = "all",
      description = "none, all, or a comma list of: drop,delay,dup,reorder,partition,crash,pause (default ${DEFAULT-VALUE}).")
  String faults;

  @Option(names = "--no-reconfig", description = "Do not join, leave or move shards during the run.")
  boolean noReconfig;

  @Option(names = "--membership",
      description = "Membership changes and leadership transfers under the faults (issue 16): voters of the config"
          + " center and the shard groups removed, re-added as learners and promoted, replaced by fresh replicas on "
          + ShardKvSimOptions.SPARES + " spare servers, leaderships moved, all through the admin rules and the"
          + " replicas' own calls; membership invariants checked on every Ready pass. Prints a membership line.")
  boolean membership;

  @Option(names = "--unreliable-clients", description = "Client links drop, delay and duplicate messages too.")
  boolean unreliableClients;

  @Option(names = "--snapshot-bytes", defaultValue = "4096",
      description = "Snapshot threshold per replica in bytes of applied commands, 0 = never (default ${DEFAULT-VALUE}).")
  long snapshotBytes;

  @Option(names = "--session-idle-ms", defaultValue = "3000", paramLabel = "SIMULATED_MS",
      description = "Client sessions idle for longer than this (log time, stamped by the leaders) expire, 0 = never"
          + " (default ${DEFAULT-VALUE}: short, so a 10 s run sees sessions expire and clients renew them;"
          + " real servers default to 600 s, docs/sessions.md).")
  long sessionIdleMs;

  @Option(names = "--unsafe-disable-dedup", hidden = true,
      description = "TEST ONLY, makes the store incorrect on purpose: servers give every client request a fresh"
          + " client id so retried writes can apply twice. Proves the violation path (exit 1, history.edn,"
          + " history.html, events.trace) end to end.")
  boolean unsafeDisableDedup;

  @Option(names = "--unsafe", paramLabel = "BUG[,BUG]",
      description = "TEST ONLY, makes the store incorrect on purpose: the shard groups' servers run with these planted bugs"
          + " (the production switches of the cluster config's unsafe-BUG keys): stale-reads, lease-reads,"
          + " vote-before-persist, no-dedup, commit-on-minority, ack-before-fsync, or all. With --seeds the sweep stops at"
          + " the first failing seed and reports it (docs/chaos.md, Mutants).")
  String unsafe;

  @Option(names = "--trace", description = "Print the app-layer trace lines.")
  boolean trace;

  @Option(names = "--out", defaultValue = ".", description = "Where a failing run writes its history and HTML (default: current directory).")
  Path outDir;

  @Option(names = "--threads", description = "Threads for --seeds (default: all cores).")
  Integer threads;

  @Override
  public Integer call() {
    ShardKvSimOptions options = options();
    PrintWriter out = spec.commandLine().getOut();
    if (seeds != null) return sweep(options, out);
    ShardKvSimulation.Result r = new ShardKvSimulation(options).run();
    if (trace) for (String line : r.traceLines()) out.println(line);
    printSummary(r, out);
    if (!r.passed()) {
      out.println("FAIL: " + r.failure().getMessage());
      out.println("replay: " + replayCommand(r.seed()));
      out.println("history and visualization: " + writeArtifacts(r));
    } else {
      out.println("result: PASS");
    }
    out.println("digest=" + r.digest());
    out.flush();
    return r.passed() ? 0 : 1;
  }

  private ShardKvSimOptions options() {
    EnumSet<FaultKind> kinds;
    try {
      kinds = FaultKind.parseList(faults);
    } catch (IllegalArgumentException e) {
      throw usage("--faults: " + e.getMessage());
    }
    if (!(seconds >= 0) || seconds > 1e6) throw usage("--time must be a number of seconds >= 0, got " + seconds);
    if (threads != null && threads < 1) throw usage("--threads must be >= 1, got " + threads);
    try {
      return new ShardKvSimOptions(seed, groups, replicas, clients, shards, keys, Math.round(seconds * 1000), kinds,
          !noReconfig, unreliableClients, snapshotBytes, 10, 30_000, trace, 0.1, false, unsafeDisableDedup)
          .withUnsafe(bugs()).withSessionIdleMillis(sessionIdleMs).withMembership(membership);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** The planted bugs of --unsafe and --unsafe-disable-dedup (its older, hidden spelling of no-dedup). */
  private java.util.Set<PlantedBug> bugs() {
    EnumSet<PlantedBug> b = EnumSet.noneOf(PlantedBug.class);
    if (unsafe != null) {
      try {
        b.addAll(PlantedBug.parseList(unsafe));
      } catch (IllegalArgumentException e) {
        throw usage("--unsafe: " + e.getMessage());
      }
    }
    if (unsafeDisableDedup) b.add(PlantedBug.NO_DEDUP);
    return b;
  }

  private Integer sweep(ShardKvSimOptions options, PrintWriter out) {
    SeedSweep.Range range;
    try {
      range = SeedSweep.Range.parse(seeds);
    } catch (IllegalArgumentException e) {
      throw usage("--seeds: " + e.getMessage());
    }
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    long wallStart = System.nanoTime();
    // Streamed in seed order: a failure is reported as its seed comes in; nothing per seed is kept
    // (a result holds its whole history). With planted bugs the question is how soon a seed catches
    // them: stop at the first failure.
    boolean untilFirstFailure = !options.unsafe().isEmpty();
    SeedSweep.Tally tally = new SeedSweep.Tally(out, untilFirstFailure);
    long[] opsOk = {0};
    MembershipCounts[] changes = {MembershipCounts.NONE};
    SeedSweep.forEachUntil(range, n, s -> new ShardKvSimulation(options.withSeed(s)).run(), r -> {
      opsOk[0] += r.opsOk();
      changes[0] = changes[0].plus(r.membership());
      return tally.add(r.seed(), r.digest(), r.passed() ? null : r.failure(),
          () -> List.of("replay: " + replayCommand(r.seed()), "history and visualization: " + writeArtifacts(r)));
    });
    if (untilFirstFailure) {
      tally.printUnsafeOutcome(names(options.unsafe()), range);
    }
    double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
    out.printf(Locale.ROOT, "sim shardkv sweep: seeds %d..%d (%d) on %d threads: %d passed, %d failed; %d client ops ok; wall %.1f s%n",
        range.from(), range.to(), range.count(), n, tally.passed(), tally.failed(), opsOk[0], wallSeconds);
    if (membership) out.println(changes[0].summary());
    out.println("digest=" + tally.digestHex());
    out.flush();
    return tally.failed() == 0 ? 0 : 1;
  }

  private void printSummary(ShardKvSimulation.Result r, PrintWriter out) {
    out.printf(Locale.ROOT, "sim shardkv: seed=%d groups=%d replicas=%d clients=%d shards=%d keys=%d faults=%s reconfig=%s time=%ss%n",
        r.seed(), groups, replicas, clients, shards, keys, FaultKind.format(FaultKind.parseList(faults)), !noReconfig,
        trimDouble(seconds));
    out.printf(Locale.ROOT, "simulated time: %.3f s; events: %d; messages: %d%n", r.simulatedMs() / 1000.0, r.events(),
        r.messagesSent());
    out.printf(Locale.ROOT, "client ops: ok=%d fail=%d info=%d (%.0f ok/simulated s, %.0f ok/wall s)%n", r.opsOk(),
        r.opsFailed(), r.opsInfo(), r.opsPerSimulatedSecond(), r.opsPerWallSecond());
    out.printf(Locale.ROOT, "client sessions: renewed after expiry=%d (idle limit %d ms of log time)%n", r.sessionRenewals(),
        sessionIdleMs);
    out.printf(Locale.ROOT, "reconfigurations: joins=%d leaves=%d moves=%d%n", r.joins(), r.leaves(), r.moves());
    if (membership) out.println(r.membership().summary());
    StringBuilder f = new StringBuilder();
    int total = 0;
    for (Map.Entry<FaultKind, Integer> e : r.faultsInjected().entrySet()) {
      f.append(' ').append(e.getKey().optionName()).append('=').append(e.getValue());
      total += e.getValue();
    }
    out.println("faults injected: " + total + " (" + f.toString().trim() + ")");
    out.println("linearizability (kv model, per key): " + r.verdict().label()
        + (r.check() == null ? "" : " (" + r.check().partitions().size() + " keys, " + r.check().millis() + " ms)"));
    out.printf(Locale.ROOT, "wall time: %.3f s; cpu time: %.3f s%n", r.wallNanos() / 1e9, r.cpuNanos() / 1e9);
  }

  /** Writes the history (Jepsen EDN), the HTML visualization and the recent events of a failed run. */
  private String writeArtifacts(ShardKvSimulation.Result r) {
    Path dir = outDir.resolve("sim-shardkv-seed-" + r.seed());
    try {
      Files.createDirectories(dir);
      try (Writer w = Files.newBufferedWriter(dir.resolve("history.edn"), StandardCharsets.UTF_8)) {
        JepsenEdnWriter.write(r.history(), w, false);
      }
      if (r.check() != null) {
        HtmlReport.write(dir.resolve("history.html"), "sim shardkv seed " + r.seed(), new KvModel(), r.check());
      }
      List<String> lines = new ArrayList<>();
      lines.add("# " + replayCommand(r.seed()));
      lines.add("# " + r.failure().getMessage());
      lines.addAll(r.traceLines());
      lines.add("# last simulator events (time|source|kind|contents):");
      lines.addAll(r.recentEvents());
      Files.write(dir.resolve("events.trace"), lines, StandardCharsets.UTF_8);
      return dir.toAbsolutePath().toString();
    } catch (IOException e) {
      return "(could not write " + dir + ": " + e.getMessage() + ")";
    }
  }

  private String replayCommand(long s) {
    return String.format(Locale.ROOT, "bin/shardkv sim shardkv --seed %d --groups %d --replicas %d --clients %d --shards %d"
            + " --keys %d --time %s --faults %s --snapshot-bytes %d --session-idle-ms %d%s%s%s", s, groups, replicas, clients, shards, keys,
        trimDouble(seconds), FaultKind.format(FaultKind.parseList(faults)), snapshotBytes, sessionIdleMs,
        (noReconfig ? " --no-reconfig" : "") + (membership ? " --membership" : ""), unreliableClients ? " --unreliable-clients" : "",
        (unsafeDisableDedup ? " --unsafe-disable-dedup" : "") + (unsafe == null ? "" : " --unsafe " + unsafe.trim()));
  }

  private static String names(java.util.Set<PlantedBug> bugs) {
    return String.join(",", bugs.stream().map(PlantedBug::shortName).toList());
  }

  private static String trimDouble(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
