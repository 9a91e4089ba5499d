package io.shardkv.chaos.checker;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Latency quantiles (milliseconds) of client ops per {@code :f}, for {@code :ok} ops and for all
 * completed ones, from an HdrHistogram (3 significant digits). Informational: always valid.
 */
public final class LatencyChecker implements Checker {
  @Override
  public Result check(CheckInput input) {
    Map<String, Histogram> ok = new TreeMap<>();
    Map<String, Histogram> all = new TreeMap<>();
    for (OpPair p : OpPair.clientOps(input.history())) {
      long ns = p.latencyNanos();
      if (ns < 0) {
        continue;
      }
      long us = Math.max(1, ns / 1000);
      all.computeIfAbsent(p.invoke().f(), f -> new Histogram(3)).recordValue(us);
      if (p.type() == Op.Type.OK) {
        ok.computeIfAbsent(p.invoke().f(), f -> new Histogram(3)).recordValue(us);
      }
    }
    Map<Object, Object> d = new LinkedHashMap<>();
    all.forEach((f, h) -> d.put(Edn.kw(f), Edn.map("ok", ok.containsKey(f) ? quantiles(ok.get(f)) : null,
        "all", quantiles(h))));
    return new Result(Validity.VALID, Edn.map("unit", Edn.kw("ms"), "by-f", d));
  }

  private static Map<Object, Object> quantiles(Histogram h) {
    return Edn.map("count", h.getTotalCount(), "p50", ms(h.getValueAtPercentile(50)), "p95",
        ms(h.getValueAtPercentile(95)), "p99", ms(h.getValueAtPercentile(99)), "max", ms(h.getMaxValue()));
  }

  private static double ms(long us) {
    return Math.round(us / 10.0) / 100.0;
  }
}
