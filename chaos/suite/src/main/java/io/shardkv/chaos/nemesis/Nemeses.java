package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.gen.Gen;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.gen.Rng;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The fault classes of {@code --nemesis} and their schedules (after Jepsen's combined nemesis
 * packages). Each class runs on its own schedule: a flip-flop of a fault and its undoing, the ops
 * spaced by random intervals averaging {@code --nemesis-interval} (Jepsen's stagger), all classes
 * at once ({@link Gen#any}). The final generator undoes everything: heal the network, reset the
 * clocks, resume and restart every host, join every group that left, recover from strikes, give
 * every group back its full membership.
 *
 * <table>
 *   <caption>classes</caption>
 *   <tr><td>partition</td><td>start-partition (a random shape of {@link PartitionNemesis#SHAPES}) / stop-partition</td></tr>
 *   <tr><td>clock</td><td>bump-clock or strobe-clock on a random subset of hosts / reset-clock</td></tr>
 *   <tr><td>kill</td><td>kill a random host spec of {@code --nemesis-targets} ({@link Targets#SPECS}) / start all</td></tr>
 *   <tr><td>pause</td><td>pause a random host spec / resume all</td></tr>
 *   <tr><td>reconfig</td><td>leave-group or move-shard / join-group; with other classes, in quiet windows between their phases ({@link QuietWindows})</td></tr>
 *   <tr><td>trigger</td><td>strike (kill or pause) when the cluster is in a chosen state, watching up to min(interval, 5 s) / recover</td></tr>
 *   <tr><td>member</td><td>remove-member or replace-member / add-member (back to full membership; {@link MemberNemesis})</td></tr>
 *   <tr><td>power</td><td>lose-power (kill -9 and drop what was not fsynced) on a random host spec / restore-power all
 *       ({@link PowerNemesis}); not part of {@code all}: it needs the FUSE layer on the hosts</td></tr>
 *   <tr><td>power-strike</td><td>lose-power when a shard group is busy: every host but its leader's and one follower's, then the follower's, then the leader's /
 *       restore-power, the old leader's host last ({@link PowerStrike}); not staggered: each strike waits for a busy
 *       cluster and each restore follows at once; not part of {@code all}</td></tr>
 *   <tr><td>stale-leader</td><td>strand-leader: a shard-group leader's host gets its clock stepped back (its timers stand still)
 *       and is cut off from the other hosts, not from the clients / rejoin-leader ({@link StaleLeaderNemesis}); not part of
 *       {@code all}</td></tr>
 *   <tr><td>vote-strike</td><td>lose-power in a provoked election: a busy shard group's voter gets a slow disk, its leader's
 *       host is killed, and once the other follower won, the voter's power is cut and the winner's host paused /
 *       restore-power: the voter and the old leader back, a second election, the winner resumed and made leader
 *       ({@link VoteStrike}); not staggered; not part of {@code all}</td></tr>
 * </table>
 */
public final class Nemeses {
  /** Every class, in the order {@code all} names them. */
  public static final List<String> CLASSES = List.of("partition", "clock", "kill", "pause", "reconfig", "trigger", "member");
  /**
   * Every class {@code --nemesis} accepts: {@link #CLASSES}, then those that must be named because
   * not every testbed offers them ({@code power}: a file system that drops unsynced writes). Schedules
   * derive each class's random stream from its position here, so existing classes keep theirs.
   */
  public static final List<String> KNOWN =
      java.util.stream.Stream.concat(CLASSES.stream(), java.util.stream.Stream.of("power", "power-strike", "stale-leader", "vote-strike")).toList();

  /** Classes that cut the power ({@link PowerNemesis}): the testbed must offer the power-loss file system. */
  public static final List<String> POWER = List.of("power", "power-strike", "vote-strike");

  /** True if {@code classes} cut the power (see {@link #POWER}). */
  public static boolean losesPower(List<String> classes) {
    return classes.stream().anyMatch(POWER::contains);
  }

  /**
   * The power-strike ops (docs/chaos.md, Power strikes): strike once a shard group committed
   * {@link #STRIKE_COMMITS} entries (watching up to {@link #STRIKE_WATCH_MS}); one follower's host
   * {@link #STRIKE_STEP_MS} after the other hosts, the group leader's host as long after that; restore
   * its host last, once the group elected another leader (waiting up to {@link #STRIKE_WATCH_MS}).
   */
  static final long STRIKE_COMMITS = 20;
  static final long STRIKE_WATCH_MS = 30_000;
  static final long STRIKE_STEP_MS = 250;

  /**
   * The vote-strike ops (docs/chaos.md, Vote strikes): aim at a group that committed
   * {@link #STRIKE_COMMITS} entries; the voter's fsyncs wait {@link #VOTE_SLOW_MS}; the election is
   * watched for up to {@link #VOTE_ELECT_MS}; the second one for up to {@link #STRIKE_WATCH_MS}, its
   * leader then serves {@link #VOTE_SETTLE_MS} before the winner resumes.
   */
  static final long VOTE_SLOW_MS = 4_000;
  static final long VOTE_ELECT_MS = 20_000;
  /** After this long without the provoked election the voter's disk gets its speed back (a correct voter's election may need it). */
  static final long VOTE_SLOW_FOR_MS = 12_000;
  static final long VOTE_SETTLE_MS = 2_000;

  private Nemeses() {}

  /** Parses {@code --nemesis}: {@code none}, {@code all}, or a comma-separated list of classes. */
  public static List<String> parse(String spec) {
    String s = spec.trim();
    if (s.equals("none") || s.isEmpty()) {
      return List.of();
    }
    if (s.equals("all")) {
      return CLASSES;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String c : s.split(",")) {
      String t = c.trim();
      if (!KNOWN.contains(t)) {
        throw new IllegalArgumentException("unknown nemesis '" + t + "' in '" + spec + "'; use none, all, or a comma-separated list of "
            + String.join(", ", KNOWN));
      }
      out.add(t);
    }
    return List.copyOf(out);
  }

  /** Parses {@code --nemesis-targets}: a comma-separated list of {@link Targets#SPECS}. */
  public static List<String> parseTargets(String spec) {
    Set<String> out = new LinkedHashSet<>();
    for (String t : spec.split(",")) {
      String x = t.trim();
      if (!Targets.SPECS.contains(x)) {
        throw new IllegalArgumentException("unknown host spec '" + x + "' in --nemesis-targets '" + spec + "'; use a comma-separated list of "
            + String.join(", ", Targets.SPECS));
      }
      out.add(x);
    }
    return List.copyOf(out);
  }

  /** The nemesis that handles the ops of {@code classes}. */
  public static Nemesis nemesis(List<String> classes, NemesisContext ctx, double intervalSeconds) {
    List<Nemesis> ns = new ArrayList<>();
    if (classes.contains("partition")) {
      ns.add(new PartitionNemesis(ctx));
    }
    if (classes.contains("clock")) {
      ns.add(new ClockNemesis(ctx));
    }
    if (classes.contains("kill") || classes.contains("pause")) {
      ns.add(new ProcessNemesis(ctx));
    }
    if (classes.contains("reconfig")) {
      ns.add(new ReconfigNemesis(ctx, ReconfigNemesis.deadline(intervalSeconds)));
    }
    if (classes.contains("trigger")) {
      ns.add(new TriggerNemesis(ctx, (long) Math.min(5000, Math.max(1000, intervalSeconds * 1000))));
    }
    if (classes.contains("member")) {
      ns.add(new MemberNemesis(ctx));
    }
    if (losesPower(classes)) {
      ns.add(new PowerNemesis(ctx));
    }
    if (classes.contains("stale-leader")) {
      ns.add(new StaleLeaderNemesis(ctx));
    }
    return new Composed(ns, ctx);
  }

  /**
   * The nemesis schedule of the run (nemesis thread only): after a first quiet
   * min(5 s, interval), every class on its own staggered flip-flop.
   */
  public static Generator generator(List<String> classes, double intervalSeconds, List<String> targets, List<String> nodes,
      Rng rng) {
    if (QuietWindows.apply(classes)) {
      return Gen.nemesis(Gen.then(Gen.sleep(Math.min(5, intervalSeconds)), QuietWindows.generator(classes, intervalSeconds, targets, nodes, rng)));
    }
    List<Generator> pkgs = new ArrayList<>();
    for (int i = 0; i < KNOWN.size(); i++) {
      String c = KNOWN.get(i);
      if (classes.contains(c)) {
        Generator ff = flipFlop(c, targets, nodes, rng.fork(200 + i));
        // power-strike and vote-strike pace themselves: a strike waits for a busy cluster, its restore follows at once.
        pkgs.add(c.equals("power-strike") || c.equals("vote-strike") ? ff : Gen.stagger(rng.fork(100 + i), intervalSeconds, ff));
      }
    }
    if (pkgs.isEmpty()) {
      return Gen.NONE;
    }
    return Gen.nemesis(Gen.then(Gen.sleep(Math.min(5, intervalSeconds)), Gen.any(pkgs)));
  }

  static Generator flipFlop(String c, List<String> targets, List<String> nodes, Rng r) {
    return switch (c) {
      case "partition" -> Gen.flipFlop(
          Gen.fn(r, x -> Op.nemesis("start-partition", Edn.kw(pick(PartitionNemesis.SHAPES, x)))),
          Gen.repeat(Op.nemesis("stop-partition", null)));
      case "clock" -> Gen.flipFlop(
          Gen.mix(r.fork(1), Gen.fn(r.fork(2), x -> Op.nemesis("bump-clock", bump(nodes, x))),
              Gen.fn(r.fork(3), x -> Op.nemesis("strobe-clock", strobe(nodes, x)))),
          Gen.repeat(Op.nemesis("reset-clock", nodes)));
      case "kill" -> Gen.flipFlop(
          Gen.fn(r, x -> Op.nemesis("kill", Edn.kw(pick(targets, x)))),
          Gen.repeat(Op.nemesis("start", Edn.kw("all"))));
      case "pause" -> Gen.flipFlop(
          Gen.fn(r, x -> Op.nemesis("pause", Edn.kw(pick(targets, x)))),
          Gen.repeat(Op.nemesis("resume", Edn.kw("all"))));
      case "reconfig" -> Gen.flipFlop(
          Gen.mix(r, Gen.repeat(Op.nemesis("leave-group", null)), Gen.repeat(Op.nemesis("move-shard", null))),
          Gen.repeat(Op.nemesis("join-group", null)));
      case "trigger" -> Gen.flipFlop(
          Gen.fn(r, x -> Op.nemesis("strike", Edn.map("when", Edn.kw(pick(TriggerNemesis.STATES, x)),
              "fault", Edn.kw(x.nextBoolean() ? "kill" : "pause")))),
          Gen.repeat(Op.nemesis("recover", null)));
      case "member" -> Gen.flipFlop(
          Gen.mix(r, Gen.repeat(Op.nemesis("remove-member", null)), Gen.repeat(Op.nemesis("replace-member", null))),
          Gen.repeat(Op.nemesis("add-member", null)));
      case "power" -> Gen.flipFlop(
          Gen.fn(r, x -> Op.nemesis("lose-power", Edn.kw(pick(targets, x)))),
          Gen.repeat(Op.nemesis("restore-power", Edn.kw("all"))));
      case "power-strike" -> Gen.flipFlop(
          Gen.repeat(Op.nemesis("lose-power", Edn.map("when", Edn.kw("busy"), "commits", STRIKE_COMMITS,
              "watch-ms", STRIKE_WATCH_MS, "step-ms", STRIKE_STEP_MS))),
          Gen.repeat(Op.nemesis("restore-power", Edn.map("old-leader", Edn.kw("last"), "wait-ms", STRIKE_WATCH_MS))));
      case "stale-leader" -> Gen.flipFlop(
          Gen.repeat(Op.nemesis("strand-leader", Edn.map("clock-ms", StaleLeaderNemesis.CLOCK_MS))),
          Gen.repeat(Op.nemesis("rejoin-leader", null)));
      case "vote-strike" -> Gen.flipFlop(
          Gen.repeat(Op.nemesis("lose-power", Edn.map("when", Edn.kw("election"), "commits", STRIKE_COMMITS,
              "watch-ms", STRIKE_WATCH_MS, "slow-ms", VOTE_SLOW_MS, "slow-for-ms", VOTE_SLOW_FOR_MS, "elect-ms", VOTE_ELECT_MS))),
          Gen.repeat(Op.nemesis("restore-power", Edn.map("after", Edn.kw("election"), "wait-ms", STRIKE_WATCH_MS,
              "settle-ms", VOTE_SETTLE_MS))));
      default -> throw new IllegalArgumentException(c);
    };
  }

  /** Undoes every fault of {@code classes}, in Jepsen's order. */
  public static Generator finalGenerator(List<String> classes, List<String> nodes) {
    List<Generator> l = new ArrayList<>();
    if (classes.contains("partition")) {
      l.add(Gen.once(Op.nemesis("stop-partition", null)));
    }
    if (classes.contains("clock")) {
      l.add(Gen.once(Op.nemesis("reset-clock", nodes)));
    }
    if (classes.contains("pause")) {
      l.add(Gen.once(Op.nemesis("resume", Edn.kw("all"))));
    }
    if (classes.contains("kill")) {
      l.add(Gen.once(Op.nemesis("start", Edn.kw("all"))));
    }
    if (losesPower(classes)) {
      l.add(Gen.once(Op.nemesis("restore-power", Edn.kw("all"))));
    }
    if (classes.contains("stale-leader")) {
      l.add(Gen.once(Op.nemesis("rejoin-leader", Edn.kw("all"))));
    }
    if (classes.contains("reconfig")) {
      l.add(Gen.once(Op.nemesis("join-group", null)));
    }
    if (classes.contains("trigger")) {
      l.add(Gen.once(Op.nemesis("recover", null)));
    }
    if (classes.contains("member")) { // last: every host is up again, so each group can be given its voters back
      l.add(Gen.once(Op.nemesis("add-member", Edn.kw("final"))));
    }
    return Gen.nemesis(Gen.then(l));
  }

  private static String pick(List<String> l, SplittableRandom x) {
    return l.get(x.nextInt(l.size()));
  }

  /** A random non-empty subset of the hosts, in host order. */
  static List<String> subset(List<String> nodes, SplittableRandom x) {
    List<String> s = new ArrayList<>(nodes);
    Collections.shuffle(s, new java.util.Random(x.nextLong()));
    List<String> sub = new ArrayList<>(s.subList(0, 1 + x.nextInt(nodes.size())));
    sub.sort(null);
    return sub;
  }

  /** {host delta-ms}: ±1.5^(6+U[0,19)) ms, i.e. about 11 ms to 25 s either way (Jepsen: up to 288 s). */
  static Map<String, Long> bump(List<String> nodes, SplittableRandom x) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String n : subset(nodes, x)) {
      long d = Math.round(Math.pow(1.5, 6 + x.nextDouble() * 19));
      m.put(n, x.nextBoolean() ? d : -d);
    }
    return m;
  }

  /** {host {:delta ms :period ms :duration ms}}: delta 4 ms–4 s, period 1–256 ms, duration 1–6 s. */
  static Map<String, Object> strobe(List<String> nodes, SplittableRandom x) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String n : subset(nodes, x)) {
      m.put(n, Edn.map("delta", Math.round(Math.pow(2, 2 + x.nextDouble() * 10)),
          "period", Math.round(Math.pow(2, x.nextDouble() * 8)), "duration", 1000 + (long) x.nextInt(5000)));
    }
    return m;
  }

  /** Routes each op to the nemesis of its {@code :f}; a failure is recorded in the op, not thrown. */
  static final class Composed implements Nemesis {
    private final Map<String, Nemesis> byF = new LinkedHashMap<>();
    private final List<Nemesis> all;
    private final NemesisContext ctx;

    Composed(List<Nemesis> ns, NemesisContext ctx) {
      this.all = List.copyOf(ns);
      this.ctx = ctx;
      for (Nemesis n : ns) {
        for (String f : n.fs()) {
          if (byF.put(f, n) != null) {
            throw new IllegalArgumentException("two nemeses handle :" + f);
          }
        }
      }
    }

    @Override
    public Set<String> fs() {
      return byF.keySet();
    }

    @Override
    public void setup() {
      all.forEach(Nemesis::setup);
    }

    @Override
    public Op invoke(Op op) {
      Nemesis n = byF.get(op.f());
      if (n == null) {
        return op.with("error", "no nemesis handles :" + op.f());
      }
      try {
        return n.invoke(op);
      } catch (RuntimeException e) {
        ctx.log().accept("nemesis: " + op.f() + " " + Edn.line(op.value()) + " failed: " + e.getMessage());
        return op.with("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }

    /** Tears every nemesis down, even if some fail; rethrows the first failure after all ran. */
    @Override
    public void teardown() {
      RuntimeException first = null;
      for (Nemesis n : all) {
        try {
          n.teardown();
        } catch (RuntimeException e) {
          ctx.log().accept("nemesis teardown failed: " + e.getMessage());
          if (first == null) {
            first = e;
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
