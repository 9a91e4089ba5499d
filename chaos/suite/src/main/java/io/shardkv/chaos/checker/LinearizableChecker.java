package io.shardkv.chaos.checker;

import io.shardkv.chaos.history.Edn;
import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.PartitionResult;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.format.Format;
import io.shardkv.linearizability.format.HistoryReader;
import io.shardkv.linearizability.html.HtmlReport;
import io.shardkv.linearizability.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Linearizability of every key with the checker of module {@code linearizability} (one model per
 * key: P-compositionality), reading the stored history file back exactly as {@code bin/shardkv
 * check} would. For each illegal key it writes the checker's HTML report
 * ({@code linear-<key>.html}: the ops of that key, the longest linearizable prefix, the op that
 * cannot follow it). A key the search could not decide in time makes the result unknown. Once one key
 * is illegal the others are not searched ({@code :unsearched-keys}): the verdict is settled.
 *
 * @param model a model name of {@link Models} ({@code cas-register}, {@code kv})
 * @param independent values are Jepsen {@code [k v]} tuples instead of {@code :key} (foreign histories)
 */
public record LinearizableChecker(String model, boolean independent, Duration timeout) implements Checker {

  @Override
  public Result check(CheckInput input) throws Exception {
    Model<?> m = Models.byName(model, false);
    History h = HistoryReader.read(input.historyFile(), Format.JEPSEN_EDN, independent).history();
    CheckResult r = io.shardkv.linearizability.Checker.check(m, h, CheckOptions.defaults().withTimeout(timeout));
    List<Object> illegal = new ArrayList<>();
    List<Object> unknown = new ArrayList<>();
    int cancelled = 0;
    List<Object> failures = new ArrayList<>();
    List<String> reports = new ArrayList<>();
    for (PartitionResult p : r.partitions()) {
      if (p.verdict() == Verdict.NOT_LINEARIZABLE) {
        illegal.add(p.key());
        String failing = p.failingOp() >= 0 ? m.describeOp(p.ops().get(p.failingOp())) : "";
        failures.add(Edn.map("key", p.key(), "ops", p.ops().size(), "linearizable-prefix", p.prefixLength(),
            "cannot-linearize", failing));
        if (input.reportDir() != null) {
          Files.createDirectories(input.reportDir());
          Path html = input.reportDir().resolve("linear-" + String.valueOf(p.key()).replaceAll("[^A-Za-z0-9_.-]", "_") + ".html");
          HtmlReport.write(html, "ShardKV chaos: key " + p.key() + " is not linearizable (" + model + ")", m,
              new CheckResult(p.verdict(), List.of(p), p.ops().size(), p.millis()));
          reports.add(html.getFileName().toString());
        }
      } else if (p.verdict() == Verdict.UNKNOWN && p.reason().startsWith("cancelled")) {
        cancelled++; // not searched: another key was already found not linearizable
      } else if (p.verdict() == Verdict.UNKNOWN) {
        unknown.add(Edn.map("key", p.key(), "reason", p.reason()));
      }
    }
    Map<Object, Object> d = Edn.map("model", Edn.kw(model), "ops", r.ops(), "keys", r.partitions().size(),
        "invalid-keys", illegal, "unknown-keys", unknown, "unsearched-keys", cancelled, "failures", failures, "reports", reports,
        "checker-ms", r.millis());
    return new Result(Validity.of(r.verdict()), d);
  }
}
