package io.shardkv.chaos.serve;

import io.shardkv.chaos.report.Html;

/**
 * The live view of a run in progress: the numbers of {@code /api/live/<run>} (ops by outcome, ops/s
 * over the last five seconds of history, nemesis ops, the verdict so far), refreshed every second;
 * when the run has its report, a link to it.
 */
final class LivePage {
  private LivePage() {}

  static String render(String rel) {
    StringBuilder b = Html.page("Live: " + rel);
    b.append("<body>\n<p><a href=\"/\">← all runs</a></p>\n<h1>").append(Html.esc(rel)).append("</h1>\n")
        .append("<p>Verdict so far: <span id=\"verdict\" class=\"verdict running\">…</span> <span id=\"why\" class=\"muted\"></span></p>\n")
        .append("<table id=\"live\" aria-live=\"polite\"><tr><th>history time (s)</th><td class=\"n\" id=\"seconds\"></td></tr>")
        .append("<tr><th>ops/s (last 5 s)</th><td class=\"n\" id=\"opsPerSecond\"></td></tr>")
        .append("<tr><th>ok</th><td class=\"n\" id=\"ok\"></td></tr><tr><th>fail</th><td class=\"n\" id=\"fail\"></td></tr>")
        .append("<tr><th>info</th><td class=\"n\" id=\"info\"></td></tr><tr><th>in flight</th><td class=\"n\" id=\"open\"></td></tr>")
        .append("<tr><th>nemesis entries</th><td class=\"n\" id=\"nemesis\"></td></tr>")
        .append("<tr><th>client ops in the last check</th><td class=\"n\" id=\"checkedOps\"></td></tr>")
        .append("<tr><th>last write</th><td class=\"n\" id=\"last\"></td></tr></table>\n")
        .append("<p id=\"done\"></p>\n<script>\n(function () {\n  const api = '/api/live/")
        .append(Html.esc(rel).replace("'", "\\'")).append("';\n  const report = '/runs/").append(Html.esc(rel).replace("'", "\\'"))
        .append("/';\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  private static final String SCRIPT = """
        async function tick() {
          try {
            const r = await fetch(api, { cache: 'no-store' });
            const d = await r.json();
            for (const k of ['seconds', 'opsPerSecond', 'ok', 'fail', 'info', 'open', 'nemesis', 'checkedOps'])
              document.getElementById(k).textContent = d[k];
            document.getElementById('last').textContent = d.lastWriteSecondsAgo === null ? '—' : d.lastWriteSecondsAgo.toFixed(1) + ' s ago';
            const v = document.getElementById('verdict');
            const word = d.invalid ? 'invalid' : d.verdictSoFar.startsWith('valid') ? 'valid so far' : 'unknown so far';
            v.textContent = word; v.className = 'verdict ' + (d.invalid ? 'invalid' : word === 'valid so far' ? 'valid' : 'running');
            document.getElementById('why').textContent = d.verdictSoFar;
            if (d.report) document.getElementById('done').innerHTML = 'The run is over: <a id="report-link" href="' + report + '">its report</a>.';
            else if (d.done) document.getElementById('done').textContent = 'The run is checked; its pages are being written.';
          } catch (e) {
            document.getElementById('why').textContent = 'cannot reach the server: ' + e;
          }
          setTimeout(tick, 1000);
        }
        tick();
      })();
      """;
}
