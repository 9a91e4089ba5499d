package io.shardkv.driver.routing;

import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

/**
 * A client's routing state, without I/O or threads: its id, its next sequence number, the cached
 * configuration, and one {@link LeaderTracker} per group (and one for the config center). Operations
 * are run as {@link ClientCall}s that consult and update this state.
 *
 * <p>Exactly-once: every operation gets a fresh sequence number when it starts; every retry of it
 * reuses (client id, seq), so the servers' dedup records execute it at most once. A client must not
 * run two writes on the same keys concurrently under one id if it wants per-client ordering;
 * concurrent calls are allowed (each has its own seq) and share the config cache and leader hints.
 *
 * <p>Sessions (docs/sessions.md): servers forget a client id idle for longer than their limit and
 * answer its writes SESSION_EXPIRED; {@link #onSessionExpired} then moves this client to a new id.
 * A call keeps the id it started with for all its attempts.
 *
 * <p>Not thread-safe: one event loop (or the simulator's thread) drives it.
 */
public final class ShardRouter {
  /** The gid used in {@link CallStep.Send} for the config center's own Raft group. */
  public static final int CONFIG_CENTER_GID = 0;

  private long clientId;
  private int sessionRenewals;
  private final RetryPolicy policy;
  private final LongUnaryOperator jitter;
  private final LeaderTracker configCenter;
  private final TreeMap<Integer, LeaderTracker> groups = new TreeMap<>();
  private ShardConfig config;
  private long nextSeq = 1;
  /** The home server or host of a home-bound client ({@link #home()}), or null: follow the leader. */
  private String home;

  public ShardRouter(long clientId, List<String> configCenterServers, RetryPolicy policy) {
    this(clientId, configCenterServers, policy, LongUnaryOperator.identity());
  }

  /**
   * With {@code jitter} mapping each computed backoff to the pause actually taken (e.g. a uniform
   * draw in [b/2, b] from the simulator's seeded PRNG, or from the driver's own random source), so
   * that many clients do not retry in lockstep. Results below 1 are raised to 1.
   */
  public ShardRouter(long clientId, List<String> configCenterServers, RetryPolicy policy,
      LongUnaryOperator jitter) {
    this.clientId = clientId;
    this.policy = Objects.requireNonNull(policy, "policy");
    this.jitter = Objects.requireNonNull(jitter, "jitter");
    this.configCenter = new LeaderTracker(configCenterServers);
  }

  /** The pause after {@code fullRounds} rounds of failures, jittered. */
  long backoff(int fullRounds) {
    return Math.max(1, jitter.applyAsLong(policy.backoffAfter(fullRounds)));
  }

  /** The client id new calls use (the current session's). */
  public long clientId() {
    return clientId;
  }

  /** How many times this client started a fresh session after an expired one. */
  public int sessionRenewals() {
    return sessionRenewals;
  }

