package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code stale-leader}: makes a shard-group leader that believes it still leads after its group has
 * elected another — the fault a leader lease without a clock-drift bound does not survive (Raft thesis
 * §6.4.1: a lease is safe only if clocks drift within a known bound).
 *
 * <p>{@code :strand-leader {:clock-ms -60000}}: picks a host that leads some shard group (from
 * {@code /status}), steps that host's clock by {@code :clock-ms} (backwards: on fake clocks, its
 * servers' timers — the Raft tick — stand still for that long, so the leader counts no time and its
 * view of its lease does not age; docs/chaos.md, Clocks) and then cuts it off from every other host;
 * clients on the control node still reach it. Its peers elect a new leader within an election timeout
 * and take writes; the stranded leader goes on receiving requests from clients bound to it
 * ({@code chaos run --home-clients}). A correct leader confirms every read with a heartbeat round
 * (ReadIndex, thesis §6.4), which cannot succeed, so it answers nothing and its clients go elsewhere;
 * one that trusts its lease answers from a stale state. Clock first, partition second: the partition
 * must not begin while the leader's lease is still counting down (150 ms at the default ticks).
 * The completion says {@code :host}, {@code :groups} (the shard groups it led), {@code :clock-ms} and
 * the {@code :grudge}; {@code :saw nil} when no shard-group leader answered (nothing done).
 *
 * <p>{@code :rejoin-leader}: heals the network and resets every host's clock. Setup and teardown do
 * the same. Without fake clocks (hosts with their own kernel) the step moves only the wall clock, not
 * the servers' timers: the fault is then a partition of a leader only.
 */
public final class StaleLeaderNemesis implements Nemesis {
  /** The default step of the stranded host's clock: its timers stand still for a minute. */
  public static final long CLOCK_MS = -60_000;

  private final NemesisContext ctx;
  private final Random rnd;
  private String stranded;

  public StaleLeaderNemesis(NemesisContext ctx) {
    this.ctx = ctx;
    this.rnd = ctx.random("stale-leader");
  }

  @Override
  public Set<String> fs() {
    return Set.of("strand-leader", "rejoin-leader");
  }

  @Override
  public void setup() {
    ctx.testbed().net().heal();
    ctx.testbed().clocks().reset(ctx.nodes());
  }

  /**
   * The shard groups each host leads according to {@code replicas} (group 0, the config center, not
   * counted), hosts in name order; a host leading none is absent.
   */
  static SortedMap<String, SortedSet<Integer>> shardLeaders(List<ClusterStatus.Replica> replicas) {
    SortedMap<String, SortedSet<Integer>> m = new TreeMap<>();
    for (ClusterStatus.Replica r : replicas) {
      if (r.leader() && r.group() != 0) {
        m.computeIfAbsent(r.host(), h -> new TreeSet<>()).add(r.group());
      }
    }
    return m;
  }

  /** The host to strand: one of the shard-group leaders' hosts, drawn from {@code rnd}; null if none. */
  static String choose(SortedMap<String, SortedSet<Integer>> leaders, Random rnd) {
    if (leaders.isEmpty()) {
      return null;
    }
    List<String> hosts = new ArrayList<>(leaders.keySet());
    return hosts.get(rnd.nextInt(hosts.size()));
  }

  /** {@code :clock-ms} of a strand op's value, or {@link #CLOCK_MS}. */
  static long clockMs(Object value) {
    return value instanceof Map<?, ?> m && m.get(Edn.kw("clock-ms")) instanceof Number n ? n.longValue() : CLOCK_MS;
  }

  @Override
  public Op invoke(Op op) {
    if (op.f().equals("rejoin-leader")) {
      ctx.testbed().net().heal();
      ctx.testbed().clocks().reset(ctx.nodes());
      String was = stranded;
      stranded = null;
      ctx.log().accept("nemesis: rejoin-leader: network healed, clocks reset" + (was == null ? "" : " (" + was + " rejoins)"));
      return op.withValue(Edn.map("healed", true, "host", was));
    }
    SortedMap<String, SortedSet<Integer>> leaders = shardLeaders(ctx.status().poll());
    String host = choose(leaders, rnd);
    if (host == null) {
      ctx.log().accept("nemesis: strand-leader: no shard-group leader answered; nothing done");
      return op.withValue(Edn.map("saw", null));
    }
    long ms = clockMs(op.value());
    ctx.testbed().clocks().bump(host, ms);
    SortedMap<String, SortedSet<String>> grudge = Grudges.isolate(ctx.nodes(), List.of(host));
    ctx.testbed().net().drop(new TreeMap<>(grudge));
    stranded = host;
    ctx.log().accept("nemesis: strand-leader " + host + " (leads shard group(s) " + leaders.get(host) + "): clock "
        + ms + " ms, cut off from the other hosts");
    return op.withValue(Edn.map("host", host, "groups", new ArrayList<>(leaders.get(host)), "clock-ms", ms,
        "grudge", PartitionNemesis.asEdn(grudge)));
  }

  @Override
  public void teardown() {
    ctx.testbed().net().heal();
    ctx.testbed().clocks().reset(ctx.nodes());
  }
}
