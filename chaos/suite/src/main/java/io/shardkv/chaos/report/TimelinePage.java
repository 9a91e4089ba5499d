package io.shardkv.chaos.report;

import io.shardkv.chaos.checker.OpPair;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code timeline.html}: one lane per client thread (a thread's process changes after an
 * indeterminate op — Jepsen's rule — so a lane lists its processes) plus the nemesis's lane, every op
 * a bar from invocation to completion coloured by outcome, fault windows shaded across all lanes, the
 * checker's failing op of each invalid key marked. The data is one JSON object in the page, columns
 * of numbers (times in microseconds, invocation times delta-coded) and small string tables; a script
 * draws it on a canvas, culling what is off screen and merging ops narrower than a pixel, so a
 * 100,000-op history stays responsive.
 */
public final class TimelinePage {
  private TimelinePage() {}

  /** Longest value text kept per op (the history file has the full values). */
  static final int VALUE_CHARS = 48;

  /** The page. {@code marks}: history positions of invocations to mark, with why. */
  public static String render(RunFiles run, String title, Map<Integer, String> marks) {
    StringBuilder b = Html.page("Timeline: " + title);
    b.append("<body class=\"timeline\">\n<h1>Timeline: ").append(Html.esc(title)).append("</h1>\n")
        .append("<p><a href=\"index.html\">← the run's report</a></p>\n")
        .append("<p id=\"summary\" class=\"muted\"></p>\n")
        .append("<div class=\"toolbar\" role=\"toolbar\" aria-label=\"timeline controls\">")
        .append("<button id=\"zin\" title=\"zoom in (+)\">zoom in</button><button id=\"zout\" title=\"zoom out (-)\">zoom out</button>")
        .append("<button id=\"zreset\" title=\"whole run (0)\">whole run</button>")
        .append("<span id=\"marklinks\"></span> <span id=\"range\" class=\"muted mono\"></span></div>\n")
        .append("<div id=\"legend\"></div>\n")
        .append("<div id=\"wrap\" style=\"position:relative\"><canvas id=\"tl\" tabindex=\"0\" role=\"img\" ")
        .append("aria-label=\"timeline of every operation; use the buttons or + - arrow keys to zoom and pan; details of the op under the pointer appear below\"></canvas>")
        .append("<div id=\"tip\" role=\"tooltip\" style=\"position:absolute;display:none;pointer-events:none;background:#fff;")
        .append("border:1px solid #888;padding:4px 6px;font-size:12px;max-width:480px;box-shadow:0 1px 4px #0003\"></div></div>\n")
        .append("<p class=\"muted\">Mouse wheel: zoom at the pointer · drag: pan · double-click: whole run · click an op: its details below.</p>\n")
        .append("<div id=\"details\" aria-live=\"polite\" class=\"mono\"></div>\n")
        .append("<script id=\"data\" type=\"application/json\">").append(Html.json(data(run, marks))).append("</script>\n")
        .append("<script>\n").append(Html.resource("timeline.js")).append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  /** The embedded data (see the class comment; the script's header documents each field). */
  static Map<String, Object> data(RunFiles run, Map<Integer, String> marks) {
    List<Op> h = run.history();
    int concurrency = run.concurrency();
    List<OpPair> ops = run.clientOps();
    Map<Long, Integer> laneOf = new LinkedHashMap<>();
    TreeMap<Integer, TreeSet<Long>> laneProcs = new TreeMap<>();
    for (OpPair p : ops) {
      long proc = p.invoke().process();
      int lane = concurrency > 0 ? (int) (proc % concurrency) : laneOf.computeIfAbsent(proc, x -> laneOf.size());
      laneProcs.computeIfAbsent(lane, x -> new TreeSet<>()).add(proc);
    }
    List<String> lanes = new ArrayList<>();
    int lanesN = laneProcs.isEmpty() ? 0 : laneProcs.lastKey() + 1;
    for (int i = 0; i < lanesN; i++) {
      TreeSet<Long> ps = laneProcs.getOrDefault(i, new TreeSet<>());
      StringBuilder l = new StringBuilder(concurrency > 0 ? "thread " + i + ": " : "");
      int k = 0;
      for (long p : ps) {
        if (k++ == 4) {
          l.append(" +").append(ps.size() - 4);
          break;
        }
        l.append(k > 1 ? " " : "").append('p').append(p);
      }
      lanes.add(l.toString());
    }
    Map<String, Integer> fs = new LinkedHashMap<>();
    Map<String, Integer> keys = new LinkedHashMap<>();
    Map<String, Integer> errors = new LinkedHashMap<>();
    int n = ops.size();
    long[] lane = new long[n];
    long[] start = new long[n];
    long[] dur = new long[n];
    long[] outcome = new long[n];
    long[] f = new long[n];
    long[] key = new long[n];
    long[] proc = new long[n];
    long[] err = new long[n];
    long[] index = new long[n];
    List<String> vals = new ArrayList<>(n);
    long prevStart = 0;
    long prevIndex = 0;
    Map<Integer, Integer> posToOp = new java.util.HashMap<>();
    Map<Op, Integer> invokePos = new java.util.IdentityHashMap<>();
    for (int i = 0; i < h.size(); i++) {
      invokePos.put(h.get(i), i);
    }
    for (int i = 0; i < n; i++) {
      OpPair p = ops.get(i);
      Op inv = p.invoke();
      posToOp.put(invokePos.get(inv), i);
      long pr = inv.process();
      lane[i] = concurrency > 0 ? pr % concurrency : laneOf.get(pr);
      long s = inv.time() / 1000;
      start[i] = s - prevStart;
      prevStart = s;
      dur[i] = p.completion() == null ? -1 : Math.max(0, (p.completion().time() - inv.time()) / 1000);
      outcome[i] = p.completion() == null ? 3 : PlotData.OUTCOMES.indexOf(p.type());
      f[i] = fs.computeIfAbsent(inv.f(), x -> fs.size());
      key[i] = inv.key() == null ? -1 : keys.computeIfAbsent(String.valueOf(inv.key()), x -> keys.size());
      proc[i] = pr;
      String e = p.completion() == null ? null : p.completion().error();
      err[i] = e == null ? -1 : errors.computeIfAbsent(e, x -> errors.size());
      index[i] = inv.index() - prevIndex;
      prevIndex = inv.index();
      vals.add(value(p));
    }
    List<Object> nem = new ArrayList<>();
    for (OpPair p : OpPair.nemesisOps(h)) {
      long s = p.invoke().time() / 1000;
      long e = p.completion() == null ? -1 : p.completion().time() / 1000;
      String what = p.invoke().f() + (p.invoke().value() == null ? "" : " " + clip(Edn.line(p.invoke().value()), 80));
      String res = p.completion() == null ? "(no completion)" : clip(Edn.line(p.completion().value()), 160)
          + (p.completion().error() == null ? "" : " error: " + clip(p.completion().error(), 160));
      nem.add(List.of(s, e, what, res));
    }
    List<Object> bands = new ArrayList<>();
    for (PlotData.Band band : PlotData.bands(h)) {
      bands.add(List.of(band.kind(), Math.round(band.from() * 1e6), Math.round(band.to() * 1e6), band.label()));
    }
    List<Object> ms = new ArrayList<>();
    marks.forEach((pos, why) -> {
      Integer i = posToOp.get(pos);
      if (i != null) {
        ms.add(List.of(i, why));
      }
    });
    Map<String, String> colours = new LinkedHashMap<>();
    PlotData.KINDS.forEach(k -> colours.put(k, Plots.css(k)));
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("title", run.test().isEmpty() ? "" : String.valueOf(run.option("name")));
    d.put("end", h.isEmpty() ? 0 : h.get(h.size() - 1).time() / 1000);
    d.put("lanes", lanes);
    d.put("fs", new ArrayList<>(fs.keySet()));
    d.put("keys", new ArrayList<>(keys.keySet()));
    d.put("errors", new ArrayList<>(errors.keySet()));
    d.put("outcomes", List.of("ok", "fail", "info", "info (never completed)"));
    d.put("outcomeColours", List.of(Plots.css(Op.Type.OK), Plots.css(Op.Type.FAIL), Plots.css(Op.Type.INFO), Plots.css(Op.Type.INFO)));
    d.put("kindColours", colours);
    d.put("lane", lane);
    d.put("start", start);
    d.put("dur", dur);
    d.put("outcome", outcome);
    d.put("f", f);
    d.put("key", key);
    d.put("process", proc);
    d.put("error", err);
    d.put("index", index);
    d.put("value", vals);
    d.put("nemesis", nem);
    d.put("bands", bands);
    d.put("marks", ms);
    return d;
  }

  /** What an op asked and what it got, short: {@code 3}, {@code [1 3]}, {@code nil → 4}. */
  static String value(OpPair p) {
    Op inv = p.invoke();
    String in = inv.value() == null ? "" : Edn.line(inv.value());
    if (p.completion() == null || p.type() != Op.Type.OK || p.completion().value() == null
        || p.completion().value().equals(inv.value())) {
      return clip(in, VALUE_CHARS);
    }
    String out = Edn.line(p.completion().value());
    return clip(in.isEmpty() ? "→ " + out : in + " → " + out, VALUE_CHARS);
  }

  static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
