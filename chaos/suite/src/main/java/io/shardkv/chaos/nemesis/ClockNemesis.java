package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.clock.Clocks;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Clock faults through {@link Clocks}: {@code :bump-clock {host delta-ms}} jumps hosts' clocks,
 * {@code :strobe-clock {host {:delta ms :period ms :duration ms}}} flips them back and forth (the
 * hosts in parallel; the op returns when every strobe is over), {@code :reset-clock [hosts]} puts
 * them back, {@code :check-clock-offsets} only looks. Every completion records
 * {@code :clock-offsets {host ms}} as measured afterwards. Setup and teardown reset every clock.
 */
public final class ClockNemesis implements Nemesis {
  private final NemesisContext ctx;

  public ClockNemesis(NemesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Set<String> fs() {
    return Set.of("bump-clock", "strobe-clock", "reset-clock", "check-clock-offsets");
  }

  @Override
  public void setup() {
    ctx.testbed().clocks().reset(ctx.nodes());
  }

  @Override
  public Op invoke(Op op) {
    Clocks clocks = ctx.testbed().clocks();
    switch (op.f()) {
      case "bump-clock" -> {
        Map<String, Long> deltas = deltas(op.value());
        NemesisContext.onNodes(deltas.keySet(), n -> clocks.bump(n, deltas.get(n)));
      }
      case "strobe-clock" -> {
        Map<?, ?> spec = (Map<?, ?>) op.value();
        List<String> nodes = new ArrayList<>();
        spec.keySet().forEach(k -> nodes.add(String.valueOf(k)));
        NemesisContext.onNodes(nodes, n -> {
          Map<?, ?> s = (Map<?, ?>) spec.get(n);
          clocks.strobe(n, num(s, "delta"), num(s, "period"), num(s, "duration"));
        });
      }
      case "reset-clock" -> {
        List<String> nodes = new ArrayList<>();
        if (op.value() instanceof List<?> l) {
          l.forEach(x -> nodes.add(String.valueOf(x)));
        } else {
          nodes.addAll(ctx.nodes());
        }
        clocks.reset(nodes);
      }
      case "check-clock-offsets" -> { }
      default -> throw new IllegalArgumentException("clock nemesis: unknown :f " + op.f());
    }
    Map<String, Long> offsets = new TreeMap<>(clocks.offsets());
    ctx.log().accept("nemesis: " + op.f() + " " + Edn.line(op.value()) + " -> offsets " + offsets);
    return op.with("clock-offsets", offsets);
  }

  private static Map<String, Long> deltas(Object value) {
    Map<String, Long> m = new TreeMap<>();
    ((Map<?, ?>) value).forEach((k, v) -> m.put(String.valueOf(k), ((Number) v).longValue()));
    return m;
  }

  private static long num(Map<?, ?> m, String k) {
    Object v = m.get(Edn.kw(k));
    return ((Number) v).longValue();
  }

  @Override
  public void teardown() {
    ctx.testbed().clocks().reset(ctx.nodes());
  }
}
