package io.shardkv.chaos.report;

import io.shardkv.driver.routing.Served;
import java.util.List;
import java.util.Map;

/**
 * The "from an anomaly to the servers' logs" part of a counterexample: for each op, the log entry
 * that served it and that entry's trace lines on every node ({@code file:line}, see
 * {@link TraceLinks}); or why there are none and how to get them.
 */
final class ServerTraces {
  private ServerTraces() {}

  /** How to get trace lines: shown whenever the node logs hold none. */
  static final String HOW_TO_TRACE = "rerun with chaos run --trace (the servers then run with trace = true in cluster.conf, "
      + "docs/config.md, and their logs are collected into the run directory); a cluster run by hand needs trace = true "
      + "or SHARDKV_JAVA_OPTS=-Dshardkv.log.level=TRACE, and its node logs copied beside the history";

  static void render(StringBuilder b, Counterexample c, TraceLinks traces) {
    b.append("<h4>Server trace lines of these ops' log entries</h4>\n");
    boolean anyServed = c.ops().stream().anyMatch(s -> TraceLinks.servedOf(s.completion()) != null);
    if (!anyServed) {
      b.append("<p class=\"muted\">No op of this counterexample names the log entry that served it ")
          .append("(<code>:group :term :log-index</code> on its completion): the history predates protocol §5.6, ")
          .append("or no op was answered by a server.</p>\n");
      return;
    }
    if (traces == null || !traces.anyTrace()) {
      b.append("<p class=\"trace-none\">No trace lines in the node logs (")
          .append(traces == null ? 0 : traces.logFiles()).append(" node log(s) beside the history). To get them, ")
          .append(Html.esc(HOW_TO_TRACE)).append(".</p>\n");
      return;
    }
    b.append("<ul class=\"mono traces\">\n");
    for (Counterexample.Shown s : c.ops()) {
      Served sv = TraceLinks.servedOf(s.completion());
      b.append("<li>").append(Html.esc(s.text())).append(" — ");
      if (sv == null) {
        b.append("no entry named (not answered by a server)</li>\n");
        continue;
      }
      b.append("served by ").append(Html.esc(sv.toString()));
      Map<String, List<TraceLinks.Line>> byNode = traces.lines().getOrDefault(sv, Map.of());
      if (byNode.isEmpty()) {
        b.append(": no trace line of this entry in the node logs</li>\n");
        continue;
      }
      b.append("\n<ul>\n");
      byNode.forEach((file, lines) -> {
        b.append("<li>").append(Html.esc(file)).append("<ul>\n");
        for (TraceLinks.Line l : lines) {
          b.append("<li><span class=\"where\">").append(Html.esc(l.where())).append("</span> ")
              .append(Html.esc(l.text())).append("</li>\n");
        }
        b.append("</ul></li>\n");
      });
      b.append("</ul></li>\n");
    }
    b.append("</ul>\n");
  }
}
