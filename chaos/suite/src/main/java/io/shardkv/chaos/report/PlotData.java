package io.shardkv.chaos.report;

import io.shardkv.chaos.checker.AvailabilityChecker;
import io.shardkv.chaos.checker.OpPair;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers behind a run's plots, computed from the history alone (pure functions, unit-tested):
 * every op's latency, per-window latency quantiles and throughput, the nemesis's fault windows by
 * kind, and each host's clock offset over time. Times are seconds since the start of the run.
 */
public final class PlotData {
  private PlotData() {}

  /** Outcomes, in the order used by every series and colour table. */
  public static final List<Op.Type> OUTCOMES = List.of(Op.Type.OK, Op.Type.FAIL, Op.Type.INFO);

  /** One completed client op: invoked at {@code t} seconds, took {@code ms} milliseconds. */
  public record Point(double t, double ms, Op.Type outcome, String f) {}

  /**
   * One time window [from, to): ops completed in it by outcome (ok, fail, info) and their rate per
   * second; latency quantiles (ms, nearest rank) of the ops invoked in it; NaN when none.
   */
  public record Window(double from, double to, long[] completed, double[] rate, int invoked, double p50, double p95,
      double p99, double max) {}

  /**
   * A fault window of one kind ({@code partition}, {@code clock}, {@code kill}, {@code pause},
   * {@code strike}, {@code reconfig}); {@code variant} says which fault of the kind (the partition's
   * shape, the hosts spec of a kill, bump or strobe, what a strike waited for), {@code label} what it did.
   */
  public record Band(String kind, double from, double to, String label, String variant) {}

  /** Fault kinds, in legend order. */
  public static final List<String> KINDS = List.of("partition", "clock", "kill", "pause", "strike", "reconfig", "power");

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** The latency of every client op that completed (an op the history never completed has none). */
  public static List<Point> latencies(List<OpPair> ops) {
    List<Point> out = new ArrayList<>(ops.size());
    for (OpPair p : ops) {
      if (p.completion() != null) {
        out.add(new Point(seconds(p.invoke().time()), p.latencyNanos() / 1e6, p.type(), p.invoke().f()));
      }
    }
    return out;
  }

