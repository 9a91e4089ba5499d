package io.shardkv.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/** What {@code scripts/bench-etcd ARGS} printed and its exit status, run in this JVM. */
record BenchRun(int exit, String out, String err) {
  /** Runs the command with System.out/err and picocli's writers captured (one run at a time). */
  static synchronized BenchRun of(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter pOut = new StringWriter();
    StringWriter pErr = new StringWriter();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      CommandLine cl = new CommandLine(new EtcdBench());
      cl.setOut(new PrintWriter(pOut, true));
      cl.setErr(new PrintWriter(pErr, true));
      exit = cl.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    BenchRun r = new BenchRun(exit, pOut + out.toString(StandardCharsets.UTF_8), pErr + err.toString(StandardCharsets.UTF_8));
    oldOut.println("$ bench-etcd " + String.join(" ", args) + " -> exit " + exit);
    return r;
  }

  /** The non-blank lines of stdout. */
  List<String> lines() {
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
  }
}