  /**
   * A server said the session of {@code expiredId} expired (SESSION_EXPIRED): later calls use a new
   * client id. Idempotent per id: several calls of the same expired session renew it once. The new
   * id is a fixed mix of the old one (SplitMix64's finalizer), so the simulator stays deterministic
   * and real clients, whose first ids are random, get ids as unlikely to collide as the first.
   */
  public void onSessionExpired(long expiredId) {
    if (expiredId != clientId) {
      return;
    }
    long z = clientId + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 31)) & Long.MAX_VALUE;
    clientId = z == 0 ? 1 : z;
    sessionRenewals++;
  }

  /**
   * Binds this client to a home: a server address ({@code HOST:PORT}) or a host ({@code HOST}). Null
   * (the default) unbinds it. A home-bound client sends the first attempt of every call to a shard
   * group to that group's server at its home ({@link LeaderTracker#homeServer}), whoever it believes
   * the leader is, and follows redirects and timeouts as usual from there for the rest of the call;
   * the next call starts at home again. A group with no server at home is routed as usual, and so are
   * calls to the config center. Jepsen's clients are bound like this (each process talks to its own
   * node): a server that wrongly believes it still leads keeps being asked, where a client that
   * follows the leader would have left it (docs/chaos.md, Mutants: lease-reads).
   */
  public void home(String home) {
    this.home = home == null || home.isEmpty() ? null : home;
  }

  /** The home this client is bound to ({@link #home(String)}), or null when it follows the leader. */
  public String home() {
    return home;
  }

  public RetryPolicy policy() {
    return policy;
  }

  /** The cached configuration, or null before the first one arrived. */
  public ShardConfig config() {
    return config;
  }

  /**
   * Offers a configuration (from any query); adopted if newer than the cached one.
   *
   * @return true if adopted
   * @throws IllegalArgumentException if its shard count differs from the cached one (a client
   *     pointed at a different cluster)
   */
  public boolean onConfig(ShardConfig offered) {
    if (offered == null || (config != null && offered.num() <= config.num())) {
      return false;
    }
    if (config != null && offered.shardCount() != config.shardCount()) {
      throw new IllegalArgumentException("config " + offered.num() + " has " + offered.shardCount()
          + " shards but this client's cluster has " + config.shardCount()
          + "; is the client pointed at the right cluster?");
    }
    config = offered;
    // Forget trackers of groups whose server list changed; keep the rest (with their leader hints and
    // the members they learned since, LeaderTracker).
    groups.entrySet().removeIf(e -> !e.getValue().seeds().equals(offered.serversOf(e.getKey())));
    return true;
  }

  /** Leader tracking for {@code gid} under the cached config ({@link #CONFIG_CENTER_GID}: the config center). */
  public LeaderTracker tracker(int gid) {
    if (gid == CONFIG_CENTER_GID) {
      return configCenter;
    }
    return groups.computeIfAbsent(gid, g -> new LeaderTracker(config.serversOf(g)));
  }

  private long allocateSeq() {
    return nextSeq++;
  }

  /** Starts an operation on {@code key} (routed by shard); writes are tracked for indefiniteness. */
  public ClientCall startKeyOp(String key, boolean write, long nowMillis) {
    return startKeyOp(key, write, nowMillis, policy.callTimeoutMillis());
  }

  /** As {@link #startKeyOp(String, boolean, long)} with this call's own timeout instead of the policy's. */
  public ClientCall startKeyOp(String key, boolean write, long nowMillis, long timeoutMillis) {
    Objects.requireNonNull(key, "key");
    return new ClientCall(this, key, write, allocateSeq(), nowMillis, timeoutMillis);
  }

  /**
   * Starts a read routed to the owner of {@code shard} (a scan page): like a key read, it follows
   * WRONG_GROUP to the shard's owner in a newer configuration.
   */
  public ClientCall startShardRead(int shard, long nowMillis, long timeoutMillis) {
    if (shard < 0) throw new IllegalArgumentException("shard must be >= 0, got " + shard);
    return new ClientCall(this, null, shard, false, allocateSeq(), nowMillis, timeoutMillis);
  }

  /** Starts an operation on the config center itself (join/leave/move are writes, query a read). */
  public ClientCall startConfigCenterOp(boolean write, long nowMillis) {
    return startConfigCenterOp(write, nowMillis, policy.callTimeoutMillis());
  }

  /** As {@link #startConfigCenterOp(boolean, long)} with this call's own timeout. */
  public ClientCall startConfigCenterOp(boolean write, long nowMillis, long timeoutMillis) {
    return new ClientCall(this, null, write, allocateSeq(), nowMillis, timeoutMillis);
  }

  /** A config query to the config center; feed its answer to {@link #onConfig}. */
  public ClientCall startConfigQuery(long nowMillis) {
    return startConfigCenterOp(false, nowMillis);
  }

  /** As {@link #startConfigQuery(long)} with this query's own timeout. */
  public ClientCall startConfigQuery(long nowMillis, long timeoutMillis) {
    return startConfigCenterOp(false, nowMillis, timeoutMillis);
  }
}
