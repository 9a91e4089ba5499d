package io.shardkv.chaos.report;

import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The small timeline of a counterexample, as inline SVG: one lane per process, each op a bar from
 * its invocation to its completion. The x axis is the order of events, not wall time (what
 * linearizability depends on is which op returned before which was invoked), so short and long ops
 * read equally well. An op weakened to {@code :info} (or never completed) runs to the right edge,
 * dashed; the op the checker cannot linearize has a thick purple outline and a ★.
 */
final class CounterexampleSvg {
  private CounterexampleSvg() {}

  static final int LANE = 30;
  static final int GUTTER = 60;
  static final int WIDTH = 980;

  static String render(Counterexample c) {
    TreeSet<Long> events = new TreeSet<>();
    TreeMap<Long, Integer> lanes = new TreeMap<>();
    for (Counterexample.Shown s : c.ops()) {
      events.add(s.invoke().index());
      if (s.completion() != null && !s.weakened()) {
        events.add(s.completion().index());
      }
      lanes.putIfAbsent(s.invoke().process(), 0);
    }
    int li = 0;
    for (Map.Entry<Long, Integer> e : lanes.entrySet()) {
      e.setValue(li++);
    }
    List<Long> order = new ArrayList<>(events);
    double step = (WIDTH - GUTTER - 40.0) / Math.max(1, order.size());
    int height = 24 + lanes.size() * LANE + 8;
    StringBuilder b = new StringBuilder();
    b.append("<svg class=\"cx\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" role=\"img\" aria-label=\"")
        .append(Html.esc("counterexample timeline of key " + c.key() + ": " + c.ops().size()
            + " ops; the table below lists them in the same order"))
        .append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
        .append("<text x=\"").append(GUTTER).append("\" y=\"14\" fill=\"#555\">order of events →</text>\n");
    lanes.forEach((p, l) -> b.append("<text x=\"4\" y=\"").append(24 + l * LANE + LANE / 2 + 4).append("\">p").append(p).append("</text>\n"));
    for (Counterexample.Shown s : c.ops()) {
      int l = lanes.get(s.invoke().process());
      double x0 = GUTTER + order.indexOf(s.invoke().index()) * step + 2;
      boolean open = s.completion() == null || s.weakened();
      double x1 = open ? WIDTH - 6 : GUTTER + order.indexOf(s.completion().index()) * step + step - 2;
      int y = 24 + l * LANE + 3;
      boolean failing = s.equals(c.shrunkFailingOp());
      String colour = Plots.css(s.type() == Op.Type.INFO ? Op.Type.INFO : s.type());
      b.append("<g><title>").append(Html.esc(s.text() + (failing ? " — cannot be linearized" : ""))).append("</title>")
          .append("<rect x=\"").append(Html.num(x0)).append("\" y=\"").append(y).append("\" width=\"").append(Html.num(Math.max(4, x1 - x0)))
          .append("\" height=\"").append(LANE - 8).append("\" fill=\"").append(colour).append(open ? "66" : "").append("\"")
          .append(open ? " stroke=\"" + colour + "\" stroke-dasharray=\"5 3\"" : "")
          .append(failing ? " stroke=\"#c000c0\" stroke-width=\"3\"" : "").append("/>")
          .append("<text x=\"").append(Html.num(x0 + 4)).append("\" y=\"").append(y + LANE / 2).append("\" fill=\"")
          .append(open || s.type() == Op.Type.INFO ? "#000" : "#fff").append("\">")
          .append(Html.esc(TimelinePage.clip(s.call() + " " + s.outcome() + (failing ? " ★" : ""), Math.max(6, (int) ((x1 - x0) / 6.5))))).append("</text></g>\n");
    }
    b.append("</svg>\n");
    return b.toString();
  }
}
