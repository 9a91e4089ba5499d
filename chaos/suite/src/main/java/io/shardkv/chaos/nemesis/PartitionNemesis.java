package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.net.Net;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Network partitions through {@link Net}: {@code :start-partition} with a shape —
 * {@code :halves}, {@code :random-halves}, {@code :one} (one random host isolated),
 * {@code :majorities-ring}, {@code :bridge}, {@code :leaders} (each host running a group leader
 * isolated on its own, the rest together) — and {@code :stop-partition} (heal). The completion's
 * {@code :value} is the grudge applied (host → hosts it drops), {@code :shape} the shape. Setup and
 * teardown heal (and so check that the testbed can partition at all).
 */
public final class PartitionNemesis implements Nemesis {
  /** The shapes a generator picks from. */
  public static final List<String> SHAPES = List.of("halves", "random-halves", "one", "majorities-ring", "bridge", "leaders");

  private final NemesisContext ctx;
  private final Random rnd;

  public PartitionNemesis(NemesisContext ctx) {
    this.ctx = ctx;
    this.rnd = ctx.random("partition");
  }

  @Override
  public Set<String> fs() {
    return Set.of("start-partition", "stop-partition");
  }

  @Override
  public void setup() {
    ctx.testbed().net().heal();
  }

  @Override
  public Op invoke(Op op) {
    Net net = ctx.testbed().net();
    if (op.f().equals("stop-partition")) {
      net.heal();
      ctx.log().accept("nemesis: network healed");
      return op.withValue(Edn.kw("network-healed"));
    }
    String shape = String.valueOf(op.value()).replaceFirst("^:", "");
    List<String> nodes = ctx.nodes();
    String note = null;
    SortedMap<String, SortedSet<String>> grudge = switch (shape) {
      case "halves" -> Grudges.halves(nodes);
      case "random-halves" -> Grudges.randomHalves(nodes, rnd);
      case "one" -> Grudges.isolateOne(nodes, rnd);
      case "majorities-ring" -> Grudges.majoritiesRing(nodes, rnd);
      case "bridge" -> Grudges.bridge(nodes);
      case "leaders" -> {
        Set<String> leaders = ClusterStatus.leaderHosts(ctx.status().poll());
        if (leaders.isEmpty()) {
          note = "no leader answered; isolated one random host";
          yield Grudges.isolateOne(nodes, rnd);
        }
        if (leaders.size() == nodes.size()) {
          note = "every host leads some group; isolated each host";
        }
        yield Grudges.isolate(nodes, leaders);
      }
      default -> throw new IllegalArgumentException("unknown partition shape :" + shape + " (known: " + SHAPES + ")");
    };
    Map<String, java.util.Set<String>> drop = new TreeMap<>(grudge);
    net.drop(drop);
    ctx.log().accept("nemesis: partition " + shape + " " + Edn.line(asEdn(grudge)));
    Op done = op.withValue(asEdn(grudge)).with("shape", Edn.kw(shape));
    return note == null ? done : done.with("note", note);
  }

  /** The grudge as EDN: host → vector of hosts. */
  static Map<String, List<String>> asEdn(SortedMap<String, SortedSet<String>> grudge) {
    Map<String, List<String>> m = new TreeMap<>();
    grudge.forEach((k, v) -> m.put(k, new ArrayList<>(v)));
    return m;
  }

  @Override
  public void teardown() {
    ctx.testbed().net().heal();
  }
}
