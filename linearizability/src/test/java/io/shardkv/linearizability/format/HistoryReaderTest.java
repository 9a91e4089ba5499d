package io.shardkv.linearizability.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.BadHistoryException;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Status;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryReaderTest {

  @Test
  void readsJepsenEdnOneMapPerLineAndSkipsTheNemesis() {
    ParsedHistory p = HistoryReader.parse("""
        {:type :invoke, :f :write, :value 3, :process 0, :time 1, :index 0}
        {:type :info, :f :start, :value nil, :process :nemesis, :time 2, :index 1}
        {:type :ok, :f :write, :value 3, :process 0, :time 3, :index 2}
        """, Format.AUTO, false);
    assertEquals(Format.JEPSEN_EDN, p.format());
    assertEquals(1, p.history().size());
    Operation op = p.history().ops().get(0);
    assertEquals("write", op.f());
    assertEquals(3L, op.input());
    assertEquals(Status.OK, op.status());
    assertEquals("register", p.defaultModel());
  }

  @Test
  void readsAJepsenEdnVectorAndIndependentTuples() {
    ParsedHistory p = HistoryReader.parse("""
        [{:type :invoke, :f :cas, :value [k1 [1 2]], :process 0}
         {:type :fail, :f :cas, :value [k1 [1 2]], :process 0}
         {:type :invoke, :f :read, :value [k2 nil], :process 1}]
        """, Format.AUTO, true);
    List<Operation> ops = p.history().ops();
    assertEquals(2, ops.size());
    assertEquals("k1", ops.get(0).key());
    assertEquals(List.of(1L, 2L), ops.get(0).input());
    assertEquals(Status.FAIL, ops.get(0).status());
    assertEquals(Status.INFO, ops.get(1).status(), "an invoke never completed is indeterminate");
    assertEquals("cas-register", p.defaultModel());
  }

  @Test
  void readsPorcupineEtcdLinesWithTabsOrSpaces() {
    ParsedHistory p = HistoryReader.parse("INFO  jepsen.util - 0\t:invoke\t:cas\t[1 4]\n"
        + "INFO  jepsen.util - 1   :invoke :read   nil\n"
        + "INFO  jepsen.util - 0\t:fail\t:cas\t[1 4]\n"
        + "INFO  jepsen.util - 1   :info :read   :timed-out\n", Format.AUTO, false);
    assertEquals(Format.PORCUPINE_ETCD, p.format());
    assertEquals(Status.FAIL, p.history().ops().get(0).status());
    assertEquals(Status.INFO, p.history().ops().get(1).status());
    assertEquals("cas-register", p.defaultModel());
  }

  @Test
  void detectsPorcupineKvLines() {
    ParsedHistory p = HistoryReader.parse(
        "{:process 0, :type :invoke, :f :append, :key \"4\", :value \"x 0 1 y\"}\n"
            + "{:process 0, :type :ok, :f :append, :key \"4\", :value \"x 0 1 y\"}\n", Format.AUTO, false);
    assertEquals(Format.PORCUPINE_KV, p.format());
    assertEquals("4", p.history().ops().get(0).key());
    assertEquals("kv", p.defaultModel());
  }

  @Test
  void unparseableLineIsReportedWithItsLineNumber() {
    BadHistoryException e = assertThrows(BadHistoryException.class, () -> HistoryReader.parse(
        "{:type :invoke, :f :read, :value nil, :process 0}\n{:type :ok, :f :read :value\n", Format.AUTO, false));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("invalid EDN"), e.getMessage());
  }

  @Test
  void completionWithoutInvokeIsReportedWithItsLineNumber() {
    BadHistoryException e = assertThrows(BadHistoryException.class, () -> HistoryReader.parse(
        "\n{:type :ok, :f :read, :value 1, :process 4}\n", Format.AUTO, false));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("no open invoke"), e.getMessage());
  }

  @Test
  void unknownTypeAndGarbageAreRejected() {
    assertThrows(BadHistoryException.class, () -> HistoryReader.parse(
        "{:type :done, :f :read, :value 1, :process 4}", Format.AUTO, false));
    BadHistoryException e = assertThrows(BadHistoryException.class,
        () -> HistoryReader.parse("hello world", Format.AUTO, false));
    assertEquals(1, e.line());
    assertThrows(BadHistoryException.class,
        () -> HistoryReader.parse("INFO  jepsen.util - x", Format.PORCUPINE_ETCD, false));
  }

  @Test
  void writerOutputReadsBackToTheSameHistory() throws Exception {
    History.Builder b = new History.Builder();
    b.invoke(0, null, "write", 1L, 0);
    b.invoke(1, null, "read", null, 0);
    b.complete(0, Status.OK, "write", 1L, 0);
    b.invoke(2, null, "cas", List.of(1L, 2L), 0);
    b.complete(1, Status.OK, "read", "a \"quoted\" value", 0);
    b.complete(2, Status.INFO, "cas", null, 0);
    History h = b.build();
    StringWriter w = new StringWriter();
    JepsenEdnWriter.write(h, w, false);
    History back = HistoryReader.parse(w.toString(), Format.AUTO, false).history();
    assertEquals(h.ops(), back.ops().stream()
        .map(o -> new Operation(o.id(), o.process(), o.key(), o.f(), o.input(), o.output(), o.status(),
            o.call(), o.ret(), 0)).toList());
  }

  @Test
  void writerWritesKeysAsIndependentTuples() throws Exception {
    History.Builder b = new History.Builder();
    b.invoke(3, "k", "put", "v", 0);
    b.complete(3, Status.OK, "put", "v", 0);
    StringWriter w = new StringWriter();
    JepsenEdnWriter.write(b.build(), w, true);
    assertTrue(w.toString().contains(":value [\"k\" \"v\"]"), w.toString());
    ParsedHistory back = HistoryReader.parse(w.toString(), Format.AUTO, true);
    assertEquals("k", back.history().ops().get(0).key());
    assertEquals("kv", back.defaultModel());
  }
}
