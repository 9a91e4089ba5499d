package io.shardkv.server.sim.raft;

import io.shardkv.server.replica.PlantedBug;
import io.shardkv.server.sim.FaultKind;
import io.shardkv.server.sim.SeedSweep;
import java.io.IOException;
import java.io.PrintWriter;
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
 * {@code shardkv sim raft}: runs the mixed-fault Raft scenario ({@link RaftSimulation}) for one seed
 * or a range of seeds. The last line of the output is always {@code digest=<hex>}: the same seed and
 * options give the same digest on any machine. Exit status: 0 all passed, 1 an invariant or the
 * liveness bound failed, 3 bad usage.
 */
@Command(
    name = "raft",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    description = {
        "Simulates a Raft cluster under injected faults, checking safety invariants on every step and",
        "liveness after the faults stop. Prints a summary and, last, digest=<hex> of the event trace."},
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {"0:every run passed", "1:an invariant or the liveness bound failed", "3:usage error"})
public final class RaftSimCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the run (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--seeds", paramLabel = "A..B",
      description = "Run every seed from A to B (inclusive) on all cores instead of --seed.")
  String seeds;

  @Option(names = "--nodes", defaultValue = "5", description = "Cluster size (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--time", defaultValue = "10", paramLabel = "SIMULATED_SECONDS",
      description = "Simulated seconds of faults and proposals (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--faults", defaultValue = "all",
      description = "none, all, or a comma list of: drop,delay,dup,reorder,partition,crash,pause (default ${DEFAULT-VALUE}).")
  String faults;

  @Option(names = "--proposals", defaultValue = "100",
      description = "Distinct values the client proposes during the run (default ${DEFAULT-VALUE}).")
  int proposals;

  @Option(names = "--snapshot-every", defaultValue = "50",
      description = "Snapshot after this many applied entries, 0 = never (default ${DEFAULT-VALUE}).")
  int snapshotEvery;

  @Option(names = "--liveness-seconds", defaultValue = "10",
      description = "After the faults stop, a leader and every proposal must commit within this bound (default ${DEFAULT-VALUE}).")
  double livenessSeconds;

  @Option(names = "--transfers", description = "Also ask the leader to transfer leadership every 1-3 s during the faults.")
  boolean transfers;

  @Option(names = "--membership", description = {
      "Also change the group's membership every 0.2-1.2 s during the faults (add learner, promote, remove a",
      "learner or voter, the leader included): the last two of the nodes start outside the seed configuration."})
  boolean membership;

  @Option(names = "--trace", description = "Print every node's trace lines (a failing run writes them to a file anyway).")
  boolean trace;

  @Option(names = "--trace-dir", defaultValue = ".",
      description = "Where a failing run writes its trace file (default: current directory).")
  Path traceDir;

  @Option(names = "--warmup-runs", defaultValue = "0",
      description = "Run the same seed this many times first, unmeasured (JIT warm-up for speed figures).")
  int warmupRuns;

  @Option(names = "--threads", description = "Threads for --seeds (default: all cores).")
  Integer threads;

  @Option(names = "--unsafe", paramLabel = "BUG[,BUG]",
      description = "TEST ONLY, breaks Raft on purpose with the production switches of the planted bugs that live in the"
          + " Raft core or the Ready driver: vote-before-persist, commit-on-minority, lease-reads, ack-before-fsync."
          + " With --seeds the sweep stops at the first failing seed and reports it (docs/chaos.md, Mutants).")
  String unsafe;

  /** The planted bugs this simulator can run (the others live above Raft: use sim shardkv). */
  static final java.util.Set<PlantedBug> RAFT_BUGS = java.util.EnumSet.of(PlantedBug.VOTE_BEFORE_PERSIST,
      PlantedBug.COMMIT_ON_MINORITY, PlantedBug.LEASE_READS, PlantedBug.ACK_BEFORE_FSYNC);

  @Override
  public Integer call() {
    RaftSimulation.Scenario scenario = scenario();
    PrintWriter out = spec.commandLine().getOut();
    if (seeds != null) return sweep(scenario, out);
    for (int i = 0; i < warmupRuns; i++) new RaftSimulation(scenario.withSeed(seed)).run();
    RaftSimulation.Result r = new RaftSimulation(scenario.withSeed(seed).withTrace(trace)).run();
    if (trace) for (String line : r.traceLines()) out.println(line);
    printSummary(r, out);
    if (!r.passed()) {
      out.println("FAIL: " + r.failure().getMessage());
      out.println("replay: " + replayCommand(r.seed()));
      out.println("trace: " + writeTrace(scenario, r));
    } else {
      out.println("result: PASS");
    }
    out.println("digest=" + r.digest());
    out.flush();
    return r.passed() ? 0 : 1;
  }

  private RaftSimulation.Scenario scenario() {
    EnumSet<FaultKind> kinds;
    try {
      kinds = FaultKind.parseList(faults);
    } catch (IllegalArgumentException e) {
      throw usage("--faults: " + e.getMessage());
    }
    if (nodes < 1 || nodes > 64) throw usage("--nodes must be in 1..64, got " + nodes);
    if (!(seconds >= 0) || seconds > 1e7) throw usage("--time must be a number of seconds >= 0, got " + seconds);
    if (proposals < 0) throw usage("--proposals must be >= 0, got " + proposals);
    if (snapshotEvery < 0) throw usage("--snapshot-every must be >= 0, got " + snapshotEvery);
    if (!(livenessSeconds > 0)) throw usage("--liveness-seconds must be > 0, got " + livenessSeconds);
    if (warmupRuns < 0) throw usage("--warmup-runs must be >= 0, got " + warmupRuns);
    if (threads != null && threads < 1) throw usage("--threads must be >= 1, got " + threads);
    java.util.Set<PlantedBug> bugs = bugs();
    RaftSimOptions options = RaftSimOptions.defaults(seed, nodes).withSnapshotEvery(snapshotEvery)
        .withUnsafe(PlantedBug.raftSwitches(bugs),
            bugs.contains(PlantedBug.ACK_BEFORE_FSYNC));
    if (membership && nodes < 3) throw usage("--membership needs --nodes >= 3 (two nodes start outside the group), got " + nodes);
    return new RaftSimulation.Scenario(options, Math.round(seconds * 1000), kinds, proposals,
        Math.round(livenessSeconds * 1000), transfers).withMembershipChanges(membership);
  }

  private java.util.Set<PlantedBug> bugs() {
    if (unsafe == null) return java.util.Set.of();
    java.util.EnumSet<PlantedBug> b;
    try {
      b = PlantedBug.parseList(unsafe.trim().equalsIgnoreCase("all") ? "vote-before-persist,commit-on-minority,lease-reads,"
          + "ack-before-fsync" : unsafe);
    } catch (IllegalArgumentException e) {
      throw usage("--unsafe: " + e.getMessage());
    }
    for (PlantedBug x : b) {
      if (!RAFT_BUGS.contains(x)) {
        throw usage("--unsafe: " + x.shortName() + " lives above Raft (the replica host's read path or the dedup); "
            + "run it with bin/shardkv sim shardkv --unsafe " + x.shortName());
      }
    }
    return b;
  }

  private Integer sweep(RaftSimulation.Scenario scenario, PrintWriter out) {
    SeedSweep.Range range;
    try {
      range = SeedSweep.Range.parse(seeds);
    } catch (IllegalArgumentException e) {
      throw usage("--seeds: " + e.getMessage());
    }
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    long wallStart = System.nanoTime();
    // Streamed in seed order: a failure is reported as its seed comes in; nothing per seed is kept.
    // With planted bugs the question is how soon a seed catches them: stop at the first failure.
    boolean untilFirstFailure = unsafe != null;
    SeedSweep.Tally tally = new SeedSweep.Tally(out, untilFirstFailure);
    long[] simulatedMs = {0};
    long[] cpuNanos = {0};
    long[] changes = {0, 0};
    SeedSweep.forEachUntil(range, n, s -> new RaftSimulation(scenario.withSeed(s)).run(), r -> {
      simulatedMs[0] += r.simulatedMs();
      cpuNanos[0] += r.cpuNanos();
      changes[0] += r.membershipProposed();
      changes[1] += r.membershipAccepted();
      return tally.add(r.seed(), r.digest(), r.passed() ? null : r.failure(),
          () -> List.of("replay: " + replayCommand(r.seed()), "trace:  " + writeTrace(scenario, r)));
    });
    if (untilFirstFailure) {
      tally.printUnsafeOutcome(String.join(",", bugs().stream().map(PlantedBug::shortName).toList()), range);
    }
    double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
    double cpuSeconds = cpuNanos[0] / 1e9;
    long seedsRun = tally.seeds();
    long failedCount = tally.failed();
    out.printf(Locale.ROOT, "sim raft sweep: seeds %d..%d (%d) on %d threads: %d passed, %d failed%n",
        range.from(), range.to(), range.count(), n, seedsRun - failedCount, failedCount);
    out.printf(Locale.ROOT, "simulated time: %.1f s in total; wall time %.2f s (%.1f seeds/minute); cpu time %.2f s%n",
        simulatedMs[0] / 1000.0, wallSeconds, seedsRun / (wallSeconds / 60.0), cpuSeconds);
    if (membership) {
      out.printf(Locale.ROOT, "membership changes: %d proposed, %d accepted by the leader%n", changes[0], changes[1]);
    }
    out.println("digest=" + tally.digestHex());
    out.flush();
    return failedCount == 0 ? 0 : 1;
  }

  private void printSummary(RaftSimulation.Result r, PrintWriter out) {
    out.printf(Locale.ROOT, "sim raft: seed=%d nodes=%d faults=%s time=%ss proposals=%d%n", r.seed(), nodes,
        FaultKind.format(FaultKind.parseList(faults)), trimDouble(seconds), proposals);
    out.printf(Locale.ROOT, "simulated time: %.3f s%n", r.simulatedMs() / 1000.0);
    out.printf(Locale.ROOT, "messages: sent=%d delivered=%d dropped=%d duplicated=%d%n", r.messagesSent(),
        r.messagesDelivered(), r.messagesDropped(), r.messagesDuplicated());
    out.printf(Locale.ROOT, "elections: %d; committed index: %d; values committed: %d of %d (incl. the liveness probe); reads checked: %d%n",
        r.elections(), r.committedIndex(), r.valuesCommitted(), r.proposals() + 1, r.readsConfirmed());
    if (membership) {
      out.printf(Locale.ROOT, "membership changes: %d proposed, %d accepted by the leader%n", r.membershipProposed(),
          r.membershipAccepted());
    }
    StringBuilder f = new StringBuilder();
    int total = 0;
    for (Map.Entry<FaultKind, Integer> e : r.faultsInjected().entrySet()) {
      f.append(' ').append(e.getKey().optionName()).append('=').append(e.getValue());
      total += e.getValue();
    }
    out.println("faults injected: " + total + " (" + f.toString().trim() + ")");
    out.printf(Locale.ROOT, "events: %d; wall time: %.3f s, speed-up %.1fx real time; cpu time: %.3f s, speed-up %.1fx%n",
        r.events(), r.wallNanos() / 1e9, r.speedUp(), r.cpuNanos() / 1e9, r.cpuSpeedUp());
  }

  /** Re-runs a failed seed with tracing on (deterministic, so it fails the same way) and writes its trace. */
  private String writeTrace(RaftSimulation.Scenario scenario, RaftSimulation.Result failed) {
    RaftSimulation.Result traced = failed.traceLines().isEmpty() && !scenario.options().trace()
        ? new RaftSimulation(scenario.withSeed(failed.seed()).withTrace(true)).run()
        : failed;
    Path file = traceDir.resolve("sim-raft-seed-" + failed.seed() + ".trace");
    List<String> lines = new ArrayList<>();
    lines.add("# " + replayCommand(failed.seed()));
    lines.add("# " + (traced.failure() == null ? "(replay with tracing did not fail!)" : traced.failure().getMessage()));
    lines.add("# node trace lines:");
    lines.addAll(traced.traceLines());
    lines.add("# last simulator events (time|source|kind|contents):");
    lines.addAll(traced.recentEvents());
    try {
      Files.createDirectories(traceDir);
      Files.write(file, lines, StandardCharsets.UTF_8);
      return file.toAbsolutePath().toString();
    } catch (IOException e) {
      return "(could not write " + file + ": " + e.getMessage() + ")";
    }
  }

  private String replayCommand(long s) {
    return String.format(Locale.ROOT, "bin/shardkv sim raft --seed %d --nodes %d --time %s --faults %s --proposals %d"
            + " --snapshot-every %d --liveness-seconds %s%s%s%s", s, nodes, trimDouble(seconds),
        FaultKind.format(FaultKind.parseList(faults)), proposals, snapshotEvery, trimDouble(livenessSeconds),
        transfers ? " --transfers" : "", membership ? " --membership" : "", unsafe == null ? "" : " --unsafe " + unsafe.trim());
  }

  private static String trimDouble(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
