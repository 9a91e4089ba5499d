package io.shardkv.chaos.report;

import io.shardkv.chaos.checker.Validity;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code index.html}: one self-contained page per run (inline style, no script needed, no
 * network fetches; the plots are PNG files beside it): the verdict and why, the minimal
 * counterexamples, the options and seed, op counts, availability, latency, the plots with text
 * alternatives, fault coverage, and links to every file of the run.
 */
final class IndexPage {
  private IndexPage() {}

  /** What the page shows besides the run's own files. */
  record Parts(RunFiles run, String title, List<Counterexample> counterexamples, TraceLinks traces, Coverage coverage,
      List<PlotData.Window> windows, List<PlotData.Point> points, List<PlotData.Band> bands,
      Map<String, List<double[]>> clocks, List<String> plots, List<String> files) {}

  static String render(Parts p) {
    RunFiles run = p.run();
    StringBuilder b = Html.page("ShardKV chaos: " + p.title());
    Validity v = run.results().isEmpty() ? null : Validity.fromEdn(run.result("valid?"));
    String word = v == null ? "not checked" : v.word();
    b.append("<body>\n<h1>").append(Html.esc(p.title())).append("</h1>\n")
        .append("<p class=\"muted\">").append(Html.esc(run.dir().getFileName())).append(" · workload ")
        .append(Html.esc(run.workload().isEmpty() ? "?" : run.workload())).append(" · seed ")
        .append(Html.esc(String.valueOf(run.option("seed")))).append("</p>\n")
        .append("<p>Verdict: <span id=\"verdict\" class=\"verdict ").append(v == null ? "unknown" : word).append("\">")
        .append(Html.esc(word)).append("</span></p>\n");
    b.append("<nav class=\"links\"><a id=\"timeline-link\" href=\"timeline.html\">Timeline of every op</a>")
        .append("<a href=\"#plots\">Plots</a><a href=\"#coverage\">Fault coverage</a><a href=\"#files\">Files</a></nav>\n");
    why(b, run);
    counterexamples(b, p.counterexamples(), p.traces());
    options(b, run);
    counts(b, run);
    availability(b, run);
    latency(b, run);
    plots(b, p);
    coverage(b, p.coverage());
    files(b, p.files());
    b.append("<p class=\"muted\">Generated from history.edn, results.edn and test.edn; ")
        .append("<code>bin/shardkv chaos check DIR --out DIR</code> makes these pages again.</p>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void why(StringBuilder b, RunFiles run) {
    b.append("<h2 id=\"why\">Why</h2>\n");
    if (run.results().isEmpty()) {
      b.append("<p>No results.edn: the run is in progress, crashed before its check, or was never checked ")
          .append("(<code>bin/shardkv chaos check DIR --out DIR</code>).</p>\n");
      return;
    }
    b.append("<table><tr><th>checker</th><th>verdict</th><th>what it found</th></tr>\n");
    run.results().forEach((k, val) -> {
      if (val instanceof Map<?, ?> m && m.containsKey(Edn.kw("valid?"))) {
        Validity cv = Validity.fromEdn(m.get(Edn.kw("valid?")));
        b.append("<tr><td>").append(Html.esc(RunFiles.name(k))).append("</td><td class=\"")
            .append(cv == Validity.INVALID ? "bad" : "").append("\">").append(cv.word()).append("</td><td>")
            .append(found(m)).append("</td></tr>\n");
      }
    });
    b.append("</table>\n");
  }

  /** The telling entries of one checker's result, short. */
  private static String found(Map<?, ?> m) {
    List<String> parts = new ArrayList<>();
    for (String k : List.of("invalid-keys", "anomaly-counts", "failures", "unknown-keys", "error", "count", "ok-count")) {
      Object x = m.get(Edn.kw(k));
      if (x == null || (x instanceof List<?> l && l.isEmpty()) || (x instanceof Map<?, ?> mm && mm.isEmpty())) {
        continue;
      }
      parts.add("<b>" + k + "</b> " + Html.esc(TimelinePage.clip(Edn.line(x), 400)));
    }
    return parts.isEmpty() ? "<span class=\"muted\">—</span>" : String.join("<br>", parts);
  }

  private static void counterexamples(StringBuilder b, List<Counterexample> cs, TraceLinks traces) {
    if (cs.isEmpty()) {
      return;
    }
    b.append("<h2 id=\"counterexample\">Minimal counterexample</h2>\n<p>Each key found not linearizable, shrunk ")
        .append("only by steps that cannot create a violation (drop read-only ops, weaken completed ops to ")
        .append("<code>:info</code>, cut the history before a call; never shorten an interval) and re-checked at ")
        .append("every step. So these few ops alone prove the run invalid. The EDN file beside this page is a history ")
        .append("<code>bin/shardkv check FILE --model MODEL</code> re-checks.</p>\n");
    for (Counterexample c : cs) {
      String file = RunReport.counterexampleFile(c.key());
      b.append("<h3>Key ").append(Html.esc(c.key())).append(" (").append(Html.esc(c.model())).append(")</h3>\n<p>")
          .append(c.ops().size()).append(" of the key's ").append(c.keyOps()).append(" ops; ")
          .append(c.minimal() ? "1-minimal" : "<span class=\"bad\">not shown 1-minimal</span>")
          .append(" (").append(c.checks()).append(" checks, ").append(c.millis()).append(" ms)")
          .append(c.note().isEmpty() ? "" : " — " + Html.esc(c.note())).append(". ");
      if (c.failingOp() != null) {
        b.append("In the full history the checker could not linearize <a class=\"failing\" href=\"timeline.html#index=")
            .append(c.failingOp().invoke().index()).append("\">").append(Html.esc(c.failingOp().text())).append("</a>. ");
      }
      b.append("<a href=\"").append(Html.esc(file)).append("\">").append(Html.esc(file)).append("</a></p>\n");
      b.append(CounterexampleSvg.render(c));
      b.append("<table class=\"mono\"><tr><th>process</th><th>op</th><th>outcome</th><th class=\"n\">invoked (s)</th>")
          .append("<th class=\"n\">completed (s)</th><th>served by (group, term, index)</th><th>more</th><th>history</th></tr>\n");
      for (Counterexample.Shown s : c.ops()) {
        Op inv = s.invoke();
        boolean failing = s.equals(c.shrunkFailingOp());
        b.append("<tr").append(failing ? " class=\"never\" title=\"the op that cannot be linearized\"" : "").append("><td>p")
            .append(inv.process()).append("</td><td>").append(Html.esc(s.call()))
            .append("</td><td>").append(Html.esc(s.outcome()))
            .append(failing ? " ★" : "").append("</td><td class=\"n\">").append(Html.num(inv.time() / 1e9))
            .append("</td><td class=\"n\">").append(s.completion() == null ? "—" : Html.num(s.completion().time() / 1e9))
            .append("</td><td>").append(Html.esc(servedText(s))).append("</td><td>").append(Html.esc(extra(s)))
            .append("</td><td><a href=\"timeline.html#index=")
            .append(inv.index()).append("\">:index ").append(inv.index()).append("</a></td></tr>\n");
      }
      b.append("</table>\n");
      ServerTraces.render(b, c, traces);
    }
  }

  /** {@code g1 t4 i123}: the log entry that served the op (its completion's {@code :group :term :log-index}), or —. */
  static String servedText(Counterexample.Shown s) {
    io.shardkv.driver.routing.Served sv = TraceLinks.servedOf(s.completion());
    return sv == null ? "—" : sv.toString();
  }

  private static final java.util.Set<String> SERVED_KEYS = java.util.Set.of("group", "term", "log-index");

  /** Extra keys the history carries for an op (errors, ...; the served entry has its own column). */
  static String extra(Counterexample.Shown s) {
    List<String> l = new ArrayList<>();
    List<Op> both = s.completion() == null ? List.of(s.invoke()) : List.of(s.invoke(), s.completion());
    for (Op op : both) {
      op.extra().forEach((k, v) -> {
        if (!k.equals("key") && !k.equals("final") && !SERVED_KEYS.contains(k)) {
          l.add(":" + k + " " + Edn.line(v));
        }
      });
    }
    return String.join(" ", l);
  }

  private static void options(StringBuilder b, RunFiles run) {
    b.append("<h2 id=\"options\">Options and seed</h2>\n");
    if (run.test().isEmpty()) {
      b.append("<p>No test.edn (a history checked on its own).</p>\n");
      return;
    }
    b.append("<table>");
    run.test().forEach((k, val) -> b.append("<tr><th>").append(Html.esc(RunFiles.name(k))).append("</th><td class=\"mono\">")
        .append(Html.esc(Edn.line(val))).append("</td></tr>"));
    b.append("</table>\n");
  }

  private static void counts(StringBuilder b, RunFiles run) {
    b.append("<h2 id=\"ops\">Operations</h2>\n");
    Object byF = run.result("stats", "by-f");
    b.append("<table id=\"op-counts\"><tr><th>:f</th><th class=\"n\">ok</th><th class=\"n\">fail</th><th class=\"n\">info</th></tr>");
    if (byF instanceof Map<?, ?> m) {
      m.forEach((f, c) -> {
        Map<?, ?> cm = (Map<?, ?>) c;
        b.append("<tr><td>").append(Html.esc(RunFiles.name(f))).append("</td>");
        for (String t : List.of("ok", "fail", "info")) {
          b.append("<td class=\"n\">").append(Html.esc(cm.get(Edn.kw(t)))).append("</td>");
        }
        b.append("</tr>");
      });
    }
    b.append("</table>\n<p>").append(run.clientOps().size()).append(" client ops, ").append(run.history().size())
        .append(" history entries. Nemesis events: ");
    Object nem = run.result("stats", "nemesis");
    b.append(nem instanceof Map<?, ?> nm && !nm.isEmpty() ? Html.esc(Edn.line(nem)) : "none").append(".</p>\n");
  }

  private static void availability(StringBuilder b, RunFiles run) {
    b.append("<h2 id=\"availability\">Availability</h2>\n<table><tr><th></th><th class=\"n\">ops</th><th class=\"n\">ok</th>")
        .append("<th class=\"n\">availability (ok)</th><th class=\"n\">answered</th></tr>");
    for (String w : List.of("in-faults", "outside-faults")) {
      b.append("<tr><th>").append(w.replace('-', ' ')).append("</th>");
      for (String k : List.of("ops", "ok", "availability", "answered")) {
        Object x = run.result("availability", w, k);
        b.append("<td class=\"n\">").append(x == null ? "—" : Html.esc(x)).append("</td>");
      }
      b.append("</tr>");
    }
    b.append("</table>\n<p class=\"muted\">By invocation time; a window opens when a fault starts and closes when the op ")
        .append("undoing it completes. <i>answered</i> also counts a cas refused for a different value.</p>\n");
  }

  private static void latency(StringBuilder b, RunFiles run) {
    Object byF = run.result("latency", "by-f");
    if (!(byF instanceof Map<?, ?> m) || m.isEmpty()) {
      return;
    }
    b.append("<h2 id=\"latency\">Latency (ms)</h2>\n<table><tr><th>:f</th><th>ops</th><th class=\"n\">count</th>")
        .append("<th class=\"n\">p50</th><th class=\"n\">p95</th><th class=\"n\">p99</th><th class=\"n\">max</th></tr>");
    m.forEach((f, val) -> {
      for (String which : List.of("ok", "all")) {
        Object q = ((Map<?, ?>) val).get(Edn.kw(which));
        if (q instanceof Map<?, ?> qm) {
          b.append("<tr><td>").append(Html.esc(RunFiles.name(f))).append("</td><td>").append(which).append("</td>");
          for (String k : List.of("count", "p50", "p95", "p99", "max")) {
            b.append("<td class=\"n\">").append(Html.esc(qm.get(Edn.kw(k)))).append("</td>");
          }
          b.append("</tr>");
        }
      }
    });
    b.append("</table>\n");
  }

  private static void plots(StringBuilder b, Parts p) {
    b.append("<h2 id=\"plots\">Plots</h2>\n<p class=\"muted\">Outcomes differ by shape as well as colour: ok ● blue, ")
        .append("fail ✕ vermilion, info ▲ orange. Fault windows are shaded by kind: ");
    for (String k : PlotData.KINDS) {
      b.append("<span class=\"sw\" style=\"background:").append(Plots.css(k)).append("55\"></span>").append(k).append(' ');
    }
    b.append("</p>\n");
    List<PlotData.Point> pts = p.points();
    double[] lat = pts.stream().mapToDouble(PlotData.Point::ms).sorted().toArray();
    String faults = p.bands().size() + " fault windows shaded";
    for (String plot : p.plots()) {
      String alt = switch (plot) {
        case "latency-raw.png" -> "Latency of each of " + pts.size() + " completed ops against its invocation time; overall p50 "
            + Html.num(PlotData.quantile(lat, 0.5)) + " ms, p99 " + Html.num(PlotData.quantile(lat, 0.99)) + " ms, max "
            + Html.num(PlotData.quantile(lat, 1.0)) + " ms; " + faults + ". The per-window numbers are in the table below.";
        case "latency-quantiles.png" -> "Latency p50, p95, p99 and max per window; " + faults + "; values in the table below.";
        case "rate.png" -> "Completed ops per second by outcome (ok, fail, info) per window; " + faults + "; values in the table below.";
        case "clock.png" -> "Clock offset of each host against the control node over time: " + clockText(p.clocks());
        default -> plot;
      };
      b.append("<figure><img src=\"").append(plot).append("\" width=\"").append(Plots.WIDTH).append("\" height=\"")
          .append(Plots.HEIGHT).append("\" alt=\"").append(Html.esc(alt)).append("\"><figcaption>").append(Html.esc(alt))
          .append("</figcaption></figure>\n");
    }
    b.append("<details><summary>Per-window numbers (text alternative of the plots)</summary>\n<table><tr>")
        .append("<th class=\"n\">from (s)</th><th class=\"n\">invoked</th><th class=\"n\">ok/s</th><th class=\"n\">fail/s</th>")
        .append("<th class=\"n\">info/s</th><th class=\"n\">p50</th><th class=\"n\">p95</th><th class=\"n\">p99</th><th class=\"n\">max (ms)</th><th>faults</th></tr>\n");
    for (PlotData.Window w : p.windows()) {
      b.append("<tr><td class=\"n\">").append(Html.num(w.from())).append("</td><td class=\"n\">").append(w.invoked()).append("</td>");
      for (double r : w.rate()) {
        b.append("<td class=\"n\">").append(Html.num(r)).append("</td>");
      }
      for (double q : new double[] {w.p50(), w.p95(), w.p99(), w.max()}) {
        b.append("<td class=\"n\">").append(Double.isNaN(q) ? "—" : Html.num(q)).append("</td>");
      }
      List<String> active = new ArrayList<>();
      for (PlotData.Band band : p.bands()) {
        if (band.from() < w.to() && band.to() >= w.from() && !active.contains(band.kind())) {
          active.add(band.kind());
        }
      }
      b.append("<td>").append(String.join(", ", active)).append("</td></tr>\n");
    }
    b.append("</table></details>\n");
  }

  private static String clockText(Map<String, List<double[]>> clocks) {
    if (clocks.isEmpty()) {
      return "no clock offsets were recorded.";
    }
    List<String> l = new ArrayList<>();
    clocks.forEach((h, s) -> {
      double lo = 0;
      double hi = 0;
      for (double[] x : s) {
        lo = Math.min(lo, x[1]);
        hi = Math.max(hi, x[1]);
      }
      l.add(h + " from " + Html.num(lo) + " to " + Html.num(hi) + " ms (" + (s.size() - 1) + " readings)");
    });
    return String.join("; ", l) + ".";
  }

  private static void coverage(StringBuilder b, Coverage c) {
    List<String> states = ClusterStateObserver.STATES;
    b.append("<h2 id=\"coverage\">Fault coverage</h2>\n<p>Which faults struck during which cluster states: a cell counts ")
        .append("the fault windows during which the state was seen (of the row's windows). <span class=\"never never-key\">never</span> ")
        .append("marks what this campaign did not test.</p>\n");
    if (!c.observed()) {
      b.append("<p class=\"bad\">No cluster-state observations in this history (a run without faults, or one made ")
          .append("before the observer existed): every cell below says never only for that reason.</p>\n");
    }
    b.append("<table id=\"coverage-matrix\"><tr><th>fault</th><th class=\"n\">windows</th>");
    states.forEach(s -> b.append("<th class=\"n\">during ").append(s).append("</th>"));
    b.append("</tr>\n");
    for (Coverage.Row r : c.rows()) {
      boolean none = r.kind().equals("none");
      b.append("<tr><th>").append(none ? "no fault active" : Html.esc(r.kind() + (r.variant().isEmpty() || r.variant().equals(r.kind())
          ? "" : " " + r.variant()))).append("</th><td class=\"n\">").append(none ? "—" : String.valueOf(r.windows())).append("</td>");
      for (int i = 0; i < states.size(); i++) {
        int k = r.covered()[i];
        b.append("<td class=\"n ").append(k == 0 ? "never" : "seen").append("\">")
            .append(k == 0 ? "never" : none ? k + " seen" : k + " / " + r.windows()).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n<p class=\"muted\">States seen in the whole run: ");
    if (c.totals().isEmpty()) {
      b.append("none");
    }
    c.totals().forEach((s, t) -> b.append(Html.esc(s)).append(" ").append((long) t[0]).append("× (")
        .append(Html.num(t[1])).append(" s) "));
    b.append(". Sources: the observer's <code>:cluster-states</code> on nemesis completions (polls of every server's ")
        .append("<code>/status</code> every ").append(ClusterStateObserver.POLL_MILLIS)
        .append(" ms) and strikes that saw their state.</p>\n");
  }

  private static void files(StringBuilder b, List<String> files) {
    b.append("<h2 id=\"files\">Files</h2>\n<ul>\n");
    for (String f : files) {
      b.append("<li><a href=\"").append(Html.esc(f)).append("\">").append(Html.esc(f)).append("</a></li>\n");
    }
    b.append("</ul>\n");
  }
}
