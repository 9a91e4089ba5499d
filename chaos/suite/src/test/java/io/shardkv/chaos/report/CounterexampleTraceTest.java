package io.shardkv.chaos.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.HistoryWriter;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.run.Campaign;
import io.shardkv.chaos.run.TestSpec;
import io.shardkv.driver.routing.Served;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From an anomaly to the servers' logs (issue 14): a counterexample's ops name the log entry that
 * served them, and the page lists that entry's trace lines per node log ({@code file:line}).
 */
class CounterexampleTraceTest {
  private static final String PREFIX = "2026-12-07T05:00:00.000 TRACE [node-loop] io.shardkv.trace - ";

  /** A raft.Tracer line of node n in group g. */
  private static String raft(int g, int n, String body) {
    return PREFIX + "t=100 g" + g + "-n" + n + " term=2 LEADER commit=4 last=2/5 snap=0/0 len=5 next=[] applied=4 | " + body;
  }

  /** A ReplicaHost trace line of node n in group g. */
  private static String replica(int g, int n, String body) {
    return PREFIX + "t=100 inst=1 g" + g + "-n" + n + " | " + body;
  }

  @Test
  void anEntryIsLinkedToItsServedLineItsLeaderItsCommitsAndTheFirstDurableLineOfEachNode() throws Exception {
    Served e = new Served(1, 2, 5);
    String log = String.join("\n",
        PREFIX.replace("TRACE", "INFO ").replace("io.shardkv.trace - ", "NodeServer - ") + "node 1 of group 1 serving",
        raft(1, 1, "became LEADER for term 2"),        // 2: led term 2
        raft(1, 1, "became LEADER for term 3"),        // 3: another term
        raft(1, 1, "durable up to 2/4"),               // 4: not yet this entry
        raft(1, 1, "durable up to 2/5"),               // 5: persisted it
        raft(1, 1, "durable up to 2/6"),               // 6: only the first durable line counts
        raft(1, 1, "commit 3 -> 4"),                   // 7: before it
        raft(1, 1, "commit 4 -> 6"),                   // 8: committed it
        raft(2, 1, "commit 4 -> 6"),                   // 9: another group
        replica(1, 1, "served request 7 by entry 2/5"), // 10: the reply
        replica(1, 1, "served request 8 by entry 2/6"), // 11: another entry
        raft(1, 1, "installed snapshot 2/9 (100 bytes)")); // 12: got it inside a snapshot
    Map<Served, Map<String, List<TraceLinks.Line>>> out = new HashMap<>();
    out.put(e, new java.util.TreeMap<>());
    boolean any = TraceLinks.scan("n1/node-1.log", new BufferedReader(new StringReader(log)), Set.of(e), out);
    assertTrue(any);
    List<Integer> lines = out.get(e).get("n1/node-1.log").stream().map(TraceLinks.Line::number).toList();
    assertEquals(List.of(2, 5, 8, 10, 12), lines);
    assertEquals("n1/node-1.log:10", out.get(e).get("n1/node-1.log").get(3).where());
  }

  @Test
  void aLogWithoutTraceLinesSaysSo() throws Exception {
    Map<Served, Map<String, List<TraceLinks.Line>>> out = new HashMap<>();
    Served e = new Served(1, 2, 5);
    out.put(e, new java.util.TreeMap<>());
    assertFalse(TraceLinks.scan("n1/node-1.log", new BufferedReader(new StringReader(
        "2026-12-07 INFO NodeServer - node 1 of group 1 serving\nstarted | ok\n")), Set.of(e), out));
    assertTrue(out.get(e).isEmpty());
  }

  @Test
  void theServedKeysOfACompletionAreReadBackAndOldCompletionsHaveNone() {
    Op ok = new Op(Op.Type.OK, 0, "write", 1L, 10, 1, Map.of("key", "r1"));
    assertEquals(new Served(1, 2, 5), TraceLinks.servedOf(TraceLinks.withServed(ok, new Served(1, 2, 5))));
    assertNull(TraceLinks.servedOf(ok), "a history from before §5.6");
    assertNull(TraceLinks.servedOf(null));
    assertNull(TraceLinks.servedOf(ok.with("group", 1L).with("term", 2L)), "incomplete");
  }

