package io.shardkv.server.process;

import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.replica.ReplicaHost;
import io.shardkv.server.configcenter.ConfigCenterStateMachine;
import io.shardkv.server.shardkv.ShardKvStateMachine;
import io.shardkv.server.shardkv.ShardState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view of a node's life, at INFO: elections won and lost, terms, leaders seen,
 * configurations learned, shard migrations started and finished, snapshots taken and installed —
 * and, at WARN, a migration that waits too long for the other group (issue 11, items 1 and 4).
 *
 * <p>It observes the replica from outside, never from inside the deterministic core: the hosting
 * layer ({@link HostedReplica#onTick}, on the loop thread) calls {@link #observe} with the host after
 * a tick in which role, term, leader, membership, snapshots or the shard layout changed, and at least
 * every {@link HostedReplica#STATUS_EVERY_TICKS} ticks; this class compares what it sees with what it
 * saw last time and logs the differences. So
 * Raft, the host and the state machines stay free of loggers and clocks, and the simulator (which
 * never calls this) is unchanged. {@code nowMillis} is the hosting layer's monotonic clock.
 * A transition that starts and ends between two observations is seen as its end state (e.g. follower →
 * leader, logged as an election won).
 */
final class NodeEvents {
  /** A shard still PULLING after this long is reported as stalled (WARN, /status, ctl status). */
  static final long STALL_MILLIS = 10_000;
  /** How often a stalled migration is logged again. */
  static final long STALL_REPEAT_MILLIS = 30_000;

  private static final Logger log = LoggerFactory.getLogger("io.shardkv.events");

  /**
   * A shard in a migration state (not SERVING) since {@code sinceMillis}, waiting for
   * {@code otherGroup}: the previous owner for PULLING (its data) and GCING (its delete), the new
   * owner for BEPULLING (taking the shard over). {@code keys} and {@code bytes}: the shard's size here
   * when the wait began (BEPULLING: what is handed over; 0 for the other states, which hold no data yet).
   */
  record Wait(int shard, ShardState state, int otherGroup, List<String> otherServers, int configNum, long sinceMillis,
      int keys, long bytes) {}

  /**
   * The stalls in a few words, grouped by state, other group and configuration, e.g.
   * {@code 11 shard(s) [53, 54, …] BEPULLING waiting for group 3 (configuration 2) for 18 s}.
   */
  static String summary(List<Stall> stalls) {
    Map<String, List<Stall>> byKind = new TreeMap<>();
    for (Stall x : stalls) byKind.computeIfAbsent(x.state() + "/" + x.otherGroup() + "/" + x.configNum(), k -> new ArrayList<>()).add(x);
    List<String> parts = new ArrayList<>();
    for (List<Stall> xs : byKind.values()) {
      Stall x = xs.get(0);
      long waited = xs.stream().mapToLong(Stall::waitedMillis).max().orElse(0);
      parts.add(xs.size() + " shard(s) " + xs.stream().map(Stall::shard).toList() + " " + x.state() + " waiting for group "
          + x.otherGroup() + " (configuration " + x.configNum() + ") for " + (waited / 1000) + " s");
    }
    return String.join("; ", parts);
  }

  /** A migration waiting longer than {@link #STALL_MILLIS}, for /status and STATUS. */
  record Stall(int shard, ShardState state, int otherGroup, int configNum, long waitedMillis) {
    @Override
    public String toString() {
      return "shard " + shard + " " + state + " waiting for group " + otherGroup + " (configuration " + configNum
          + ") for " + (waitedMillis / 1000) + " s";
    }
  }

  private final int node;
  private final int group;
  private String role = "";
  private long term = -1;
  private int leader = -2;
  private long snapshots = -1;
  private long installed = -1;
  private int configNum = -1;
  private ShardState[] states;
  private final Map<Integer, Wait> waits = new TreeMap<>();
  private final Map<Integer, Long> lastWarned = new TreeMap<>();
  private volatile List<Stall> stalls = List.of();
  private volatile int inFlight;
  private volatile Map<String, Integer> shardStates = Map.of();
  private volatile int knownConfig = -1;
  private volatile long leaderChanges;

  NodeEvents(int node, int group) {
    this.node = node;
    this.group = group;
  }

  /** The migrations now waiting longer than {@link #STALL_MILLIS} (any thread). */
  List<Stall> stalls() {
    return stalls;
  }

  /**
   * How many shards this replica holds in each {@link ShardState} (every state named, 0 included, so
   * that the series do not come and go); empty on a config-center replica (any thread).
   */
  Map<String, Integer> shardStates() {
    return shardStates;
  }

  /** Shards of this group in a migration state now (any thread). */
  int migrationsInFlight() {
    return inFlight;
  }

  /** The configuration this node's state machine is at (config center: the latest), -1 before any (any thread). */
  int configNum() {
    return knownConfig;
  }

  /** Leader changes this node has seen (a new leader, or none where there was one) since it started (any thread). */
  long leaderChanges() {
    return leaderChanges;
  }

  /** Called by the hosting layer on its loop thread after each tick. */
  void observe(ReplicaHost host, long nowMillis) {
    if (host.stopped()) return;
    observeRaft(host);
    if (host.snapshotsTaken() != snapshots) {
      if (snapshots >= 0) {
        log.info("node {} group {}: snapshot taken at applied index {}", node, group, host.raft().appliedIndex());
      }
      snapshots = host.snapshotsTaken();
    }
    if (host.snapshotsRestored() != installed) {
      if (installed >= 0 || host.snapshotsRestored() > 0) {
        log.info("node {} group {}: snapshot installed, state machine now at applied index {}", node, group,
            host.raft().appliedIndex());
      }
      installed = host.snapshotsRestored();
    }
    Object sm = host.service().stateMachine();
    if (sm instanceof ConfigCenterStateMachine center) {
      ShardConfig latest = center.latest();
      if (latest.num() != configNum) {
        if (configNum >= 0 || latest.num() > 0) {
          log.info("node {} config center: configuration {} has groups {} (shards per group {})", node, latest.num(),
              latest.groups().keySet(), shardsPerGroup(latest));
        }
        configNum = latest.num();
        knownConfig = configNum;
      }
    } else if (sm instanceof ShardKvStateMachine kv) {
      observeShards(kv, "leader".equals(role), nowMillis);
    }
  }

  private void observeRaft(ReplicaHost host) {
    var raft = host.raft();
    String r = raft.role().name().toLowerCase();
    long t = raft.term();
    int l = raft.leaderId();
    if (!r.equals(role) || t != term) {
      if (r.equals("leader")) {
        log.info("node {} group {}: won the election for term {}; now leader", node, group, t);
      } else if (r.equals("candidate") && (!role.equals("candidate") || t != term)) {
        log.info("node {} group {}: started an election for term {} (no leader heard from)", node, group, t);
      } else if (role.equals("candidate") && !r.equals("candidate")) {
        log.info("node {} group {}: lost the election for term {}; now {} in term {}{}", node, group, term, r, t,
            l >= 0 ? " under leader " + l : "");
      } else if (role.equals("leader")) {
        log.info("node {} group {}: stepped down as leader of term {}; now {} in term {}", node, group, term, r, t);
      } else if (t != term && term >= 0) {
        log.info("node {} group {}: term {} -> {} ({})", node, group, term, t, r);
      }
    }
    if (l != leader && leader != -2) leaderChanges++;
    if (l != leader && !r.equals("leader")) {
      if (l >= 0) {
        log.info("node {} group {}: leader is node {} (term {})", node, group, l, t);
      } else if (leader >= 0) {
        log.info("node {} group {}: lost contact with leader {} (term {})", node, group, leader, t);
      }
    }
    role = r;
    term = t;
    leader = l;
  }

  private void observeShards(ShardKvStateMachine kv, boolean isLeader, long now) {
    ShardConfig cur = kv.currentConfig();
    ShardConfig prev = kv.previousConfig();
    if (cur.num() != configNum) {
      if (configNum >= 0 || cur.num() > 0) {
        log.info("node {} group {}: now at configuration {}: owns shards {}", node, group, cur.num(),
            cur.shardsOf(group));
      }
      configNum = cur.num();
      knownConfig = configNum;
    }
    int n = kv.shardCount();
    if (states == null) states = new ShardState[n];
    Map<Integer, List<Integer>> pullStarted = new TreeMap<>();
    Map<Integer, List<Integer>> handStarted = new TreeMap<>();
    for (int s = 0; s < n; s++) {
      ShardState st = kv.stateOf(s);
      ShardState was = states[s];
      states[s] = st;
      Wait w = waits.get(s);
      boolean waiting = st != null && st != ShardState.SERVING;
      Wait ended = null;
      if (w != null && (!waiting || w.state() != st || w.configNum() != cur.num())) {
        waits.remove(s);
        lastWarned.remove(s);
        if (isLeader && w.state() == ShardState.PULLING) {
          // Extended, not reworded: the shard's own size follows the line's earlier fields.
          log.info("node {} group {}: shard {} arrived from group {} after {} ms (configuration {}; {} keys in {} "
              + "shards held now); moved {} key(s), {} byte(s)", node, group, s, w.otherGroup(), now - w.sinceMillis(),
              w.configNum(), kv.storedKeyCount(), kv.heldShardCount(), kv.keyCountOf(s), kv.byteSizeOf(s));
        }
        ended = w;
        w = null;
      }
      if (isLeader && was == ShardState.BEPULLING && st == null) {
        String size = ended != null && ended.state() == ShardState.BEPULLING
            ? "; moved " + ended.keys() + " key(s), " + ended.bytes() + " byte(s)" : "";
        log.info("node {} group {}: shard {} handed over to group {} and deleted here (configuration {}){}", node, group,
            s, cur.ownerOf(s), cur.num(), size);
      }
      if (waiting && w == null) {
        int other = st == ShardState.BEPULLING ? cur.ownerOf(s) : prev == null ? 0 : prev.ownerOf(s);
        List<String> servers = st == ShardState.BEPULLING ? cur.serversOf(other)
            : prev == null ? List.of() : prev.serversOf(other);
        boolean handing = st == ShardState.BEPULLING;
        waits.put(s, new Wait(s, st, other, servers, cur.num(), now, handing ? kv.keyCountOf(s) : 0,
            handing ? kv.byteSizeOf(s) : 0));
        if (st == ShardState.PULLING) pullStarted.computeIfAbsent(other, g -> new ArrayList<>()).add(s);
        if (st == ShardState.BEPULLING) handStarted.computeIfAbsent(other, g -> new ArrayList<>()).add(s);
      }
    }
    if (isLeader) {
      pullStarted.forEach((from, shards) -> log.info("node {} group {}: configuration {}: pulling shards {} from group {} {}",
          node, group, cur.num(), shards, from, waits.get(shards.get(0)).otherServers()));
      handStarted.forEach((to, shards) -> log.info("node {} group {}: configuration {}: shards {} move to group {}; "
          + "keeping them frozen until it has them ({} key(s), {} byte(s))", node, group, cur.num(), shards, to,
          shards.stream().mapToLong(x -> waits.get(x).keys()).sum(), shards.stream().mapToLong(x -> waits.get(x).bytes()).sum()));
    }
    List<Stall> found = new ArrayList<>();
    // One WARN per (state, other group, configuration), naming all its shards: a lost group can
    // wedge dozens of shards, and one line each would drown the log.
    Map<String, List<Wait>> due = new TreeMap<>();
    for (Wait w : waits.values()) {
      long waited = now - w.sinceMillis();
      if (waited < STALL_MILLIS) continue;
      found.add(new Stall(w.shard(), w.state(), w.otherGroup(), w.configNum(), waited));
      Long last = lastWarned.get(w.shard());
      if (isLeader && (last == null || now - last >= STALL_REPEAT_MILLIS)) {
        lastWarned.put(w.shard(), now);
        due.computeIfAbsent(w.state() + "/" + w.otherGroup() + "/" + w.configNum(), k -> new ArrayList<>()).add(w);
      }
    }
    for (List<Wait> ws : due.values()) {
      Wait w = ws.get(0);
      long waited = now - ws.stream().mapToLong(Wait::sinceMillis).min().orElse(now);
      log.warn("node {} group {}: {} shard(s) {} have been {} for {} s, waiting for group {} {} (configuration {}); "
          + "this group cannot move to a newer configuration until that group answers. Is it running and "
          + "reachable from here?", node, group, ws.size(), ws.stream().map(Wait::shard).toList(), w.state(),
          waited / 1000, w.otherGroup(), w.otherServers(), w.configNum());
    }
    stalls = List.copyOf(found);
    inFlight = waits.size();
    Map<String, Integer> counts = new TreeMap<>();
    for (ShardState st : ShardState.values()) counts.put(st.name(), 0);
    for (ShardState st : states) {
      if (st != null) counts.merge(st.name(), 1, Integer::sum);
    }
    shardStates = java.util.Collections.unmodifiableMap(counts);
  }

  private static Map<Integer, Integer> shardsPerGroup(ShardConfig c) {
    Map<Integer, Integer> m = new TreeMap<>();
    for (int s = 0; s < c.shardCount(); s++) m.merge(c.ownerOf(s), 1, Integer::sum);
    return m;
  }
}