  /** A window width giving about 100 windows over {@code seconds}: 1, 2 or 5 times a power of ten. */
  public static double windowWidth(double seconds) {
    double raw = Math.max(seconds, 1e-3) / 100;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= raw - 1e-12) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** The nearest-rank {@code q}-quantile of sorted values (q in (0, 1]); NaN for none. */
  public static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  /** Windows of {@code width} seconds from 0 past the last event: throughput by completion time, quantiles by invocation time. */
  public static List<Window> windows(List<OpPair> ops, double width) {
    double end = 0;
    for (OpPair p : ops) {
      end = Math.max(end, seconds(p.completion() == null ? p.invoke().time() : p.completion().time()));
    }
    int n = (int) Math.floor(end / width) + 1;
    long[][] completed = new long[n][3];
    List<List<Double>> lat = new ArrayList<>(n);
    int[] invoked = new int[n];
    for (int i = 0; i < n; i++) {
      lat.add(new ArrayList<>());
    }
    for (OpPair p : ops) {
      int wi = Math.min(n - 1, (int) (seconds(p.invoke().time()) / width));
      invoked[wi]++;
      if (p.completion() != null) {
        lat.get(wi).add(p.latencyNanos() / 1e6);
        int wc = Math.min(n - 1, (int) (seconds(p.completion().time()) / width));
        completed[wc][OUTCOMES.indexOf(p.type())]++;
      }
    }
    List<Window> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] l = lat.get(i).stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(l);
      double[] rate = new double[3];
      for (int k = 0; k < 3; k++) {
        rate[k] = completed[i][k] / width;
      }
      out.add(new Window(i * width, (i + 1) * width, completed[i], rate, invoked[i], quantile(l, 0.5),
          quantile(l, 0.95), quantile(l, 0.99), l.length == 0 ? Double.NaN : l[l.length - 1]));
    }
    return out;
  }

  /** The kind of a fault-starting (or reconfiguration) nemesis {@code :f}, or null. */
  public static String kind(String f) {
    return switch (f) {
      case "start-partition", "strand-leader" -> "partition";
      case "bump-clock", "strobe-clock" -> "clock";
      case "kill" -> "kill";
      case "pause" -> "pause";
      case "strike" -> "strike";
      case "lose-power" -> "power";
      case "leave-group", "move-shard", "join-group" -> "reconfig";
      default -> null;
    };
  }

  /**
   * The fault windows of a history, as {@link AvailabilityChecker#windows} defines them (from a
   * fault's invocation to the completion of the op undoing it, or the end), labelled with what the
   * fault was; reconfigurations as the span of their op.
   */
  public static List<Band> bands(List<Op> history) {
    double end = history.isEmpty() ? 0 : seconds(history.get(history.size() - 1).time());
    Map<String, OpPair> open = new TreeMap<>();
    List<Band> out = new ArrayList<>();
    for (OpPair p : OpPair.nemesisOps(history)) {
      String f = p.invoke().f();
      if (AvailabilityChecker.WINDOWS.containsKey(f)) {
        open.putIfAbsent(f, p);
      } else if ("reconfig".equals(kind(f))) {
        out.add(new Band("reconfig", seconds(p.invoke().time()),
            p.completion() == null ? end : seconds(p.completion().time()), f + " " + label(p), variant(p)));
      }
      for (Map.Entry<String, String> w : AvailabilityChecker.WINDOWS.entrySet()) {
        if (w.getValue().equals(f) && open.containsKey(w.getKey())) {
          OpPair start = open.remove(w.getKey());
          out.add(new Band(kind(w.getKey()), seconds(start.invoke().time()),
              p.completion() == null ? end : seconds(p.completion().time()), w.getKey() + " " + label(start),
              variant(start)));
        }
      }
    }
    open.forEach((f, p) -> out.add(new Band(kind(f), seconds(p.invoke().time()), end, f + " " + label(p), variant(p))));
    out.sort(Comparator.comparingDouble(Band::from));
    return out;
  }

  /** Which fault of its kind a nemesis op is: {@code halves}, {@code leaders}, {@code bump}, {@code election/kill}, {@code move-shard}. */
  static String variant(OpPair p) {
    Object v = p.invoke().value();
    return switch (p.invoke().f()) {
      case "start-partition", "kill", "pause", "lose-power" -> v instanceof io.shardkv.linearizability.format.Keyword k ? k.name() : "";
      case "bump-clock" -> "bump";
      case "strobe-clock" -> "strobe";
      case "strike" -> v instanceof Map<?, ?> m
          ? RunFiles.name(m.get(Edn.kw("when"))) + "/" + RunFiles.name(m.get(Edn.kw("fault"))) : "";
      default -> p.invoke().f();
    };
  }

  /** What a nemesis op did, short: its value, or the completion's when it says more. */
  static String label(OpPair p) {
    Object v = p.completion() != null && p.completion().value() != null ? p.completion().value() : p.invoke().value();
    String s = v == null ? "" : Edn.line(v);
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  /**
   * Each host's clock offset (ms, host minus control node) over time, from the
   * {@code :clock-offsets} the clock nemesis records on its completions; every series starts at 0
   * at time 0 (the setup resets every clock).
   */
  public static Map<String, List<double[]>> clockOffsets(List<Op> history) {
    Map<String, List<double[]>> out = new TreeMap<>();
    for (Op op : history) {
      if (op.isNemesis() && op.extra().get("clock-offsets") instanceof Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (e.getValue() instanceof Number n) {
            out.computeIfAbsent(String.valueOf(e.getKey()), h -> new ArrayList<>(List.of(new double[] {0, 0})))
                .add(new double[] {seconds(op.time()), n.doubleValue()});
          }
        }
      }
    }
    return out;
  }

  /** Op counts by outcome: ok, fail, info (an op the history never completed counts as info). */
  public static Map<Op.Type, Long> outcomes(List<OpPair> ops) {
    Map<Op.Type, Long> m = new LinkedHashMap<>();
    OUTCOMES.forEach(t -> m.put(t, 0L));
    ops.forEach(p -> m.merge(p.type(), 1L, Long::sum));
    return m;
  }
}
