package io.shardkv.server.sim.raft;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.sim.FaultKind;
import io.shardkv.server.sim.Nemesis;
import io.shardkv.server.sim.SimRandom;
import io.shardkv.server.sim.SimulationFailure;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeMap;

/**
 * The mixed-fault scenario behind {@code shardkv sim raft} and the seed sweep: a cluster runs for
 * {@code faultMs} under the nemesis while a client submits {@code proposals} distinct values,
 * re-proposing each to the current leader until some node applies it. Then the faults stop and the
 * liveness bound starts: within {@code livenessMs} a leader must be up, a fresh probe value must
 * commit, and every value proposed must have been committed. Safety invariants are checked all the
 * way (see {@link RaftInvariants}).
 */
public final class RaftSimulation {

  /** What one run does. */
  public record Scenario(RaftSimOptions options, long faultMs, EnumSet<FaultKind> faults, int proposals,
                         long livenessMs, boolean leaderTransfers, boolean membershipChanges) {
    public Scenario(RaftSimOptions options, long faultMs, EnumSet<FaultKind> faults, int proposals, long livenessMs) {
      this(options, faultMs, faults, proposals, livenessMs, false, false);
    }

    public Scenario(RaftSimOptions options, long faultMs, EnumSet<FaultKind> faults, int proposals, long livenessMs,
                    boolean leaderTransfers) {
      this(options, faultMs, faults, proposals, livenessMs, leaderTransfers, false);
    }

    public Scenario {
      if (faultMs < 0) throw new IllegalArgumentException("--time must be >= 0");
      if (proposals < 0) throw new IllegalArgumentException("--proposals must be >= 0");
      if (livenessMs < 1) throw new IllegalArgumentException("liveness bound must be >= 1 ms");
    }

    public Scenario withSeed(long seed) {
      return new Scenario(options.withSeed(seed), faultMs, faults, proposals, livenessMs, leaderTransfers, membershipChanges);
    }

    public Scenario withTrace(boolean on) {
      return new Scenario(options.withTrace(on), faultMs, faults, proposals, livenessMs, leaderTransfers, membershipChanges);
    }

    public Scenario withLeaderTransfers(boolean on) {
      return new Scenario(options, faultMs, faults, proposals, livenessMs, on, membershipChanges);
    }

    /**
     * Membership changes under the faults ({@link MembershipChanges}): the last two nodes (of at
     * least three) start outside the seed configuration so there is someone to add.
     */
    public Scenario withMembershipChanges(boolean on) {
      RaftSimOptions o = on ? options.withSeedVoters(Math.max(1, options.nodes() - 2)) : options.withSeedVoters(0);
      return new Scenario(o, faultMs, faults, proposals, livenessMs, leaderTransfers, on);
    }
  }

  /** What one run found. {@code failure} is null when every invariant and the liveness bound held. */
  public record Result(long seed, long simulatedMs, long wallNanos, long messagesSent, long messagesDelivered,
                       long messagesDropped, long messagesDuplicated, int elections, long committedIndex,
                       long valuesCommitted, int proposals, long readsConfirmed, EnumMap<FaultKind, Integer> faultsInjected,
                       long events, String digest, SimulationFailure failure, List<String> recentEvents,
                       List<String> traceLines, long cpuNanos, int membershipProposed, int membershipAccepted) {
    public boolean passed() { return failure == null; }

    /** Simulated time per CPU time of the simulating thread (insensitive to other load on the machine). */
    public double cpuSpeedUp() { return cpuNanos <= 0 ? 0 : simulatedMs * 1e6 / cpuNanos; }

    /** Simulated time per wall-clock time. */
    public double speedUp() { return wallNanos == 0 ? 0 : simulatedMs * 1e6 / wallNanos; }
  }

  private final Scenario scenario;
  private final RaftCluster cluster;
  private final SimRandom clientRandom;
  /** value number -> time it was last proposed; removed once applied anywhere. */
  private final TreeMap<Integer, Long> pending = new TreeMap<>();
  /** The membership nemesis, or null when the scenario has none. */
  private final MembershipChanges members;
  private long committedValues;
  private int nextValue;
  private static final long RETRY_MS = 1000;

  public RaftSimulation(Scenario scenario) {
    this.scenario = scenario;
    this.cluster = new RaftCluster(scenario.options());
    this.clientRandom = cluster.random().fork("client");
    cluster.onApplied(this::applied);
    // Its own fork: runs without membership changes draw exactly the random numbers they always did.
    this.members = scenario.membershipChanges()
        ? new MembershipChanges(cluster, cluster.random().fork("membership"), scenario.faultMs()) : null;
  }

  public RaftCluster cluster() { return cluster; }

