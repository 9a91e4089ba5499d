package io.shardkv.linearizability.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.History;
import io.shardkv.linearizability.format.JepsenEdnWriter;
import io.shardkv.linearizability.gen.HistoryGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new CheckCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  private Path file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static final String GOOD = """
      {:type :invoke, :f :write, :value 1, :process 0}
      {:type :ok, :f :write, :value 1, :process 0}
      {:type :invoke, :f :read, :value nil, :process 1}
      {:type :ok, :f :read, :value 1, :process 1}
      """;
  private static final String STALE = """
      {:type :invoke, :f :write, :value 1, :process 0}
      {:type :ok, :f :write, :value 1, :process 0}
      {:type :invoke, :f :write, :value 2, :process 0}
      {:type :ok, :f :write, :value 2, :process 0}
      {:type :invoke, :f :read, :value nil, :process 1}
      {:type :ok, :f :read, :value 1, :process 1}
      """;

  @Test
  void linearizableFileExitsZero() throws IOException {
    assertEquals(0, run(file("good.edn", GOOD).toString()));
    assertTrue(out.toString().contains("linearizable"), out.toString());
  }

  @Test
  void notLinearizableFileExitsOneAndNamesTheFailingOp() throws IOException {
    assertEquals(1, run(file("good.edn", GOOD).toString(), file("stale.edn", STALE).toString()));
    assertTrue(out.toString().contains("stale.edn: not-linearizable"), out.toString());
    assertTrue(out.toString().contains("read 1 by process 1 (line 5)"), out.toString());
  }

  @Test
  void unknownWithoutIllegalExitsTwo() throws IOException {
    History h = HistoryGenerator.generate(new HistoryGenerator.Spec(
        HistoryGenerator.Kind.REGISTER, 3000, 30, 0.03, 1, true), 7);
    Path p = dir.resolve("hard.edn");
    try (Writer w = Files.newBufferedWriter(p)) {
      JepsenEdnWriter.write(h, w, false);
    }
    assertEquals(2, run("--timeout", "0.000001", file("good.edn", GOOD).toString(), p.toString()));
    assertTrue(out.toString().contains("unknown"), out.toString());
  }

  @Test
  void jsonPrintsOneObjectPerFileWithTheContractFields() throws IOException {
    assertEquals(1, run("--json", file("good.edn", GOOD).toString(), file("stale.edn", STALE).toString()));
    String[] lines = out.toString().strip().split("\n");
    assertEquals(2, lines.length);
    for (String field : new String[] {"\"file\":", "\"verdict\":", "\"ops\":", "\"partitions\":", "\"millis\":"}) {
      assertTrue(lines[0].contains(field) && lines[1].contains(field), field);
    }
    assertTrue(lines[0].contains("\"verdict\":\"linearizable\""));
    assertTrue(lines[1].contains("\"verdict\":\"not-linearizable\""));
    assertTrue(lines[1].contains("\"failingOp\""));
  }

  @Test
  void verboseReportsEveryPartition() throws IOException {
    String text = """
        {:type :invoke, :f :put, :key "a", :value "1", :process 0}
        {:type :ok, :f :put, :key "a", :value "1", :process 0}
        {:type :invoke, :f :get, :key "b", :value nil, :process 1}
        {:type :ok, :f :get, :key "b", :value "zzz", :process 1}
        {:type :invoke, :f :get, :key "c", :value nil, :process 1}
        {:type :ok, :f :get, :key "c", :value "yyy", :process 1}
        """;
    assertEquals(1, run("--verbose", file("kv.edn", text).toString()));
    String o = out.toString();
    assertTrue(o.contains("partition a: linearizable"), o);
    assertTrue(o.contains("partition b: not-linearizable"), o);
    assertTrue(o.contains("partition c: not-linearizable"), o);
  }

  @Test
  void unparseableLineExitsThreeWithFileAndLineAndNoStackTrace() throws IOException {
    Path p = file("broken.edn", GOOD + "{:type :ok :f\n{:type :ok}\n");
    assertEquals(3, run(p.toString()));
    assertTrue(err.toString().startsWith(p + ":5: invalid EDN"), err.toString());
    assertFalse(err.toString().contains("Exception"), err.toString());
    assertEquals(1, err.toString().strip().split("\n").length);
  }

  @Test
  void unknownOpExitsThreeNamingTheLine() throws IOException {
    Path p = file("frob.edn", "{:type :invoke, :f :frob, :value 1, :process 0}\n"
        + "{:type :ok, :f :frob, :value 1, :process 0}\n");
    assertEquals(3, run("--model", "register", p.toString()));
    assertTrue(err.toString().contains(p + ":1: unknown op :frob"), err.toString());
  }

  @Test
  void completionWithoutInvokeExitsThree() throws IOException {
    Path p = file("orphan.edn", "{:type :ok, :f :read, :value 1, :process 0}\n");
    assertEquals(3, run(p.toString()));
    assertTrue(err.toString().contains(p + ":1: process 0 completes :read but has no open invoke"),
        err.toString());
  }

  @Test
  void badInputWinsOverNotLinearizable() throws IOException {
    assertEquals(3, run(file("stale.edn", STALE).toString(), dir.resolve("missing.edn").toString()));
    assertTrue(err.toString().contains("missing.edn: no such file"), err.toString());
  }

  @Test
  void unknownModelAndUsageErrorsExitThree() throws IOException {
    assertEquals(3, run("--model", "queue", file("good.edn", GOOD).toString()));
    assertTrue(err.toString().contains("unknown model 'queue'"), err.toString());
    assertEquals(3, run());
    assertEquals(3, run("--no-such-option", "x"));
    assertEquals(3, run("--format", "csv", "x"));
  }

  @Test
  void independentKeysAreCheckedAsSeparateRegisters() throws IOException {
    String text = """
        {:type :invoke, :f :write, :value [a 1], :process 0}
        {:type :ok, :f :write, :value [a 1], :process 0}
        {:type :invoke, :f :write, :value [b 2], :process 0}
        {:type :ok, :f :write, :value [b 2], :process 0}
        {:type :invoke, :f :read, :value [a nil], :process 1}
        {:type :ok, :f :read, :value [a 1], :process 1}
        {:type :invoke, :f :read, :value [b nil], :process 1}
        {:type :ok, :f :read, :value [b 1], :process 1}
        """;
    Path p = file("indep.edn", text);
    assertEquals(1, run("--independent", "--model", "register", "--format", "jepsen-edn", "--json", p.toString()));
    assertTrue(out.toString().contains("\"partitions\":2"), out.toString());
    assertTrue(out.toString().contains("\"key\":\"b\",\"verdict\":\"not-linearizable\""), out.toString());
  }

  @Test
  void htmlReportIsWrittenSelfContained() throws IOException {
    Path html = dir.resolve("report.html");
    assertEquals(1, run("--html", html.toString(), file("stale.edn", STALE).toString()));
    String page = Files.readString(html);
    assertTrue(page.contains("<canvas"));
    assertFalse(page.contains("http://") || page.contains("https://") || page.contains("src="));
  }
}