  /** A stale read: write 1, write 2, then a read that returns 1 — not linearizable; each op names its entry. */
  private static Path staleReadRun(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestSpec spec = new TestSpec("register", List.of("partition"), 10, List.of(), 10, 2, 100, 5, 200, 1L, 10, 5,
        "local", List.of("n1", "n2", "n3"), false);
    Files.writeString(dir.resolve("test.edn"), Edn.pretty(spec.toEdn()), StandardCharsets.UTF_8);
    Map<String, Object> k = Map.of("key", "r1");
    List<Op> h = List.of(
        new Op(Op.Type.INVOKE, 0, "write", 1L, 1_000, 0, k),
        TraceLinks.withServed(new Op(Op.Type.OK, 0, "write", 1L, 2_000, 1, k), new Served(1, 2, 5)),
        new Op(Op.Type.INVOKE, 0, "write", 2L, 3_000, 2, k),
        TraceLinks.withServed(new Op(Op.Type.OK, 0, "write", 2L, 4_000, 3, k), new Served(1, 2, 6)),
        new Op(Op.Type.INVOKE, 1, "read", null, 5_000, 4, k),
        TraceLinks.withServed(new Op(Op.Type.OK, 1, "read", 1L, 6_000, 5, k), new Served(1, 3, 4)));
    try (HistoryWriter w = new HistoryWriter(dir.resolve("history.edn"))) {
      h.forEach(w::append);
    }
    Map<Object, Object> results = Campaign.check(dir.resolve("history.edn"), "register", Duration.ofSeconds(60), dir);
    Campaign.write(dir, results);
    return dir;
  }

  @Test
  void theCounterexamplePageListsEachOpsEntryAndItsTraceLinesPerNode(@TempDir Path tmp) throws Exception {
    Path dir = staleReadRun(tmp.resolve("run"));
    Files.createDirectories(dir.resolve("n1"));
    Files.createDirectories(dir.resolve("n2"));
    Files.writeString(dir.resolve("n1/node-1.log"), String.join("\n",
        raft(1, 1, "became LEADER for term 2"),
        raft(1, 1, "commit 4 -> 6"),
        replica(1, 1, "served request 3 by entry 2/6"),
        raft(2, 1, "commit 4 -> 6")) + "\n");
    Files.writeString(dir.resolve("n2/node-2.log"), String.join("\n",
        raft(1, 2, "became LEADER for term 3"),
        replica(1, 2, "served request 9 by read index 3/4")) + "\n");
    RunReport.write(dir.resolve("history.edn"), dir);
    String index = Files.readString(dir.resolve("index.html"));
    assertTrue(index.contains("Minimal counterexample"), "the run is invalid");
    assertTrue(index.contains("<td>g1 t2 i6</td>") && index.contains("<td>g1 t3 i4</td>"), "each op's entry");
    assertTrue(index.contains("n1/node-1.log:3</span>"), "the reply of write 2 on n1");
    assertTrue(index.contains("served request 3 by entry 2/6"));
    assertTrue(index.contains("n2/node-2.log:2</span>"), "the stale read's read index on n2");
    assertTrue(index.contains("n2/node-2.log:1</span>"), "the leader of term 3");
    assertFalse(index.contains("n1/node-1.log:4</span>"), "group 2's line is not this entry's");
    String extras = index.substring(index.indexOf("Minimal counterexample"));
    assertFalse(extras.contains(":log-index"), "the served keys have their own column, not the 'more' one");
  }

  @Test
  void withoutTraceLinesThePageSaysHowToGetThem(@TempDir Path tmp) throws Exception {
    Path dir = staleReadRun(tmp.resolve("run"));
    Files.createDirectories(dir.resolve("n1"));
    Files.writeString(dir.resolve("n1/node-1.log"), "2026-12-07 INFO NodeServer - node 1 of group 1 serving\n");
    RunReport.write(dir.resolve("history.edn"), dir);
    String index = Files.readString(dir.resolve("index.html"));
    assertTrue(index.contains("No trace lines in the node logs (1 node log(s)"), index);
    assertTrue(index.contains("trace = true in cluster.conf"));
    assertTrue(index.contains("rerun with chaos run --trace"), "the page names the switch that gets them");
  }

  @Test
  void extraKeysDoNotChangeTheVerdict(@TempDir Path tmp) throws Exception {
    Path dir = staleReadRun(tmp.resolve("run"));
    Map<Object, Object> with = Edn.map();
    with.putAll(RunFiles.ednMap(dir.resolve("results.edn")));
    String plain = Files.readString(dir.resolve("history.edn")).replaceAll(", :group \\d+, :term \\d+, :log-index \\d+", "");
    assertFalse(plain.contains(":log-index"));
    Path other = Files.createDirectories(tmp.resolve("plain"));
    Files.copy(dir.resolve("test.edn"), other.resolve("test.edn"));
    Files.writeString(other.resolve("history.edn"), plain);
    Map<Object, Object> without = Campaign.check(other.resolve("history.edn"), "register", Duration.ofSeconds(60), other);
    assertEquals(Edn.line(RunFiles.at(with, "valid?")), Edn.line(RunFiles.at(without, "valid?")));
    assertEquals("false", Edn.line(RunFiles.at(without, "valid?")));
  }
}
