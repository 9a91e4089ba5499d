package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.db.Db;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Power loss through {@link Db#losePower} (after Jepsen's kill + lazyfs "lose unfsynced writes"):
 * {@code :lose-power SPEC} kills every ShardKV process of the chosen hosts with -9 and drops what
 * they wrote but had not made durable (data not fsynced, names whose directory was not fsynced);
 * {@code :restore-power :all} starts the servers again from what was durable. The completion's
 * value says per host what the power loss lost (bytes not yet fsynced, names whose directory was
 * not fsynced). SPEC as for kill
 * ({@link Targets}); the hosts of one op lose power at once, so a majority of a group can lose the
 * same unsynced entry. Needs a testbed whose Db offers the layer ({@code Db.usePowerLoss} before
 * setup, which the campaign does when {@code power} is asked for); elsewhere the setup fails.
 *
 * <p>The {@code power-strike} class's ops carry a map instead of a host spec ({@link PowerStrike}):
 * {@code :lose-power {:when :busy :commits N :watch-ms W :step-ms D}} polls {@code /status}
 * (every {@link #POLL_MILLIS} ms, up to W ms) until some shard group's leader committed N entries,
 * then cuts the power of every host but that leader's and one follower's, D ms later of the
 * follower's host, D ms after that of the leader's host; the completion says which group, what each
 * host lost, or {@code :saw nil} (nothing struck) when no group got busy in time. {@code :restore-power {:old-leader :last :wait-ms W}} starts every host but that
 * leader's, waits up to W ms for its group to elect another leader, then starts it too.
 *
 * <p>The {@code vote-strike} class's ops carry {@code :when :election} / {@code :after :election}
 * ({@link ElectionStrike}, {@link VoteStrike}): a provoked election, the voter's power cut while its
 * vote is not yet durable on a slowed disk, the winner paused; then a second election. A keyword
 * {@code :restore-power} also undoes what such a strike left (slow disk, paused winner).
 */
public final class PowerNemesis implements Nemesis {
  private final NemesisContext ctx;
  private final Random rnd;
  /** The host of the leader the last strike cut last, to be restored last; null when none. */
  private String heldBack;
  private int heldBackGroup;
  /** How often a strike polls {@code /status}. */
  static final long POLL_MILLIS = 100;

  /** The {@code vote-strike} ops ({@code :when :election}, {@code :after :election}). */
  private final ElectionStrike election;

  public PowerNemesis(NemesisContext ctx) {
    this.ctx = ctx;
    this.rnd = ctx.random("power");
    this.election = new ElectionStrike(ctx);
  }

  @Override
  public Set<String> fs() {
    return Set.of("lose-power", "restore-power");
  }

  @Override
  public Op invoke(Op op) {
    if (op.value() instanceof Map<?, ?> m) {
      if (m.containsKey(Edn.kw("when")) && "election".equals(word(m.get(Edn.kw("when")), ""))) {
        return election.strike(op, m);
      }
      if (m.containsKey(Edn.kw("after")) && "election".equals(word(m.get(Edn.kw("after")), ""))) {
        return election.restore(op, m);
      }
      return op.f().equals("lose-power") ? strike(op, m) : restoreOldLeaderLast(op, m);
    }
    Object voteRestore = null;
    if (op.f().equals("restore-power")) {
      // The final restore: a vote strike still pending gets its own restore first (the second election
      // before the winner resumes; a campaign shorter than one strike cycle still plays it out whole),
      // then nothing stays slow or paused.
      if (election.pending()) {
        voteRestore = election.restore(op, Edn.map("after", Edn.kw("election"))).value();
      }
      election.undo();
    }
    Db db = ctx.db();
    Set<String> hosts = Targets.resolve(op.value(), ctx.nodes(), rnd, () -> ClusterStatus.leaderHosts(ctx.status().poll()));
    boolean off = switch (op.f()) {
      case "lose-power" -> true;
      case "restore-power" -> false;
      default -> throw new IllegalArgumentException("power nemesis: unknown :f " + op.f());
    };
    Map<String, Object> result = new TreeMap<>();
    NemesisContext.onNodes(hosts, n -> {
      Object what;
      if (off) {
        what = db.losePower(n); // "lost N byte(s): ..."
      } else {
        db.start(n);
        what = Edn.kw("started");
      }
      synchronized (result) {
        result.put(n, what);
      }
    });
    ctx.log().accept("nemesis: " + op.f() + " " + Edn.line(op.value()) + " -> " + hosts);
    Op done = op.withValue(result).with("nodes", new ArrayList<>(hosts)).with("spec", op.value());
    return voteRestore == null ? done : done.with("vote-restore", voteRestore);
  }

  /** {@code :lose-power {:when :busy ...}}: waits for a busy shard group, then cuts the power in the plan's order. */
  private Op strike(Op op, Map<?, ?> m) {
    if (!"busy".equals(word(m.get(Edn.kw("when")), "busy"))) {
      throw new IllegalArgumentException("power nemesis: :lose-power knows only :when :busy, got " + Edn.line(op.value()));
    }
    long commits = num(m.get(Edn.kw("commits")), 20);
    long watchMs = num(m.get(Edn.kw("watch-ms")), 30_000);
    long stepMs = num(m.get(Edn.kw("step-ms")), 250);
    PowerStrike.BusyWatch watch = new PowerStrike.BusyWatch(commits);
    long deadline = System.nanoTime() + watchMs * 1_000_000;
    PowerStrike.Plan plan = null;
    while (plan == null && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      plan = watch.observe(ctx.status().poll(), ctx.nodes());
      if (plan == null) {
        sleep(POLL_MILLIS);
      }
    }
    if (plan == null) {
      heldBack = null;
      ctx.log().accept("nemesis: power strike: no shard group committed " + commits + " entries within " + watchMs + " ms; no power lost");
      return op.withValue(Edn.map("when", Edn.kw("busy"), "saw", null));
    }
    Map<String, Object> lost = new TreeMap<>();
    Db db = ctx.db();
    heldBack = plan.leaderHost();
    heldBackGroup = plan.group();
    // Each wave on its own thread, the next one stepMs after the previous one started; all joined.
    List<List<String>> waves = List.of(plan.first(), plan.second(), plan.last());
    List<Thread> threads = new ArrayList<>();
    List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int w = 0; w < waves.size(); w++) {
      List<String> hosts = waves.get(w);
      if (w > 0) {
        sleep(stepMs);
      }
      Thread t = new Thread(() -> {
        try {
          NemesisContext.onNodes(hosts, n -> record(lost, n, db.losePower(n)));
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }, "power-strike-" + w);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    List<String> first = plan.first();
    ctx.log().accept("nemesis: power strike on group " + plan.group() + " (leader on " + plan.leaderHost() + ", commit "
        + plan.commit() + "): " + first + " then " + plan.second() + " then " + plan.last() + " -> " + lost);
    return op.withValue(Edn.map("when", Edn.kw("busy"), "group", (long) plan.group(), "leader", plan.leaderHost(),
        "commit", plan.commit(), "first", first, "second", plan.second(), "last", plan.last(), "lost", lost))
        .with("nodes", ctx.nodes());
  }

  /** {@code :restore-power {:old-leader :last ...}}: every host but the last strike's leader's, then that one. */
  private Op restoreOldLeaderLast(Op op, Map<?, ?> m) {
    long waitMs = num(m.get(Edn.kw("wait-ms")), 30_000);
    Db db = ctx.db();
    String last = heldBack;
    int group = heldBackGroup;
    heldBack = null;
    Map<String, Object> result = new TreeMap<>();
    List<String> first = ctx.nodes().stream().filter(n -> !n.equals(last)).toList();
    NemesisContext.onNodes(first, n -> {
      db.start(n);
      record(result, n, Edn.kw("started"));
    });
    Object elected = null;
    if (last != null) {
      long t0 = System.nanoTime();
      long deadline = t0 + waitMs * 1_000_000;
      while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
        if (PowerStrike.electedWithout(ctx.status().poll(), group, last)) {
          elected = (System.nanoTime() - t0) / 1_000_000;
          break;
        }
        sleep(POLL_MILLIS);
      }
      db.start(last);
      result.put(last, Edn.kw("started-last"));
    }
    ctx.log().accept("nemesis: restore-power, old leader's host " + last + " last (group " + group + " elected another leader: "
        + (elected == null ? "no, gave up after " + waitMs + " ms" : "after " + elected + " ms") + ")");
    return op.withValue(result).with("nodes", ctx.nodes()).with("elected-ms", elected);
  }

  private static void record(Map<String, Object> into, String node, Object what) {
    synchronized (into) {
      into.put(node, what);
    }
  }

  private static String word(Object v, String dflt) {
    return v == null ? dflt : String.valueOf(v).replaceFirst("^:", "");
  }

  static long num(Object v, long dflt) {
    return v instanceof Number n ? n.longValue() : dflt;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void teardown() {
    election.undo();
    NemesisContext.onNodes(ctx.nodes(), n -> ctx.db().start(n));
  }
}
