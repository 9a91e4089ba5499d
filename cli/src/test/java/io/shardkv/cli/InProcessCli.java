package io.shardkv.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code shardkv ARGS} in this JVM, as the CLI tests' users would run it from a shell. */
final class InProcessCli {
  private InProcessCli() {}

  /** What one command printed and its exit status. */
  record Run(int exit, String out, String err) {
    /** The non-blank lines of stdout. */
    List<String> lines() {
      return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }

  static Run run(String... args) {
    return runWithStdin("", args);
  }

  /**
   * Runs {@code shardkv ARGS} with stdin {@code input}, capturing System.out/err and picocli's writers.
   * One command at a time in the JVM (the standard streams are global).
   */
  static synchronized Run runWithStdin(String input, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    InputStream oldIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter pOut = new StringWriter();
    StringWriter pErr = new StringWriter();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
      CommandLine cl = ShardKv.commandLine();
      cl.setOut(new PrintWriter(pOut, true));
      cl.setErr(new PrintWriter(pErr, true));
      exit = cl.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.setIn(oldIn);
    }
    Run r = new Run(exit, pOut + out.toString(StandardCharsets.UTF_8), pErr + err.toString(StandardCharsets.UTF_8));
    oldOut.println("$ shardkv " + String.join(" ", args) + " -> exit " + exit);
    return r;
  }
}
