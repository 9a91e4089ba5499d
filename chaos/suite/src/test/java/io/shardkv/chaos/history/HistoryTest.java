package io.shardkv.chaos.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.BadHistoryException;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Status;
import io.shardkv.linearizability.format.Format;
import io.shardkv.linearizability.format.HistoryReader;
import io.shardkv.linearizability.format.Keyword;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
  @TempDir Path dir;

  private static Op client(Op.Type t, long p, String f, Object v, long i) {
    return new Op(t, p, f, v, 1000 * i, i, Map.of("key", "r1"));
  }

  @Test
  void eachOpIsOneJepsenEdnLineWithExtraKeysBetweenValueAndProcess() {
    assertEquals("{:type :invoke, :f :cas, :value [1 3], :key \"r4\", :process 7, :time 123, :index 41}",
        HistoryWriter.line(new Op(Op.Type.INVOKE, 7, "cas", List.of(1L, 3L), 123, 41, Map.of("key", "r4"))));
    assertEquals("{:type :info, :f :start-partition, :value {\"n1\" [\"n2\"]}, :shape :one, :process :nemesis, :time 5, :index 6}",
        HistoryWriter.line(new Op(Op.Type.INFO, Op.NEMESIS, "start-partition", Map.of("n1", List.of("n2")), 5, 6,
            Map.of("shape", Edn.kw("one")))));
  }

  @Test
  void theWrittenHistoryReadsBackOpForOpAndEveryLineIsOnDiskAtOnce() throws Exception {
    Path file = dir.resolve("history.edn");
    List<Op> ops = List.of(
        client(Op.Type.INVOKE, 0, "write", 3L, 0),
        new Op(Op.Type.INFO, Op.NEMESIS, "kill", Edn.kw("one"), 1500, 1, Map.of()),
        client(Op.Type.OK, 0, "write", 3L, 2),
        new Op(Op.Type.INFO, Op.NEMESIS, "kill", Map.of("n2", Edn.kw("killed")), 2500, 3, Map.of("nodes", List.of("n2"))),
        client(Op.Type.INVOKE, 1, "read", null, 4),
        client(Op.Type.INFO, 1, "read", null, 5).with("error", "timed out \"quoted\"\nnewline"));
    try (HistoryWriter w = new HistoryWriter(file)) {
      for (int i = 0; i < ops.size(); i++) {
        w.append(ops.get(i));
        // journaled as it goes: a controller crash now would lose nothing written so far
        assertEquals(i + 1, Files.readAllLines(file, StandardCharsets.UTF_8).size());
      }
    }
    List<Op> back = HistoryFile.read(file);
    assertEquals(ops.size(), back.size());
    for (int i = 0; i < ops.size(); i++) {
      assertEquals(HistoryWriter.line(ops.get(i)), HistoryWriter.line(back.get(i)), "op " + i);
    }
    assertEquals(Op.NEMESIS, back.get(1).process());
    assertEquals(Map.of("n2", Keyword.of("killed")), back.get(3).value());
    assertEquals("timed out \"quoted\"\nnewline", back.get(5).error());
  }

  @Test
  void theLinearizabilityCheckersReaderSkipsTheNemesisAndKeysOpsByTheirKey() throws Exception {
    Path file = dir.resolve("history.edn");
    try (HistoryWriter w = new HistoryWriter(file)) {
      w.append(client(Op.Type.INVOKE, 0, "write", 3L, 0));
      w.append(new Op(Op.Type.INFO, Op.NEMESIS, "start-partition", Edn.kw("halves"), 1, 1, Map.of()));
      w.append(client(Op.Type.OK, 0, "write", 3L, 2));
      w.append(new Op(Op.Type.INFO, Op.NEMESIS, "start-partition", Map.of("n1", List.of("n2")), 3, 3, Map.of()));
      w.append(client(Op.Type.INVOKE, 1, "read", null, 4));
      w.append(client(Op.Type.OK, 1, "read", 3L, 5));
    }
    History h = HistoryReader.read(file, Format.JEPSEN_EDN, false).history();
    assertEquals(2, h.size());
    Operation read = h.ops().get(1);
    assertEquals("r1", read.key());
    assertEquals(3L, read.output());
    assertEquals(Status.OK, read.status());
  }

  @Test
  void aMalformedHistoryIsRejectedNamingTheLine() {
    BadHistoryException e = assertThrows(BadHistoryException.class,
        () -> HistoryFile.parse("{:type :invoke, :f :read, :process 0}\n{:type :bogus, :f :read, :process 0}\n"));
    assertEquals(2, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("bogus"), e.getMessage());
    e = assertThrows(BadHistoryException.class, () -> HistoryFile.parse("{:type :ok, :f :read}\n"));
    assertTrue(e.getMessage().contains(":process"), e.getMessage());
  }

  @Test
  void aJepsenVectorHistoryWithoutTimesReadsToo() {
    List<Op> ops = HistoryFile.parse("[{:type :invoke, :f :read, :value nil, :process 0}\n {:type :ok, :f :read, :value 1, :process 0}]");
    assertEquals(2, ops.size());
    assertEquals(1, ops.get(1).index());
  }

  @Test
  void resultsPrintAsPrettyEdnAndJson() {
    Map<Object, Object> r = Edn.map("valid?", Edn.kw("unknown"), "counts", Edn.map("ok", 3, "fail", 0),
        "keys", List.of("r1", "r2"), "ratio", 0.5, "none", null, "text", "say \"hi\"");
    String edn = Edn.pretty(r);
    assertTrue(edn.contains("\n"), edn);
    assertEquals(Edn.line(r), Edn.line(new io.shardkv.linearizability.format.EdnReader(edn, 1).read()), "pretty EDN reads back");
    String json = Json.write(r);
    assertTrue(json.contains("\"valid?\": \"unknown\"") && json.contains("\"counts\": {") && json.contains("\"ok\": 3")
        && json.contains("\"keys\": [\"r1\", \"r2\"]") && json.contains("\"none\": null") && json.contains("\"say \\\"hi\\\"\""), json);
  }

  @Test
  void completionsCarryTheServingEntryAsExtraKeysThatReadBackAndThatCheckersIgnore() throws Exception {
    Path file = dir.resolve("served.edn");
    Op ok = client(Op.Type.OK, 0, "write", 3L, 1).with("group", 1L).with("term", 4L).with("log-index", 123L);
    assertEquals("{:type :ok, :f :write, :value 3, :key \"r1\", :group 1, :term 4, :log-index 123, :process 0, "
        + ":time 1000, :index 1}", HistoryWriter.line(ok));
    try (HistoryWriter w = new HistoryWriter(file)) {
      w.append(client(Op.Type.INVOKE, 0, "write", 3L, 0));
      w.append(ok);
      w.append(client(Op.Type.INVOKE, 1, "read", null, 2));
      w.append(client(Op.Type.OK, 1, "read", 3L, 3)); // an old completion: no served keys
    }
    List<Op> back = HistoryFile.read(file);
    assertEquals(1L, back.get(1).extra().get("group"));
    assertEquals(4L, back.get(1).extra().get("term"));
    assertEquals(123L, back.get(1).extra().get("log-index"));
    assertEquals(1, back.get(1).index(), "Jepsen's own :index (the history position) is untouched");
    assertEquals(Map.of("key", "r1"), back.get(3).extra());
    History h = HistoryReader.read(file, Format.JEPSEN_EDN, false).history();
    assertEquals(2, h.size(), "the linearizability reader takes the ops as before");
    assertTrue(h.ops().stream().allMatch(o -> o.status() == Status.OK));
  }
}
