package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.gen.Context;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.history.Edn;
import java.util.ArrayList;
import java.util.List;

/** What a nemesis generator emits, read on a virtual clock (tests of the nemesis schedules). */
final class GeneratedOps {
  /** One emitted op: the virtual time it was taken at and {@code f value} as one line. */
  record Timed(long nanos, String line) {}

  private GeneratedOps() {}

  /**
   * The first {@code n} ops {@code g} emits. The virtual clock starts at 0 and moves on 10 ms at a time
   * while {@code g} is pending or its next op is due later; an op is taken when it is due.
   */
  static List<Timed> first(Generator g, int n) {
    Context ctx = Context.initial(1);
    List<Timed> ops = new ArrayList<>();
    long t = 0;
    while (ops.size() < n) {
      var s = g.next(ctx.withTime(t));
      if (s.isPending() || (s.isOp() && s.op().time() > t)) {
        g = s.isPending() ? s.rest() : g;
        t += 10_000_000;
        continue;
      }
      g = s.rest();
      ops.add(new Timed(t, s.op().f() + " " + Edn.line(s.op().value())));
    }
    return ops;
  }

  /** The lines ({@code f value}) of {@code first(g, n)}. */
  static List<String> lines(Generator g, int n) {
    return first(g, n).stream().map(Timed::line).toList();
  }

  /** Every op a final generator emits at once, as {@code f value} lines. */
  static List<String> finalLines(Generator f) {
    Context ctx = Context.initial(1);
    List<String> lines = new ArrayList<>();
    for (var s = f.next(ctx); s.isOp(); s = s.rest().next(ctx)) {
      lines.add(s.op().f() + " " + Edn.line(s.op().value()));
    }
    return lines;
  }
}
