package io.shardkv.server.sim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;

/**
 * Injects the enabled {@link FaultKind}s on a PRNG-driven schedule: every few hundred simulated
 * milliseconds it starts an episode of a randomly chosen kind and schedules its end. Network episodes
 * (drop, delay, dup, reorder) overlap and compose into the network's profile; partitions replace one
 * another; crashes and pauses never take down more than {@code maxDown} nodes at once, so a quorum
 * stays available and liveness can be judged after {@link #stop()}.
 *
 * <p>Every injection is counted per kind and recorded in the digest. Not tied to Raft: it acts
 * through {@link SimNetwork} and {@link ClusterControl}.
 */
public final class Nemesis {

  /** When and how hard faults strike. All durations in simulated milliseconds. */
  public record Timing(long minGapMs, long maxGapMs, long minEpisodeMs, long maxEpisodeMs,
                       double dropProbability, double duplicateProbability,
                       long longDelayMinMs, long longDelayMaxMs, long reorderMaxDelayMs, int maxDown) {
    /** Defaults suited to election timeouts of a few hundred milliseconds. */
    public static Timing defaults(int clusterSize) {
      return new Timing(100, 800, 200, 2500, 0.2, 0.2, 100, 600, 60, (clusterSize - 1) / 2);
    }
  }

  private final SimScheduler loop;
  private final SimRandom random;
  private final TraceDigest digest;
  private final SimNetwork<?> network;
  private final ClusterControl cluster;
  private final List<FaultKind> enabled;
  private final Timing timing;
  private final EnumMap<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
  private final EnumMap<FaultKind, Integer> activeNetworkEpisodes = new EnumMap<>(FaultKind.class);
  private final List<SimScheduler.Timer> timers = new ArrayList<>();
  private final LinkProfile base;
  private boolean running;
  private int partitionEpoch;

  public Nemesis(SimScheduler loop, SimRandom random, TraceDigest digest, SimNetwork<?> network,
                 ClusterControl cluster, EnumSet<FaultKind> enabled, Timing timing) {
    this.loop = loop;
    this.random = random;
    this.digest = digest;
    this.network = network;
    this.cluster = cluster;
    this.enabled = new ArrayList<>(enabled);
    this.timing = timing;
    this.base = network.profile();
    for (FaultKind k : FaultKind.values()) {
      injected.put(k, 0);
      activeNetworkEpisodes.put(k, 0);
    }
  }

  /** Starts injecting faults (no-op when none are enabled). */
  public void start() {
    if (enabled.isEmpty()) return;
    running = true;
    scheduleNext();
  }

  /**
   * Stops injecting and repairs everything: heals partitions, restores the base link profile,
   * resumes paused nodes and restarts crashed ones.
   */
  public void stop() {
    running = false;
    for (SimScheduler.Timer t : timers) t.cancel();
    timers.clear();
    for (FaultKind k : FaultKind.values()) activeNetworkEpisodes.put(k, 0);
    network.heal();
    network.setProfile(base);
    for (int n = 0; n < cluster.size(); n++) {
      if (!cluster.isUp(n)) cluster.restart(n);
      else if (cluster.isPaused(n)) cluster.resume(n);
    }
    digest.record(loop.now(), "nemesis", "stop", "");
  }

  /** Faults injected so far, per kind (every kind present, zero if none). */
  public EnumMap<FaultKind, Integer> injected() { return new EnumMap<>(injected); }

  public int totalInjected() {
    int sum = 0;
    for (int v : injected.values()) sum += v;
    return sum;
  }

  private void scheduleNext() {
    if (!running) return;
    later(random.between(timing.minGapMs(), timing.maxGapMs()), () -> {
      if (!running) return;
      inject(enabled.get(random.below(enabled.size())));
      scheduleNext();
    });
  }

  private void inject(FaultKind kind) {
    long episode = random.between(timing.minEpisodeMs(), timing.maxEpisodeMs());
    switch (kind) {
      case DROP, DELAY, DUP, REORDER -> networkEpisode(kind, episode);
      case PARTITION -> partition(episode);
      case CRASH -> crash(episode);
      case PAUSE -> pause(episode);
    }
  }

