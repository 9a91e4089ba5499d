package io.shardkv.linearizability.html;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.gen.HistoryGenerator;
import io.shardkv.linearizability.models.Models;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  @Test
  void tenThousandOpHistoryRendersToACompactSelfContainedPage() {
    History h = HistoryGenerator.generate(new HistoryGenerator.Spec(
        HistoryGenerator.Kind.KV, 10_000, 10, 0.01, 20, true), 3);
    CheckResult r = Checker.check(Models.byName("kv", false), h, CheckOptions.defaults().withDecideAll(true));
    String page = HtmlReport.render("gen", Models.byName("kv", false), r);
    assertTrue(page.length() < 3_000_000, "page is " + page.length() + " chars");
    assertTrue(page.contains("const OPS=[["));
    assertFalse(page.contains("http://") || page.contains("https://"));
    assertFalse(page.contains("</script>\"") || page.contains("\"</"), "data must not close the script");
  }

  @Test
  void perInputNameInsertsTheInputBeforeTheExtension() {
    assertTrue(HtmlReport.perInputName(Path.of("/tmp/r.html"), Path.of("a/etcd_001.log"))
        .toString().equals("/tmp/r-etcd_001.log.html"));
  }
}
