package io.shardkv.server.sim.shardkv;

import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.models.KvModel;
import io.shardkv.server.sim.FaultKind;
import io.shardkv.server.sim.SimRandom;
import io.shardkv.server.sim.SimulationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;

/**
 * The mixed-fault scenario behind {@code shardkv sim shardkv}: the admin joins every group, then for
 * {@code faultMs} the workload clients run get/put/append on shared keys while the nemesis crashes,
 * pauses and partitions servers, disturbs the network, and (if enabled) joins, leaves and moves
 * shards. Then the faults stop and the liveness bound starts: within {@code livenessMs} every client
 * must finish its last op and read every key. The whole history is then checked: no read saw a value
 * of a write reported {@code :fail} ({@link FailedWritesCheck}), and the linearizability module's
 * {@code kv} model accepts it, key by key. With {@code membership} the membership nemesis
 * ({@link MembershipNemesis}) changes the groups' members and moves leaderships meanwhile, and
 * {@link MembershipInvariants} checks every Ready pass; a broken membership rule fails the run.
 */
public final class ShardKvSimulation {
  /**
   * Candidate steps the checker may take per key. The hardest known seed (103 of
   * ShardKvSimulationTest, 3 hot keys, 15 clients) needs 12.5 million; a step limit, unlike a
   * timeout, gives every machine the same verdict for a seed.
   */
  static final long CHECK_STEP_LIMIT = 100_000_000L;
  /** Only a safety net (a search stuck far beyond the step limit's pace): UNKNOWN then depends on load. */
  static final Duration CHECK_SAFETY_TIMEOUT = Duration.ofMinutes(30);

  /** What one run found. {@code failure} is null when the history is linearizable and liveness held. */
  public record Result(long seed, long simulatedMs, long wallNanos, long cpuNanos, long opsOk, long opsFailed,
                       long opsInfo, Verdict verdict, CheckResult check, History history,
                       EnumMap<FaultKind, Integer> faultsInjected, int joins, int leaves, int moves,
                       long messagesSent, long events, String digest, SimulationFailure failure,
                       List<String> recentEvents, List<String> traceLines, long workloadMs,
                       int sessionRenewals, MembershipCounts membership) {
    public boolean passed() { return failure == null; }

    /** Completed (ok) client ops per simulated second of the workload phase. */
    public double opsPerSimulatedSecond() { return workloadMs <= 0 ? 0 : opsOk * 1000.0 / workloadMs; }

    /** Completed (ok) client ops per wall-clock second of the whole run. */
    public double opsPerWallSecond() { return wallNanos <= 0 ? 0 : opsOk * 1e9 / wallNanos; }
  }

  private final ShardKvSimOptions options;
  private final ShardKvWorld world;
  private final HistoryRecorder history;
  private final List<WorkloadClient> clients = new ArrayList<>();
  private final Reconfigurer admin;
  private final GroupNemesis nemesis;
  private final List<String> keys = new ArrayList<>();
  /** The membership nemesis and its invariants, or null without {@code membership}. */
  private final MembershipNemesis members;
  private final MembershipInvariants memberChecks;

  public ShardKvSimulation(ShardKvSimOptions options) {
    this.options = options;
    this.world = new ShardKvWorld(options, options.clients() + 1 + (options.membership() ? 1 : 0));
    this.history = new HistoryRecorder(world.loop(), world.digest());
    SimRandom r = world.random();
    this.admin = new Reconfigurer(world, r.fork("admin"));
    this.nemesis = new GroupNemesis(world, r.fork("nemesis"), options.faults());
    for (int k = 0; k < options.keys(); k++) keys.add("k" + k);
    for (int c = 0; c < options.clients(); c++) {
      clients.add(new WorkloadClient(world, history, r.fork("client-" + c), c, options.clients(), keys, 0.4, options.putRatio()));
    }
    // Its own fork and client endpoint: runs without membership changes are exactly what they were.
    this.members = options.membership() ? new MembershipNemesis(world, r.fork("membership")) : null;
    this.memberChecks = options.membership() ? new MembershipInvariants(world) : null;
    if (memberChecks != null) world.setAfterPass(memberChecks);
  }

