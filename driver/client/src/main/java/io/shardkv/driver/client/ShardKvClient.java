package io.shardkv.driver.client;

import io.shardkv.driver.protocol.CallFailedException;
import io.shardkv.driver.protocol.Configuration;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.Served;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.protocol.Wire;
import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.CallStep;
import io.shardkv.driver.routing.ClientCall;
import io.shardkv.driver.routing.RetryPolicy;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.driver.routing.Status;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * One client session of a ShardKV cluster: a random 64-bit client id, a sequence number per write
 * (exactly-once: every retry of a write carries the same id and seq), a cached configuration, and
 * the retry logic shared with the simulator's clients ({@link ShardRouter} / {@link ClientCall}:
 * key → shard → group, leader discovery with redirects, WRONG_GROUP → fetch a newer config,
 * backoff after a full round of failures).
 *
 * <p>Operations on one session run one at a time (the servers' dedup table keeps the latest seq per
 * client, so a session must not have two writes outstanding); calls from several threads queue.
 * For parallelism use several sessions over one shared {@link Connections}.
 *
 * <p>Outcomes: a method returns normally when the operation took effect (exactly once), or throws
 * {@link KvException} — {@link KvException#definite()} when it certainly did not take effect,
 * otherwise indefinite (a write that may have applied; Jepsen {@code :info}). Reads never throw
 * indefinite.
 *
 * <p>Async forms ({@code ...Async}) run the same call on a small shared thread pool.
 */
public final class ShardKvClient implements AutoCloseable {
  private static final ExecutorService ASYNC = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "shardkv-client-async");
    t.setDaemon(true);
    return t;
  });

  private static final String UNREACHABLE = "cannot connect to any config-center node";

  private final ShardRouter router;
  private final Connections connections;
  private final boolean ownsConnections;
  private final ClientOptions options;
  private final Environment env;
  private volatile boolean closed;
  /**
   * True once any server of the cluster answered this session. Until then a --cluster address that
   * is not a config-center node is a definite error at once, and so is a config center that refuses
   * every connection if {@link ClientOptions#failFastUntilReached} and no other session over the same
   * {@link Connections} reached the cluster either ({@link #mayFailFastOnRefusal}); afterwards the
   * same symptoms are an outage the session rides out by retrying until its deadline.
   */
  private volatile boolean reachedCluster;
  /** True once a config-center node was asked for the center's members (at most once a session). */
  private boolean askedMembers;
  private volatile boolean reportServed; // protocol §5.6; off by default
  private volatile Served lastServed; // of the last operation run() completed, or null

  /**
   * What a session needs from outside: send a request to a server, read a monotonic clock in
   * milliseconds, sleep. The pipelined connections and the JVM's clock in production; a script in
   * tests that need a reply at an exact moment.
   */
  interface Environment {
    /** Sends {@code request}; the future fails with {@link CallFailedException} when no reply comes. */
    CompletableFuture<Response> send(String server, Request request, Duration timeout);

    long nowMillis();

    void sleep(long millis) throws InterruptedException;
  }

  private static Environment realEnvironment(Connections connections) {
    return new Environment() {
      @Override
      public CompletableFuture<Response> send(String server, Request request, Duration timeout) {
        return connections.get(server).sendAsync(request, timeout);
      }

      @Override
      public long nowMillis() {
        return System.nanoTime() / 1_000_000;
      }

      @Override
      public void sleep(long millis) throws InterruptedException {
        if (millis > 0) Thread.sleep(millis);
      }
    };
  }

  private ShardKvClient(List<String> configCenter, ClientOptions options, Connections connections, boolean owns) {
    this(configCenter, options, connections, owns, realEnvironment(connections));
  }

  private ShardKvClient(List<String> configCenter, ClientOptions options, Connections connections, boolean owns, Environment env) {
    if (configCenter.isEmpty()) throw new IllegalArgumentException("no config-center address given");
    configCenter.forEach(Connections::parse);
    this.options = options;
    this.connections = connections;
    this.ownsConnections = owns;
    this.env = env;
    long id = new SecureRandom().nextLong() & Long.MAX_VALUE;
    RetryPolicy policy = new RetryPolicy(options.attemptTimeout().toMillis(), Long.MAX_VALUE / 4,
        options.initialBackoff().toMillis(), options.maxBackoff().toMillis());
    this.router = new ShardRouter(id == 0 ? 1 : id, configCenter, policy,
        b -> b / 2 + ThreadLocalRandom.current().nextLong(b / 2 + 1));
    router.home(options.home());
  }

  /** A session with its own connections. */
  public static ShardKvClient connect(List<String> configCenter, ClientOptions options) {
    return new ShardKvClient(configCenter, options, new Connections(options.connectTimeout()), true);
  }

  /** A session over shared connections (closing the session leaves them open). */
  public static ShardKvClient connect(List<String> configCenter, ClientOptions options, Connections shared) {
    return new ShardKvClient(configCenter, options, shared, false);
  }

  /** A session whose sends, clock and sleeps are {@code env}'s (tests). */
  static ShardKvClient withEnvironment(List<String> configCenter, ClientOptions options, Environment env) {
    return new ShardKvClient(configCenter, options, new Connections(options.connectTimeout()), true, env);
  }

  /** As above, over {@code shared} connections (their {@link Connections#reachedCluster} counts; tests). */
  static ShardKvClient withEnvironment(List<String> configCenter, ClientOptions options, Environment env,
      Connections shared) {
    return new ShardKvClient(configCenter, options, shared, false, env);
  }

  /** Parses {@code host:port,host:port,...}. */
  public static List<String> parseAddresses(String csv) {
    List<String> l = java.util.Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (l.isEmpty()) throw new IllegalArgumentException("no address in '" + csv + "' (expected HOST:PORT,HOST:PORT,...)");
    l.forEach(Connections::parse);
    return l;
  }

  public long clientId() {
    return router.clientId();
  }

  /** Asks for the served entry of each key operation (protocol §5.6; only if every server speaks it). */
  public ShardKvClient reportServed(boolean on) {
    this.reportServed = on;
    return this;
  }

  /**
   * The log entry (a write's; a read's term and ReadIndex) that served the last operation this client
   * completed, if asked for ({@link #reportServed}) and reported; empty after one that threw. Per thread of use.
   */
  public Optional<Served> lastServed() {
    return Optional.ofNullable(lastServed);
  }

  public ClientOptions options() {
    return options;
  }

  // ------------------------------------------------------------------ key-value operations

  public Optional<String> get(String key) throws KvException {
    return get(key, options.callTimeout());
  }

  public Optional<String> get(String key, Duration timeout) throws KvException {
    Response r = run(key, false, (id, seq) -> new Request.Get(id, seq, key), timeout);
    return r.status() == Status.OK
        ? Optional.of(((Result.Value) r.result()).value()) : Optional.empty();
  }

  public void put(String key, String value) throws KvException {
    put(key, value, options.callTimeout());
  }

  public void put(String key, String value, Duration timeout) throws KvException {
    run(key, true, (id, seq) -> new Request.Put(id, seq, key, value), timeout);
  }

  public void append(String key, String value) throws KvException {
    append(key, value, options.callTimeout());
  }

  public void append(String key, String value, Duration timeout) throws KvException {
    run(key, true, (id, seq) -> new Request.Append(id, seq, key, value), timeout);
  }

  /** Sets {@code value} if the current value is {@code expected} (null: the key is absent). */
  public boolean cas(String key, String expected, String value) throws KvException {
    return cas(key, expected, value, options.callTimeout());
  }

  public boolean cas(String key, String expected, String value, Duration timeout) throws KvException {
    Response r = run(key, true, (id, seq) -> new Request.Cas(id, seq, key, expected, value), timeout);
    return r.status() == Status.OK;
  }

  /** Removes {@code key}; true if it existed. */
  public boolean delete(String key) throws KvException {
    return delete(key, options.callTimeout());
  }

  public boolean delete(String key, Duration timeout) throws KvException {
    Response r = run(key, true, (id, seq) -> new Request.Delete(id, seq, key), timeout);
    return r.status() == Status.OK;
  }

  public CompletableFuture<Optional<String>> getAsync(String key) {
    return async(() -> get(key));
  }

  public CompletableFuture<Void> putAsync(String key, String value) {
    return async(() -> { put(key, value); return null; });
  }

  public CompletableFuture<Void> appendAsync(String key, String value) {
    return async(() -> { append(key, value); return null; });
  }

  public CompletableFuture<Boolean> casAsync(String key, String expected, String value) {
    return async(() -> cas(key, expected, value));
  }

  public CompletableFuture<Boolean> deleteAsync(String key) {
    return async(() -> delete(key));
  }

  private interface KvCallable<T> {
    T call() throws KvException;
  }

  private <T> CompletableFuture<T> async(KvCallable<T> c) {
    CompletableFuture<T> f = new CompletableFuture<>();
    ASYNC.execute(() -> {
      try {
        f.complete(c.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  // ------------------------------------------------------------------ scans

  /**
   * One page of {@code shard}'s keys that start with {@code prefix} and follow {@code after} (null:
   * from the first), at most {@code limit}: a linearizable read of that shard at its owner, which
   * follows the shard to a new owner when it moves (WRONG_GROUP → newer configuration). Reads never
   * fail indefinite: a page that cannot be read by {@code timeout} is a definite KvException.
   */
  public Result.Page scanPage(int shard, String prefix, String after, int limit, Duration timeout)
      throws KvException {
    int shards = shardCount();
    if (shard < 0 || shard >= shards) {
      throw new KvException(true, true, "no shard " + shard + ": the cluster has shards 0.." + (shards - 1));
    }
    if (closed) throw new KvException(true, "client closed");
    ClientCall call;
    synchronized (router) {
      call = router.startShardRead(shard, env.nowMillis(), Math.max(1, timeout.toMillis()));
    }
    synchronized (this) {
      return (Result.Page) drive(call, new Request.Scan(shard, prefix, after, limit), 0).result();
    }
  }

  /** The cluster's number of shards (from the cached configuration; asks the config center once). */
  public int shardCount() throws KvException {
    ShardConfig c = cachedConfig();
    if (c == null) {
      query(Request.Query.LATEST);
      c = cachedConfig();
    }
    return c.shardCount();
  }

  /**
   * A walk over the keys that start with {@code prefix} (all keys for ""), shard by shard and page
   * by page, stopping after {@code limit} keys (0: no limit). See {@link KeyScan} for what it
   * guarantees: per-shard consistent pages, every key present throughout the walk exactly once;
   * not a snapshot of the store.
   */
  public KeyScan scan(String prefix, long limit) {
    return scan(prefix, limit, options.callTimeout());
  }

  /** As {@link #scan(String, long)}, each page within {@code pageTimeout}. */
  public KeyScan scan(String prefix, long limit, Duration pageTimeout) {
    return new KeyScan(this, prefix, limit, KeyScan.DEFAULT_PAGE_SIZE, pageTimeout);
  }

  // ------------------------------------------------------------------ config center

  public void join(Map<Integer, List<String>> groups) throws KvException {
    SortedMap<Integer, List<String>> g = new java.util.TreeMap<>(groups);
    run(null, true, (id, seq) -> new Request.Join(id, seq, g), options.callTimeout());
  }

  public void leave(List<Integer> gids) throws KvException {
    run(null, true, (id, seq) -> new Request.Leave(id, seq, gids), options.callTimeout());
  }

  public void move(int shard, int gid) throws KvException {
    run(null, true, (id, seq) -> new Request.Move(id, seq, shard, gid), options.callTimeout());
  }

  /**
   * Assigns {@code shard} to {@code gid} without migration: the shard's data is lost and {@code gid}
   * starts it empty (recovery when the shard's owner is gone for good).
   */
  public void forceMove(int shard, int gid) throws KvException {
    run(null, true, (id, seq) -> new Request.Move(id, seq, shard, gid, true), options.callTimeout());
  }

  /** Configuration {@code num} (-1: the latest). */
  public Configuration query(long num) throws KvException {
    Response r = run(null, false, (id, seq) -> new Request.Query(num), options.callTimeout());
    Configuration c = ((Result.Config) r.result()).config();
    if (num < 0) router.onConfig(Wiring.toShardConfig(c));
    return c;
  }

  /** The STATUS of one node (no routing, one attempt). */
  public Map<String, String> nodeStatus(String address, Duration timeout) throws KvException {
    try {
      Response r = connections.get(address).call(new Request.NodeStatus(), timeout);
      if (r.result() instanceof Result.Info i) return i.entries();
      throw new KvException(true, address + " answered STATUS with " + r.status());
    } catch (CallFailedException e) {
      throw new KvException(true, address + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KvException(true, "interrupted");
    }
  }

  // ------------------------------------------------------------------ the retry loop

  /**
   * Runs one operation to its end: drives a {@link ClientCall} (the shared retry logic, which also
   * owns the deadline and the definite/indefinite rule), performing its sends on the pipelined
   * connections and its config fetches as nested config-center calls. Returns the answer's response,
   * or throws.
   */
  private synchronized Response run(String key, boolean write, BiFunction<Long, Long, Request> request,
      Duration timeout) throws KvException {
    if (closed) throw new KvException(true, "client closed");
    long timeoutMillis = Math.max(1, timeout.toMillis());
    // At most one re-run: a write refused because its session expired (definitely not applied)
    // runs again as a new call under the router's new client id (docs/sessions.md).
    for (int run = 0; ; run++) {
      ClientCall call;
      synchronized (router) {
        long now = env.nowMillis();
        call = key == null ? router.startConfigCenterOp(write, now, timeoutMillis)
            : router.startKeyOp(key, write, now, timeoutMillis);
      }
      Request req = request.apply(call.clientId(), call.seq());
      if (reportServed) req = req.askingServed();
      checkSize(req, key, call);
      lastServed = null;
      Response r = drive(call, req, 0, run == 0);
      if (r != null) {
        lastServed = r.served();
        return r;
      }
    }
  }

  /**
   * A request whose frame the servers would refuse as too large is rejected here, before sending:
   * definite and {@link KvException#rejected()} (JDBC: 22000), instead of a connection the server
   * closes and retries that end indefinite (issue 11, item 6).
   */
  private void checkSize(Request req, String key, ClientCall call) throws KvException {
    long chars = key == null ? 0 : key.length();
    if (req instanceof Request.Put p) chars += p.value().length();
    else if (req instanceof Request.Append a) chars += a.value().length();
    else if (req instanceof Request.Cas c) chars += c.value().length() + (c.expected() == null ? 0 : c.expected().length());
    if (chars * 3 + 1024 < Wire.DEFAULT_MAX_PAYLOAD_BYTES) return; // certainly small enough (UTF-8: ≤ 3 bytes a char)
    int size = MessageCodec.encode(1, req).payload().length;
    if (size > Wire.DEFAULT_MAX_PAYLOAD_BYTES) {
      throw fastFail(call, "request too large: " + size + " bytes encoded (key and value), over the limit of "
          + Wire.DEFAULT_MAX_PAYLOAD_BYTES + " bytes; not sent", true);
    }
  }

  /**
   * The loop asks the call what to do first, every time: an answer already reported ends the call
   * even if it arrived at or after the deadline, and the call alone decides when the deadline ends
   * it and whether that is definite.
   */
  private Response drive(ClientCall call, Request req, int depth) throws KvException {
    return drive(call, req, depth, false);
  }

  /** As above; null when the call's session expired with nothing applied and {@code mayRerun}. */
  private Response drive(ClientCall call, Request req, int depth, boolean mayRerun) throws KvException {
    Response answer = null; // the server's answer for this (client id, seq), once there is one
    String answeredBy = null;
    String lastProblem = "no attempt made";
    java.util.Set<String> refused = new java.util.TreeSet<>(); // config-center nodes that refused to connect
    while (true) {
      long now = env.nowMillis();
      CallStep step;
      synchronized (router) {
        step = call.next(now);
      }
      if (step instanceof CallStep.Finish f) {
        if (mayRerun && f.outcome().retryInNewSession()) return null;
        return CallOutcomes.outcome(f.outcome(), answer, answeredBy, lastProblem);
      } else if (step instanceof CallStep.Send s) {
        long wait = Math.max(1, s.replyDeadline() - now);
        CompletableFuture<Response> fut;
        try {
          fut = env.send(s.server(), req, Duration.ofMillis(wait));
        } catch (RuntimeException e) {
          // Thrown before anything was written (bad address, connections closed): not delivered.
          lastProblem = s.server() + ": " + e.getMessage();
          synchronized (router) {
            call.onNoReply(s.attempt(), false, env.nowMillis());
          }
          continue;
        }
        try {
          Response r = fut.get(wait + 50, TimeUnit.MILLISECONDS);
          Status st = r.status().retryAs();
          String hint = r.result() instanceof Result.LeaderHint h && !h.address().isEmpty() ? h.address() : null;
          if (r.status() != Status.BAD_REQUEST && !reachedCluster) {
            reachedCluster = true;
            connections.markReached();
          }
          if (!st.isRoutingRetry()) {
            answer = r;
            answeredBy = s.server();
          }
          lastProblem = s.server() + " answered " + r.status();
          synchronized (router) {
            call.onReply(s.attempt(), st, hint, null, env.nowMillis());
          }
          if (s.gid() == ShardRouter.CONFIG_CENTER_GID && !askedMembers
              && r.status() != Status.BAD_REQUEST) {
            askedMembers = true;
            learnConfigCenterMembers(s.server());
          }
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          boolean maybeDelivered = !(c instanceof CallFailedException cf && cf.definite());
          lastProblem = s.server() + ": " + c.getMessage();
          synchronized (router) {
            call.onNoReply(s.attempt(), maybeDelivered, env.nowMillis());
          }
          if (c instanceof CallFailedException cf && cf.kind() == CallFailedException.Kind.PROTOCOL_ERROR
              && (cf.status() == Status.BAD_REQUEST
                  || cf.status() == Status.UNKNOWN_FRAME_TYPE)) {
            // The server refused the frame itself (e.g. too large, or a request type it predates,
            // such as SCAN on an older server): every server would.
            throw fastFail(call, "rejected by " + s.server() + ": " + c.getMessage(), true);
          }
          if (c instanceof CallFailedException cf && cf.kind() == CallFailedException.Kind.CONNECT_FAILED
              && s.gid() == ShardRouter.CONFIG_CENTER_GID) {
            refused.add(s.server());
            List<String> all;
            synchronized (router) {
              all = router.tracker(ShardRouter.CONFIG_CENTER_GID).servers();
            }
            if (refused.containsAll(all) && mayFailFastOnRefusal()) {
              throw fastFail(call, UNREACHABLE + " (" + lastProblem + "); is the cluster "
                  + "running, and does the address list name its config-center nodes (the cluster= line of "
                  + "`bin/shardkv local-cluster start`)?");
            }
          }
        } catch (TimeoutException e) {
          lastProblem = s.server() + ": no reply within " + wait + " ms";
          synchronized (router) {
            call.onNoReply(s.attempt(), true, env.nowMillis());
          }
        } catch (InterruptedException e) {
          throw interrupted(call);
        }
      } else if (step instanceof CallStep.FetchConfig) {
        ShardConfig latest = null;
        if (depth == 0) {
          ClientCall q;
          synchronized (router) {
            long t = env.nowMillis();
            // Bounded by this call's own attempts, so a dead config center cannot use up the call.
            q = router.startConfigQuery(t, Math.max(1, Math.min(options.attemptTimeout().toMillis() * 3,
                call.deadline() - t)));
          }
          try {
            Response r = drive(q, new Request.Query(Request.Query.LATEST), depth + 1);
            latest = Wiring.toShardConfig(((Result.Config) r.result()).config());
          } catch (KvException e) {
            lastProblem = "config center: " + e.getMessage();
            // A node that rejects a configuration query is not a config-center node: a wrong
            // address, which retrying cannot fix.
            if (e.rejected() && !reachedCluster) throw fastFail(call, e.getMessage()
                + "; the address list must name the config-center nodes (group 0; the cluster= line of "
                + "`bin/shardkv local-cluster start`), not shard-group nodes");
            if (e.getMessage().startsWith(UNREACHABLE)) throw fastFail(call, e.getMessage());
          }
          if (latest != null && latest.groups().isEmpty() && call.attempts() == 0) {
            // Nothing can serve any key until a group joins; waiting out the deadline would only hide that.
            throw fastFail(call, "no group has joined yet (configuration " + latest.num()
                + " has no shard groups): run `bin/shardkv ctl --cluster ADDRS join GID=HOST:PORT,...`");
          }
        }
        synchronized (router) {
          call.onConfigFetched(latest, env.nowMillis());
        }
      } else if (step instanceof CallStep.FetchMembers m) {
        // Out of leads: the members the server that last answered knows (LeaderTracker, issue 16).
        List<String> members = ConfigCenterMembers.ask(env, m.server(), m.gid(),
            Duration.ofMillis(Math.max(1, m.replyDeadline() - now)));
        synchronized (router) {
          call.onMembersFetched(members, env.nowMillis());
        }
      } else if (step instanceof CallStep.WaitUntil w) {
        try {
          env.sleep(w.wakeAt() - now);
        } catch (InterruptedException e) {
          throw interrupted(call);
        }
      } else if (step instanceof CallStep.AwaitReply a) {
        synchronized (router) {
          call.onNoReply(a.attempt(), true, env.nowMillis());
        }
      }
    }
  }

  /**
   * The fast-fail rule for refused connections: only a session that asked for it
   * ({@link ClientOptions#failFastUntilReached}), that never reached the cluster, over connections
   * no other session reached it through either, takes "every config-center node refuses" for a
   * wrong address list. Any other session has seen the cluster, so the refusals are an outage (e.g.
   * every host lost power and is booting): retried with backoff until the call's deadline.
   */
  private boolean mayFailFastOnRefusal() {
    return options.failFastUntilReached() && !reachedCluster && !connections.reachedCluster();
  }

  /** Adds the config center's members as {@code server} reports them ({@link ConfigCenterMembers}). */
  private void learnConfigCenterMembers(String server) {
    List<String> members = ConfigCenterMembers.ask(env, server, options.attemptTimeout());
    synchronized (router) {
      router.tracker(ShardRouter.CONFIG_CENTER_GID).learn(members);
    }
  }

  /**
   * Stops {@code call} now with {@code why}: definite only when no attempt of it can have been
   * applied ({@link ClientCall#abandon}'s rule), otherwise indefinite and saying so.
   */
  private KvException fastFail(ClientCall call, String why) {
    return fastFail(call, why, false);
  }

  /** As above; {@code rejected}: the request itself is invalid (see {@link KvException#rejected()}). */
  private KvException fastFail(ClientCall call, String why, boolean rejected) {
    CallOutcome o;
    synchronized (router) {
      o = call.abandon(env.nowMillis());
    }
    return CallOutcomes.abandoned(o, why, rejected);
  }

  /** Interrupted while driving {@code call}: definite only if no attempt can have been applied. */
  private KvException interrupted(ClientCall call) {
    Thread.currentThread().interrupt();
    CallOutcome o;
    synchronized (router) {
      o = call.abandon(env.nowMillis());
    }
    return CallOutcomes.interrupted(o);
  }

  /** The cached configuration (null before the first). */
  public ShardConfig cachedConfig() {
    synchronized (router) {
      return router.config();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (ownsConnections) connections.close();
  }

}