  /** Runs the scenario; never throws for a failed run (the failure is in the result). */
  public Result run() {
    // Outside the simulated world: wall and CPU clocks only feed the speed-up figures.
    long wallStart = System.nanoTime();
    long cpuStart = threadCpuNanos();
    SimulationFailure failure = null;
    Nemesis nemesis = new Nemesis(cluster.loop(), cluster.random().fork("nemesis"), cluster.digest(),
        cluster.network(), cluster.host(), scenario.faults(), Nemesis.Timing.defaults(cluster.size()));
    try {
      nemesis.start();
      scheduleClient();
      readLoop();
      if (scenario.leaderTransfers()) transferLoop();
      if (members != null) members.start();
      cluster.loop().runUntil(scenario.faultMs());
      nemesis.stop();
      checkLiveness();
      cluster.checkCommittedDurable("at the end of the run");
    } catch (SimulationFailure f) {
      failure = f;
    } catch (RuntimeException e) {
      SimulationFailure f = new SimulationFailure(scenario.options().seed(), cluster.loop().now(), null,
          "no unexpected exception", e.toString());
      f.initCause(e);
      failure = f;
    }
    long wall = System.nanoTime() - wallStart;
    long cpu = threadCpuNanos() - cpuStart;
    var net = cluster.network();
    return new Result(scenario.options().seed(), cluster.loop().now(), wall, net.sent(), net.delivered(),
        net.dropped(), net.duplicated(), cluster.elections(), cluster.committedIndex(), committedValues,
        scenario.proposals(), cluster.readsConfirmed(), nemesis.injected(), cluster.digest().events(), cluster.digest().hex(), failure,
        cluster.digest().recentLines(), List.copyOf(cluster.traceLines()), cpu,
        members == null ? 0 : members.proposed(), members == null ? 0 : members.accepted());
  }

  private static long threadCpuNanos() {
    java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
    return bean.isCurrentThreadCpuTimeSupported() ? bean.getCurrentThreadCpuTime() : -1;
  }

  private void scheduleClient() {
    if (scenario.proposals() == 0) return;
    long spread = Math.max(1, scenario.faultMs() * 9 / 10);
    for (int i = 0; i < scenario.proposals(); i++) {
      long at = scenario.faultMs() == 0 ? 0 : clientRandom.between(0, spread);
      int value = i;
      cluster.loop().at(at, () -> {
        pending.put(value, Long.MIN_VALUE);
        propose(value);
      });
    }
    nextValue = scenario.proposals();
    retryLoop();
  }

  /** Every 1–3 s until the faults stop, the leader is asked to hand leadership to a random peer (thesis §3.10). */
  private void transferLoop() {
    if (cluster.loop().now() >= scenario.faultMs()) return;
    int leader = cluster.currentLeader();
    if (leader >= 0 && cluster.size() > 1) {
      int target = (leader + 1 + clientRandom.below(cluster.size() - 1)) % cluster.size();
      cluster.digest().record(cluster.loop().now(), "client", "transfer", leader + "->" + target);
      cluster.submit(leader, r -> r.transferLeadership(target));
    }
    cluster.loop().after(clientRandom.between(1000, 3000), this::transferLoop);
  }

  /** Every ~200 ms until the faults stop, a linearizable read at the current leader. */
  private void readLoop() {
    if (cluster.loop().now() >= scenario.faultMs()) return;
    int leader = cluster.currentLeader();
    if (leader >= 0) cluster.read(leader);
    cluster.loop().after(clientRandom.between(100, 300), this::readLoop);
  }

  private void retryLoop() {
    long now = cluster.loop().now();
    for (var e : List.copyOf(pending.entrySet())) {
      if (e.getValue() == Long.MIN_VALUE || now - e.getValue() >= RETRY_MS) propose(e.getKey());
    }
    cluster.loop().after(RETRY_MS / 4, this::retryLoop);
  }

  private void propose(int value) {
    int leader = cluster.currentLeader();
    if (leader < 0) return; // no leader known right now: the retry loop tries again
    pending.put(value, cluster.loop().now());
    byte[] command = ("v" + value).getBytes(StandardCharsets.UTF_8);
    cluster.submit(leader, raft -> raft.propose(command));
  }

  private void applied(int node, LogEntry e) {
    if (e.kind() != EntryKind.COMMAND) return;
    String s = new String(e.data(), StandardCharsets.UTF_8);
    if (!s.startsWith("v")) return;
    if (pending.remove(Integer.parseInt(s.substring(1))) != null) committedValues++;
  }

  private void checkLiveness() {
    long start = cluster.loop().now();
    long deadline = start + scenario.livenessMs();
    long seed = scenario.options().seed();
    if (!cluster.loop().runUntil(() -> cluster.currentLeader() >= 0, deadline)) {
      throw new SimulationFailure(seed, cluster.loop().now(), null, "liveness",
          "no leader elected within " + scenario.livenessMs() + " ms after the faults stopped at " + start + " ms");
    }
    int probe = nextValue++;
    pending.put(probe, Long.MIN_VALUE);
    propose(probe);
    if (!cluster.loop().runUntil(pending::isEmpty, deadline)) {
      String what = pending.containsKey(probe) ? "a fresh proposal" : pending.size() + " earlier proposals (e.g. v"
          + pending.firstKey() + ")";
      throw new SimulationFailure(seed, cluster.loop().now(), null, "liveness",
          what + " did not commit within " + scenario.livenessMs() + " ms after the faults stopped at " + start + " ms");
    }
  }
}