  public ShardKvWorld world() { return world; }

  /** Runs the scenario; never throws for a failed run (the failure is in the result). */
  public Result run() {
    // Outside the simulated world: wall and CPU clocks only feed the speed figures.
    long wallStart = System.nanoTime();
    long cpuStart = threadCpuNanos();
    SimulationFailure failure = null;
    CheckResult check = null;
    History h = null;
    long seed = options.seed();
    try {
      List<Integer> all = new ArrayList<>();
      for (int g = 1; g <= options.groups(); g++) all.add(g);
      admin.join(all, () -> { });
      for (WorkloadClient c : clients) c.start(100);
      nemesis.start();
      if (options.reconfigure()) admin.startRandomChanges();
      if (members != null) members.start();
      world.loop().runUntil(options.faultMs());
      nemesis.stop();
      admin.stop();
      if (members != null) members.stop();
      long start = world.loop().now();
      for (WorkloadClient c : clients) c.finishWithReads(keys);
      boolean live = world.loop().runUntil(() -> clients.stream().allMatch(WorkloadClient::finished),
          start + options.livenessMs());
      checkMembership(seed);
      if (!live) {
        long stuck = clients.stream().filter(c -> !c.finished()).count();
        throw new SimulationFailure(seed, world.loop().now(), null, "liveness", stuck + " of " + clients.size()
            + " clients did not finish their final reads within " + options.livenessMs()
            + " ms after the faults stopped at " + start + " ms");
      }
      checkMembership(seed);
      h = history.build();
      String visibleFailure = FailedWritesCheck.firstViolation(h);
      if (visibleFailure != null) {
        throw new SimulationFailure(seed, world.loop().now(), null, "definite failures stay invisible", visibleFailure);
      }
      // Bounded by steps, not time: the verdict of a seed must not depend on the machine's load.
      check = Checker.check(new KvModel(), h, CheckOptions.defaults().withThreads(1)
          .withStepLimit(CHECK_STEP_LIMIT).withTimeout(CHECK_SAFETY_TIMEOUT));
      if (check.verdict() == Verdict.NOT_LINEARIZABLE) {
        var bad = check.firstIllegal();
        throw new SimulationFailure(seed, world.loop().now(), null, "linearizability",
            "the history of key " + (bad == null ? "?" : bad.key()) + " is not linearizable ("
                + h.size() + " ops in the whole history)");
      }
    } catch (SimulationFailure f) {
      failure = f;
    } catch (RuntimeException e) {
      SimulationFailure f = new SimulationFailure(seed, world.loop().now(), null, "no unexpected exception",
          e.toString());
      f.initCause(e);
      failure = f;
    }
    if (h == null) h = history.build();
    long wall = System.nanoTime() - wallStart;
    long cpu = threadCpuNanos() - cpuStart;
    return new Result(seed, world.loop().now(), wall, cpu, history.ok(), history.failed(), history.info(),
        check == null ? Verdict.UNKNOWN : check.verdict(), check, h, nemesis.injected(), admin.joins(),
        admin.leaves(), admin.moves(), world.serverNetwork().sent() + world.clientNetwork().sent(),
        world.digest().events(), world.digest().hex(), failure, world.digest().recentLines(),
        List.copyOf(world.traceLines()), options.faultMs(),
        clients.stream().mapToInt(WorkloadClient::sessionRenewals).sum(),
        members == null ? MembershipCounts.NONE : members.counts());
  }

  /** Fails the run with the first membership rule broken (nothing without {@code membership}). */
  private void checkMembership(long seed) {
    if (members == null) return;
    String broken = memberChecks.violation() != null ? memberChecks.violation() : members.violation();
    if (broken != null) throw new SimulationFailure(seed, world.loop().now(), null, "membership rules", broken);
  }

  private static long threadCpuNanos() {
    java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
    return bean.isCurrentThreadCpuTimeSupported() ? bean.getCurrentThreadCpuTime() : -1;
  }
}
