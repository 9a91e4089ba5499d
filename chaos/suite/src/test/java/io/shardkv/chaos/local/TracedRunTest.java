package io.shardkv.chaos.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosCli;
import io.shardkv.chaos.history.HistoryFile;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.report.TraceLinks;
import io.shardkv.driver.routing.Served;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chaos run --trace} end to end (issue 14): the servers run with {@code trace = true}, their
 * logs land in the run directory, and an invalid run's counterexample links its ops to real lines of
 * those logs — each link an existing {@code file:line} of the entry (group, term, log index) the op
 * names. The anomaly is planted: servers without duplicate detection ({@code --unsafe-disable-dedup})
 * under kills and pauses apply retried appends twice.
 */
class TracedRunTest {
  private static final java.util.regex.Pattern COMMIT = java.util.regex.Pattern.compile("\\| commit (\\d+) -> (\\d+)");
  @TempDir Path store;

  @Test
  void anInvalidTracedRunsCounterexampleLinksEachOpToTheTraceLinesOfItsLogEntry() throws Exception {
    ChaosCli.Run r = ChaosCli.run("run", "--local", "--trace", "--workload", "append", "--nemesis", "kill,pause",
        "--nemesis-targets", "one,leaders", "--unsafe-disable-dedup", "--rate", "0", "--concurrency", "20",
        "--nemesis-interval", "2", "--op-timeout", "10", "--time-limit", "40", "--quiet", "3", "--seed", "3",
        "--store", store.toString());
    String last = r.lastLine();
    assertTrue(last.startsWith("verdict=invalid store="), "last line: " + last + "\n" + r.err());
    Path dir = Path.of(last.substring(last.indexOf("store=") + "store=".length()));
    assertEquals(1, r.exit());
    assertTrue(Files.readString(dir.resolve("test.edn")).contains(":trace true"), "test.edn records --trace");

    // One server process per host hosts every group: n1's one log has trace lines of the config center and a shard group.
    String n1 = Files.readString(dir.resolve("n1/node-1.log"));
    assertTrue(n1.contains(" g0-n1 ") && n1.contains(" g1-n1 "), "n1/node-1.log traces group 0's and group 1's replica");

    List<Path> cxs;
    try (Stream<Path> s = Files.list(dir)) {
      cxs = s.filter(p -> p.getFileName().toString().startsWith("counterexample-")).sorted().toList();
    }
    assertFalse(cxs.isEmpty(), "an invalid key's counterexample in " + dir);
    Set<Served> entries = new LinkedHashSet<>();
    for (Path cx : cxs) {
      for (Op op : HistoryFile.read(cx)) {
        Served sv = TraceLinks.servedOf(op);
        if (sv != null) entries.add(sv);
      }
    }
    assertFalse(entries.isEmpty(), "the counterexamples' ops name their log entries (:group :term :log-index)");

    TraceLinks links = TraceLinks.find(dir, entries);
    assertTrue(links.anyTrace(), "the collected logs carry trace lines");
    String index = Files.readString(dir.resolve("index.html"));
    List<String> exact = new ArrayList<>();
    List<String> commits = new ArrayList<>();
    int resolved = 0;
    for (Map.Entry<Served, Map<String, List<TraceLinks.Line>>> e : links.lines().entrySet()) {
      Served sv = e.getKey();
      for (List<TraceLinks.Line> lines : e.getValue().values()) {
        for (TraceLinks.Line l : lines) {
          List<String> file = Files.readAllLines(dir.resolve(l.file()));
          assertTrue(l.number() >= 1 && l.number() <= file.size(), l.where() + " exists");
          String text = file.get(l.number() - 1);
          assertEquals(l.text(), text, l.where());
          assertTrue(text.matches(".* g" + sv.group() + "-n\\d+ .*"), l.where() + " is a trace line of group " + sv.group() + ": " + text);
          assertTrue(index.contains(l.where() + "</span>"), "the page links " + l.where());
          resolved++;
          if (text.contains(" by entry " + sv.term() + "/" + sv.index()) || text.contains(" by read index " + sv.term() + "/" + sv.index())) {
            exact.add(l.where());
          }
          java.util.regex.Matcher c = COMMIT.matcher(text);
          if (c.find() && Long.parseLong(c.group(1)) < sv.index() && sv.index() <= Long.parseLong(c.group(2))) {
            commits.add(l.where());
          }
        }
      }
    }
    System.out.println("TracedRunTest: " + entries.size() + " entries, " + resolved + " linked lines, " + exact.size()
        + " naming the entry exactly (e.g. " + exact.stream().limit(3).toList() + "), " + commits.size() + " Raft commit lines (e.g. "
        + commits.stream().limit(3).toList() + ")");
    assertTrue(resolved > 0, "some op of the counterexample links to trace lines");
    assertFalse(exact.isEmpty(), "some op links to the server's 'served request ... by entry TERM/INDEX' line of its own entry");
    assertFalse(commits.isEmpty(), "some op links to a Raft 'commit A -> B' line covering its entry's index (Raft tracing is on)");
  }
}
