package io.shardkv.chaos.report;

import io.shardkv.chaos.checker.OpPair;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fault coverage: which faults struck during which cluster states. The states come from the
 * {@code :cluster-states} intervals the {@link ClusterStateObserver} records on nemesis completions,
 * and from every state-triggered strike that saw its state ({@code :strike} with a non-nil
 * {@code :saw}: it struck during that state by construction). A fault window (a {@link PlotData.Band})
 * covers a state when some interval of that state overlaps it. Rows are fault kinds and variants,
 * plus {@code none}: states seen while no fault was active.
 *
 * @param rows one row per fault kind/variant, in kind order
 * @param totals per state: how many intervals were seen and for how many seconds in total
 * @param observed true when the history has any cluster-state observation at all
 */
public record Coverage(List<Row> rows, Map<String, double[]> totals, boolean observed) {

  /** One row: {@code windows} fault windows, {@code covered[i]} of which overlapped state i of {@link ClusterStateObserver#STATES}. */
  public record Row(String kind, String variant, int windows, int[] covered) {}

  /** A state seen from {@code from} to {@code to} seconds. */
  public record Seen(String state, double from, double to) {}

  /** The observations of a history. */
  public static List<Seen> observations(List<Op> history) {
    List<Seen> out = new ArrayList<>();
    for (Op op : history) {
      if (!op.isNemesis()) {
        continue;
      }
      if (op.extra().get("cluster-states") instanceof List<?> l) {
        for (Object o : l) {
          if (o instanceof Map<?, ?> m && m.get(Edn.kw("from")) instanceof Number a && m.get(Edn.kw("to")) instanceof Number b) {
            out.add(new Seen(RunFiles.name(m.get(Edn.kw("state"))), PlotData.seconds(a.longValue()),
                PlotData.seconds(b.longValue())));
          }
        }
      }
    }
    for (OpPair p : OpPair.nemesisOps(history)) {
      if (p.invoke().f().equals("strike") && p.completion() != null && p.completion().value() instanceof Map<?, ?> m
          && m.get(Edn.kw("saw")) != null) {
        out.add(new Seen(RunFiles.name(m.get(Edn.kw("when"))),
            PlotData.seconds(p.invoke().time()), PlotData.seconds(p.completion().time())));
      }
    }
    return out;
  }

  /** The coverage matrix of a history. */
  public static Coverage of(List<Op> history) {
    List<PlotData.Band> bands = PlotData.bands(history);
    List<Seen> seen = observations(history);
    List<String> states = ClusterStateObserver.STATES;
    Map<String, Row> rows = new TreeMap<>((a, b) -> {
      int ka = PlotData.KINDS.indexOf(a.split(" ", 2)[0]);
      int kb = PlotData.KINDS.indexOf(b.split(" ", 2)[0]);
      return ka != kb ? Integer.compare(ka, kb) : a.compareTo(b);
    });
    for (PlotData.Band band : bands) {
      Row r = rows.computeIfAbsent(band.kind() + " " + band.variant(),
          k -> new Row(band.kind(), band.variant(), 0, new int[states.size()]));
      int[] covered = r.covered();
      for (int i = 0; i < states.size(); i++) {
        String st = states.get(i);
        if (seen.stream().anyMatch(s -> s.state().equals(st) && s.from() <= band.to() && s.to() >= band.from())) {
          covered[i]++;
        }
      }
      rows.put(band.kind() + " " + band.variant(), new Row(r.kind(), r.variant(), r.windows() + 1, covered));
    }
    List<Row> out = new ArrayList<>(rows.values());
    int[] none = new int[states.size()];
    int noneCount = 0;
    Map<String, double[]> totals = new TreeMap<>();
    for (Seen s : seen) {
      double[] t = totals.computeIfAbsent(s.state(), k -> new double[2]);
      t[0]++;
      t[1] += s.to() - s.from();
      boolean inFault = bands.stream().anyMatch(b -> s.from() <= b.to() && s.to() >= b.from());
      int i = states.indexOf(s.state());
      if (!inFault && i >= 0) {
        none[i]++;
        noneCount++;
      }
    }
    out.add(new Row("none", "", noneCount, none));
    return new Coverage(out, totals, !seen.isEmpty());
  }
}
