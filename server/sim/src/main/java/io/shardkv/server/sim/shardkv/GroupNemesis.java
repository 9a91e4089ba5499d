package io.shardkv.server.sim.shardkv;

import io.shardkv.server.sim.SimScheduler;
import io.shardkv.server.sim.FaultKind;
import io.shardkv.server.sim.LinkProfile;
import io.shardkv.server.sim.SimCluster;
import io.shardkv.server.sim.SimNetwork;
import io.shardkv.server.sim.SimRandom;
import io.shardkv.server.sim.TraceDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;

/**
 * Faults for a sharded cluster, aware of its Raft groups: pauses and partitions never take more
 * than a minority of any one group down at once; a crash takes one server of a group that has none
 * down, or (one crash in five) the whole group at once — an outage that leaves the group's pending
 * writes indefinite and its keys unavailable until it restarts. Network episodes (drop, dup, delay,
 * reorder) disturb every server link. {@link #stop()} repairs everything, so progress can be demanded
 * once faults stop. Everything is drawn from the nemesis' own PRNG stream and recorded in the digest.
 */
final class GroupNemesis {
  private final ShardKvWorld world;
  private final SimScheduler loop;
  private final SimRandom random;
  private final TraceDigest digest;
  private final SimNetwork<Wire> network;
  private final SimCluster<Wire> cluster;
  private final List<FaultKind> enabled;
  private final EnumMap<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
  private final EnumMap<FaultKind, Integer> activeEpisodes = new EnumMap<>(FaultKind.class);
  private final List<SimScheduler.Timer> timers = new ArrayList<>();
  private final LinkProfile base;
  private boolean running;
  private int partitionEpoch;

  GroupNemesis(ShardKvWorld world, SimRandom random, EnumSet<FaultKind> enabled) {
    this.world = world;
    this.loop = world.loop();
    this.random = random;
    this.digest = world.digest();
    this.network = world.serverNetwork();
    this.cluster = world.host();
    this.enabled = new ArrayList<>(enabled);
    this.base = network.profile();
    for (FaultKind k : FaultKind.values()) {
      injected.put(k, 0);
      activeEpisodes.put(k, 0);
    }
  }

  void start() {
    if (enabled.isEmpty()) return;
    running = true;
    scheduleNext();
  }

  /** Stops injecting and repairs everything: heal, base profile, resume and restart every node. */
  void stop() {
    running = false;
    for (SimScheduler.Timer t : timers) t.cancel();
    timers.clear();
    for (FaultKind k : FaultKind.values()) activeEpisodes.put(k, 0);
    network.heal();
    network.setProfile(base);
    for (int n = 0; n < cluster.size(); n++) {
      if (!cluster.isUp(n)) cluster.restart(n);
      else if (cluster.isPaused(n)) cluster.resume(n);
    }
    digest.record(loop.now(), "nemesis", "stop", "");
  }

  EnumMap<FaultKind, Integer> injected() { return new EnumMap<>(injected); }

  private void scheduleNext() {
    if (!running) return;
    later(random.between(100, 700), () -> {
      if (!running) return;
      inject(enabled.get(random.below(enabled.size())));
      scheduleNext();
    });
  }

  private void inject(FaultKind kind) {
    long episode = random.between(200, 2000);
    switch (kind) {
      case DROP, DELAY, DUP, REORDER -> networkEpisode(kind, episode);
      case PARTITION -> partition(episode);
      case CRASH -> crashOrPause(episode, true);
      case PAUSE -> crashOrPause(episode, false);
    }
  }

  private void networkEpisode(FaultKind kind, long episode) {
    activeEpisodes.merge(kind, 1, Integer::sum);
    count(kind, "episode " + episode + "ms");
    applyProfile();
    later(episode, () -> {
      activeEpisodes.merge(kind, -1, Integer::sum);
      applyProfile();
    });
  }

  private void applyProfile() {
    LinkProfile p = base;
    if (activeEpisodes.get(FaultKind.DROP) > 0) p = p.withDrop(0.2);
    if (activeEpisodes.get(FaultKind.DUP) > 0) p = p.withDuplicate(0.2);
    if (activeEpisodes.get(FaultKind.REORDER) > 0) p = p.withDelay(p.minDelayMs(), 60);
    if (activeEpisodes.get(FaultKind.DELAY) > 0) p = p.withLongDelay(0.25, 100, 600);
    network.setProfile(p);
  }

  /** Cuts a minority of one random group off from every other server; heals at the episode's end. */
  private void partition(long episode) {
    int gid = random.below(world.options().groups() + 1);
    List<Integer> members = new ArrayList<>(world.replicaServers(gid));
    int minority = (members.size() - 1) / 2;
    if (minority < 1) return;
    network.heal();
    StringBuilder what = new StringBuilder("g" + gid + " isolated:");
    int cut = 1 + random.below(minority);
    for (int i = 0; i < cut; i++) {
      int n = members.remove(random.below(members.size()));
      network.isolate(n);
      what.append(" n").append(n);
    }
    int epoch = ++partitionEpoch;
    count(FaultKind.PARTITION, what + " for " + episode + "ms");
    later(episode, () -> {
      if (partitionEpoch == epoch) network.heal();
    });
  }

  private void crashOrPause(long episode, boolean crash) {
    int gid = random.below(world.options().groups() + 1);
    List<Integer> members = world.replicaServers(gid);
    int down = 0;
    List<Integer> healthy = new ArrayList<>();
    for (int n : members) {
      if (!cluster.isUp(n) || cluster.isPaused(n)) down++;
      else healthy.add(n);
    }
    if (crash && down == 0 && random.chance(0.2)) {
      for (int n : members) cluster.crash(n);
      count(FaultKind.CRASH, "outage of g" + gid + " " + members + " for " + episode + "ms");
      later(episode, () -> {
        for (int n : members) if (!cluster.isUp(n)) cluster.restart(n);
      });
      return;
    }
    if (down >= (members.size() - 1) / 2 || healthy.isEmpty()) return;
    int node = healthy.get(random.below(healthy.size()));
    if (crash) {
      cluster.crash(node);
      count(FaultKind.CRASH, "n" + node + " (g" + gid + ") for " + episode + "ms");
      later(episode, () -> {
        if (!cluster.isUp(node)) cluster.restart(node);
      });
    } else {
      cluster.pause(node);
      count(FaultKind.PAUSE, "n" + node + " (g" + gid + ") for " + episode + "ms");
      later(episode, () -> {
        if (cluster.isUp(node) && cluster.isPaused(node)) cluster.resume(node);
      });
    }
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
