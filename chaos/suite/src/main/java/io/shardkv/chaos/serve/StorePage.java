package io.shardkv.chaos.serve;

import io.shardkv.chaos.report.Html;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of all runs: test, time, workload, nemeses, ops, verdict, a link — rendered as HTML (it
 * reads without a script), sortable by any column and filterable by text and verdict with a small
 * inline script.
 */
final class StorePage {
  private StorePage() {}

  static List<Map<String, Object>> rows(List<RunIndex.Run> runs) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RunIndex.Run r : runs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("test", r.test());
      m.put("time", r.time());
      m.put("workload", r.workload());
      m.put("nemeses", r.nemeses());
      m.put("ops", r.ops() < 0 ? null : r.ops());
      m.put("verdict", r.verdict());
      m.put("link", link(r));
      out.add(m);
    }
    return out;
  }

  static String link(RunIndex.Run r) {
    return r.report() ? "/runs/" + r.path() + "/" : "/live/" + r.path();
  }

  static String render(Path store, List<RunIndex.Run> runs) {
    StringBuilder b = Html.page("ShardKV chaos runs");
    b.append("<body>\n<h1>ShardKV chaos runs</h1>\n<p class=\"muted\">Store <code>").append(Html.esc(store))
        .append("</code> · <span id=\"count\">").append(runs.size()).append(" runs</span></p>\n")
        .append("<div class=\"toolbar\"><label>Filter <input id=\"filter\" type=\"search\" placeholder=\"test, workload, nemesis…\"></label> ")
        .append("<label>Verdict <select id=\"verdict-filter\"><option value=\"\">any</option><option>valid</option>")
        .append("<option>invalid</option><option>unknown</option><option>running</option></select></label></div>\n")
        .append("<table id=\"runs\"><thead><tr>");
    String[] cols = {"test", "time", "workload", "nemeses", "ops", "verdict", "report"};
    for (int i = 0; i < cols.length; i++) {
      b.append("<th").append(cols[i].equals("ops") ? " class=\"n\"" : "").append(" aria-sort=\"none\">")
          .append(i < 6 ? "<button type=\"button\" class=\"sort\" data-col=\"" + i + "\">" + cols[i] + "</button>" : cols[i])
          .append("</th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    for (RunIndex.Run r : runs) {
      b.append("<tr data-verdict=\"").append(Html.esc(r.verdict())).append("\"><td>").append(Html.esc(r.test()))
          .append("</td><td data-v=\"").append(Html.esc(r.stamp())).append("\">").append(Html.esc(r.time()))
          .append("</td><td>").append(Html.esc(r.workload())).append("</td><td>").append(Html.esc(r.nemeses()))
          .append("</td><td class=\"n\" data-v=\"").append(r.ops()).append("\">").append(r.ops() < 0 ? "—" : r.ops())
          .append("</td><td><span class=\"verdict ").append(Html.esc(r.verdict())).append("\" style=\"font-size:13px;padding:1px 8px\">")
          .append(Html.esc(r.verdict())).append("</span></td><td><a class=\"run-link\" href=\"").append(Html.esc(link(r))).append("\">")
          .append(r.report() ? "report" : "live view").append("</a></td></tr>\n");
    }
    b.append("</tbody></table>\n");
    if (runs.isEmpty()) {
      b.append("<p>No runs in this store yet: <code>bin/shardkv chaos run … --store ").append(Html.esc(store)).append("</code>.</p>\n");
    }
    b.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  private static final String SCRIPT = """
      (function () {
        const body = document.querySelector('#runs tbody');
        const rows = Array.from(body.rows);
        const filter = document.getElementById('filter'), vf = document.getElementById('verdict-filter');
        function key(r, c) { const td = r.cells[c]; return td.dataset.v !== undefined ? td.dataset.v : td.textContent; }
        function apply() {
          const q = filter.value.toLowerCase(), v = vf.value;
          let shown = 0;
          for (const r of rows) {
            const ok = (!q || r.textContent.toLowerCase().includes(q)) && (!v || r.dataset.verdict === v);
            r.hidden = !ok; if (ok) shown++;
          }
          document.getElementById('count').textContent = shown + (shown === rows.length ? '' : ' of ' + rows.length) + ' runs';
        }
        filter.addEventListener('input', apply); vf.addEventListener('change', apply);
        document.querySelectorAll('button.sort').forEach(btn => btn.addEventListener('click', () => {
          const c = +btn.dataset.col, th = btn.parentElement;
          const asc = th.getAttribute('aria-sort') !== 'ascending';
          document.querySelectorAll('#runs th').forEach(h => h.setAttribute('aria-sort', 'none'));
          th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
          const num = c === 4;
          rows.sort((a, b) => {
            const x = key(a, c), y = key(b, c);
            const d = num ? (+x) - (+y) : x.localeCompare(y);
            return asc ? d : -d;
          });
          rows.forEach(r => body.appendChild(r));
        }));
      })();
      """;
}
