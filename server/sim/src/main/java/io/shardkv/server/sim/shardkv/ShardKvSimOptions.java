package io.shardkv.server.sim.shardkv;

import io.shardkv.server.replica.PlantedBug;
import io.shardkv.server.sim.FaultKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The knobs of a simulated sharded cluster. Durations in simulated milliseconds.
 *
 * @param seed               the one number the whole run derives from
 * @param groups             shard groups (gids 1..groups); all join at the start
 * @param replicas           servers per group, also the config center's size
 * @param clients            workload clients
 * @param shards             shard count of the cluster
 * @param keys               distinct keys the clients use (shared, so they contend)
 * @param faultMs            how long the workload runs under faults
 * @param faults             fault kinds the nemesis injects
 * @param reconfigure        the nemesis also joins, leaves and moves shards
 * @param unreliableClients  client links drop, delay and duplicate too (6.824 "unreliable")
 * @param snapshotBytes      snapshot threshold of every replica (0 = never)
 * @param tickMs             Raft tick length
 * @param livenessMs         after the faults stop, every client must finish a read of every key
 *                           within this bound
 * @param trace              collect app-layer trace lines
 * @param putRatio           fraction of workload ops that are puts (gets 40%, the rest appends)
 * @param unshardedKv        the one group hosts the unsharded KV store ({@code Services.kv} on a
 *                           {@code KvStateMachine}) instead of a shard group; the config center stays
 *                           only as the clients' directory of the group's servers (6.824 kvraft).
 *                           Needs one group and no reconfiguration.
 * @param unsafe             TEST-ONLY, deliberately incorrect, empty by default: the production
 *                           {@link PlantedBug} switches the shard groups' servers run with ({@code sim shardkv
 *                           --unsafe BUG}), to prove the checker catches each violation end to end.
 *                           {@link PlantedBug#NO_DEDUP} ({@link #unsafeDisableDedup()}): every client
 *                           request a server receives gets a fresh client id, so a retried write can
 *                           apply twice.
 * @param sessionIdleMillis  client sessions idle for longer than this (log time) expire; 0 = never
 * @param membership         the membership nemesis runs too ({@link MembershipNemesis}, {@code sim shardkv
 *                           --membership}): voters removed and re-added as learners, promoted, replaced by
 *                           fresh replicas on {@link #SPARES} spare servers, leadership transferred. Off by
 *                           default: runs without it draw exactly the random numbers they always did.
 */
public record ShardKvSimOptions(long seed, int groups, int replicas, int clients, int shards, int keys,
                                long faultMs, EnumSet<FaultKind> faults, boolean reconfigure,
                                boolean unreliableClients, long snapshotBytes, long tickMs, long livenessMs,
                                boolean trace, double putRatio, boolean unshardedKv,
                                Set<PlantedBug> unsafe, long sessionIdleMillis, boolean membership) {
  /** Spare servers (in no group at the start) a run with {@link #membership} has, after the groups' servers. */
  public static final int SPARES = 2;

  /** The options as before membership changes were simulated: no membership nemesis. */
  public ShardKvSimOptions(long seed, int groups, int replicas, int clients, int shards, int keys,
                           long faultMs, EnumSet<FaultKind> faults, boolean reconfigure,
                           boolean unreliableClients, long snapshotBytes, long tickMs, long livenessMs,
                           boolean trace, double putRatio, boolean unshardedKv,
                           Set<PlantedBug> unsafe, long sessionIdleMillis) {
    this(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure, unreliableClients, snapshotBytes,
        tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe, sessionIdleMillis, false);
  }

  /** The options as before session expiry was tunable here: the servers' default idle limit. */
  public ShardKvSimOptions(long seed, int groups, int replicas, int clients, int shards, int keys,
                           long faultMs, EnumSet<FaultKind> faults, boolean reconfigure,
                           boolean unreliableClients, long snapshotBytes, long tickMs, long livenessMs,
                           boolean trace, double putRatio, boolean unshardedKv, Set<PlantedBug> unsafe) {
    this(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure, unreliableClients, snapshotBytes,
        tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe,
        io.shardkv.server.replica.HostOptions.DEFAULT_SESSION_IDLE_MILLIS);
  }

  /** The options as before the planted bugs: {@code unsafeDisableDedup} is {@link PlantedBug#NO_DEDUP}. */
  public ShardKvSimOptions(long seed, int groups, int replicas, int clients, int shards, int keys,
                           long faultMs, EnumSet<FaultKind> faults, boolean reconfigure,
                           boolean unreliableClients, long snapshotBytes, long tickMs, long livenessMs,
                           boolean trace, double putRatio, boolean unshardedKv, boolean unsafeDisableDedup) {
    this(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure, unreliableClients, snapshotBytes,
        tickMs, livenessMs, trace, putRatio, unshardedKv,
        unsafeDisableDedup ? EnumSet.of(PlantedBug.NO_DEDUP) : EnumSet.noneOf(PlantedBug.class));
  }

  public ShardKvSimOptions {
    unsafe = unsafe.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(unsafe));
    if (unshardedKv && (groups != 1 || reconfigure)) {
      throw new IllegalArgumentException("the unsharded KV store runs as exactly one group without reconfiguration,"
          + " got groups=" + groups + " reconfigure=" + reconfigure);
    }
    if (groups < 1 || groups > 50) throw new IllegalArgumentException("--groups must be in 1..50, got " + groups);
    if (replicas < 1 || replicas > 9) throw new IllegalArgumentException("--replicas must be in 1..9, got " + replicas);
    if (clients < 0 || clients > 1000) throw new IllegalArgumentException("--clients must be in 0..1000, got " + clients);
    if (shards < 1 || shards > 4096) throw new IllegalArgumentException("--shards must be in 1..4096, got " + shards);
    if (keys < 1) throw new IllegalArgumentException("--keys must be >= 1, got " + keys);
    if (faultMs < 0) throw new IllegalArgumentException("--time must be >= 0");
    if (snapshotBytes < 0) throw new IllegalArgumentException("snapshot threshold must be >= 0");
    if (!(putRatio >= 0 && putRatio <= 0.6)) throw new IllegalArgumentException("putRatio must be in [0, 0.6], got " + putRatio);
    if (sessionIdleMillis < 0) throw new IllegalArgumentException("session idle limit must be >= 0 (0 = never), got " + sessionIdleMillis);
    if (livenessMs < 1) throw new IllegalArgumentException("liveness bound must be >= 1 ms");
    faults = faults.isEmpty() ? EnumSet.noneOf(FaultKind.class) : EnumSet.copyOf(faults);
  }

  /** A sharded cluster with the dedup table working (the options before the kvraft / test-only knobs). */
  public ShardKvSimOptions(long seed, int groups, int replicas, int clients, int shards, int keys,
                           long faultMs, EnumSet<FaultKind> faults, boolean reconfigure,
                           boolean unreliableClients, long snapshotBytes, long tickMs, long livenessMs,
                           boolean trace, double putRatio) {
    this(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure, unreliableClients,
        snapshotBytes, tickMs, livenessMs, trace, putRatio, false, false);
  }

  /** 3 groups of 3, 10 clients, 16 shards, 10 keys, 10 s, all faults, reconfigurations, 10 ms ticks. */
  public static ShardKvSimOptions defaults(long seed) {
    return new ShardKvSimOptions(seed, 3, 3, 10, 16, 10, 10_000, EnumSet.allOf(FaultKind.class), true,
        false, 4096, 10, 30_000, false, 0.1);
  }

  public ShardKvSimOptions withSeed(long s) {
    return new ShardKvSimOptions(s, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure,
        unreliableClients, snapshotBytes, tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe, sessionIdleMillis, membership);
  }

  public ShardKvSimOptions withLayout(int g, int r, int c) {
    return new ShardKvSimOptions(seed, g, r, c, shards, keys, faultMs, faults, reconfigure,
        unreliableClients, snapshotBytes, tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe, sessionIdleMillis, membership);
  }

  public ShardKvSimOptions withShardsAndKeys(int s, int k) {
    return new ShardKvSimOptions(seed, groups, replicas, clients, s, k, faultMs, faults, reconfigure,
        unreliableClients, snapshotBytes, tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe, sessionIdleMillis, membership);
  }

  public ShardKvSimOptions withFaults(long ms, EnumSet<FaultKind> kinds, boolean reconfig) {
    return new ShardKvSimOptions(seed, groups, replicas, clients, shards, keys, ms, kinds, reconfig,
        unreliableClients, snapshotBytes, tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe, sessionIdleMillis, membership);
  }

  public ShardKvSimOptions withUnreliableClients(boolean on) {
    return new ShardKvSimOptions(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure,
        on, snapshotBytes, tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe, sessionIdleMillis, membership);
  }

  public ShardKvSimOptions withSnapshotBytes(long bytes) {
    return new ShardKvSimOptions(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure,
        unreliableClients, bytes, tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe, sessionIdleMillis, membership);
  }

  public ShardKvSimOptions withTrace(boolean on) {
    return new ShardKvSimOptions(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure,
        unreliableClients, snapshotBytes, tickMs, livenessMs, on, putRatio, unshardedKv, unsafe, sessionIdleMillis, membership);
  }

  /** Workload of gets and appends only (every append's value unique, so exactly-once is visible). */
  public ShardKvSimOptions withAppendsOnly() {
    return new ShardKvSimOptions(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure,
        unreliableClients, snapshotBytes, tickMs, livenessMs, trace, 0, unshardedKv, unsafe, sessionIdleMillis, membership);
  }

  /** One unsharded KV group (6.824 kvraft) instead of shard groups; see {@link #unshardedKv}. */
  public ShardKvSimOptions withUnshardedKv() {
    return new ShardKvSimOptions(seed, 1, replicas, clients, shards, keys, faultMs, faults, false,
        unreliableClients, snapshotBytes, tickMs, livenessMs, trace, putRatio, true, unsafe, sessionIdleMillis, membership);
  }

  /** TEST-ONLY: breaks exactly-once on purpose ({@link PlantedBug#NO_DEDUP}). */
  public ShardKvSimOptions withUnsafeDisableDedup(boolean on) {
    EnumSet<PlantedBug> u = unsafe.isEmpty() ? EnumSet.noneOf(PlantedBug.class) : EnumSet.copyOf(unsafe);
    if (on) u.add(PlantedBug.NO_DEDUP);
    else u.remove(PlantedBug.NO_DEDUP);
    return withUnsafe(u);
  }

  /** TEST-ONLY: the servers of the shard groups run with exactly these planted bugs (see {@link #unsafe}). */
  public ShardKvSimOptions withUnsafe(Set<PlantedBug> bugs) {
    return new ShardKvSimOptions(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure,
        unreliableClients, snapshotBytes, tickMs, livenessMs, trace, putRatio, unshardedKv, bugs, sessionIdleMillis, membership);
  }

  /** Client sessions idle for longer than this (log time, virtual ms) expire; 0 = never (docs/sessions.md). */
  public ShardKvSimOptions withSessionIdleMillis(long millis) {
    return new ShardKvSimOptions(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure,
        unreliableClients, snapshotBytes, tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe, millis, membership);
  }

  /** The membership nemesis on or off (see {@link #membership}). */
  public ShardKvSimOptions withMembership(boolean on) {
    return new ShardKvSimOptions(seed, groups, replicas, clients, shards, keys, faultMs, faults, reconfigure,
        unreliableClients, snapshotBytes, tickMs, livenessMs, trace, putRatio, unshardedKv, unsafe, sessionIdleMillis, on);
  }

  /** TEST-ONLY: retried writes apply twice ({@link PlantedBug#NO_DEDUP} among {@link #unsafe}). */
  public boolean unsafeDisableDedup() {
    return unsafe.contains(PlantedBug.NO_DEDUP);
  }

  /** Servers in the simulated world: the config center plus every group, then the spares (membership only). */
  public int servers() {
    return replicas * (groups + 1) + (membership ? SPARES : 0);
  }
}