  private void networkEpisode(FaultKind kind, long episode) {
    activeNetworkEpisodes.merge(kind, 1, Integer::sum);
    count(kind, "episode " + episode + "ms");
    applyProfile();
    later(episode, () -> {
      activeNetworkEpisodes.merge(kind, -1, Integer::sum);
      applyProfile();
    });
  }

  private void applyProfile() {
    LinkProfile p = base;
    if (activeNetworkEpisodes.get(FaultKind.DROP) > 0) p = p.withDrop(timing.dropProbability());
    if (activeNetworkEpisodes.get(FaultKind.DUP) > 0) p = p.withDuplicate(timing.duplicateProbability());
    if (activeNetworkEpisodes.get(FaultKind.REORDER) > 0) p = p.withDelay(p.minDelayMs(), timing.reorderMaxDelayMs());
    if (activeNetworkEpisodes.get(FaultKind.DELAY) > 0) {
      p = p.withLongDelay(0.25, timing.longDelayMinMs(), timing.longDelayMaxMs());
    }
    network.setProfile(p);
  }

  private void partition(long episode) {
    int n = cluster.size();
    if (n < 2) return;
    List<Integer> order = shuffledNodes();
    int shape = random.below(3);
    String what;
    if (shape == 0) {
      // A random minority (at least one node) cut off from the rest.
      int minority = 1 + random.below(Math.max(1, (n - 1) / 2));
      network.partition(List.of(order.subList(0, minority), order.subList(minority, n)));
      what = "minority " + order.subList(0, minority);
    } else if (shape == 1) {
      // Random split into groups of random sizes (may leave no majority anywhere).
      int[] groupOf = new int[n];
      int groups = 2 + random.below(Math.min(2, n - 1));
      List<List<Integer>> parts = new ArrayList<>();
      for (int g = 0; g < groups; g++) parts.add(new ArrayList<>());
      for (int i = 0; i < n; i++) {
        groupOf[i] = i < groups ? i : random.below(groups);
        parts.get(groupOf[i]).add(order.get(i));
      }
      network.partition(parts);
      what = "split " + parts;
    } else {
      // Asymmetric grudges: a few random one-way links blocked.
      network.heal();
      int grudges = 1 + random.below(n);
      StringBuilder sb = new StringBuilder("grudges");
      for (int i = 0; i < grudges; i++) {
        int a = random.below(n);
        int b = random.below(n);
        if (a == b) continue;
        network.block(a, b);
        sb.append(' ').append(a).append("->").append(b);
      }
      what = sb.toString();
    }
    int epoch = ++partitionEpoch;
    count(FaultKind.PARTITION, what + " for " + episode + "ms");
    later(episode, () -> {
      if (partitionEpoch == epoch) network.heal();
    });
  }

  private void crash(long episode) {
    int node = pickVictim();
    if (node < 0) return;
    cluster.crash(node);
    count(FaultKind.CRASH, "n" + node + " for " + episode + "ms");
    later(episode, () -> {
      if (!cluster.isUp(node)) cluster.restart(node);
    });
  }

  private void pause(long episode) {
    int node = pickVictim();
    if (node < 0) return;
    cluster.pause(node);
    count(FaultKind.PAUSE, "n" + node + " for " + episode + "ms");
    later(episode, () -> {
      if (cluster.isUp(node) && cluster.isPaused(node)) cluster.resume(node);
    });
  }

  /** A random healthy node, or -1 if taking one more down would exceed {@code maxDown}. */
  private int pickVictim() {
    int down = 0;
    List<Integer> healthy = new ArrayList<>();
    for (int n = 0; n < cluster.size(); n++) {
      if (!cluster.isUp(n) || cluster.isPaused(n)) down++;
      else healthy.add(n);
    }
    if (down >= timing.maxDown() || healthy.isEmpty()) return -1;
    return healthy.get(random.below(healthy.size()));
  }

  private List<Integer> shuffledNodes() {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) order.add(i);
    for (int i = order.size() - 1; i > 0; i--) {
      int j = random.below(i + 1);
      Integer t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    return order;
  }

  private void count(FaultKind kind, String detail) {
    injected.merge(kind, 1, Integer::sum);
    digest.record(loop.now(), "nemesis", kind.optionName(), detail);
  }

  private void later(long delay, Runnable r) {
    timers.add(loop.after(delay, r));
    if (timers.size() > 256) timers.removeIf(t -> t.isCancelled() || t.time() < loop.now());
  }
}
