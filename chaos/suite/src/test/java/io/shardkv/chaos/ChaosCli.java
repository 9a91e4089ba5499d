package io.shardkv.chaos;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code shardkv chaos ...} in this JVM, capturing stdout and stderr (also echoed). */
public final class ChaosCli {
  public record Run(int exit, String out, String err) {
    public List<String> lines() {
      return out.lines().toList();
    }

    public String lastLine() {
      List<String> l = lines();
      return l.isEmpty() ? "" : l.get(l.size() - 1);
    }
  }

  private ChaosCli() {}

  public static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(tee(out, oldOut), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(err, oldErr), true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = new CommandLine(new ChaosCommand());
      cl.setOut(new java.io.PrintWriter(System.out, true));
      cl.setErr(new java.io.PrintWriter(System.err, true));
      int exit = cl.execute(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static OutputStream tee(ByteArrayOutputStream a, OutputStream b) {
    return new OutputStream() {
      @Override
      public void write(int c) {
        a.write(c);
        try {
          b.write(c);
        } catch (java.io.IOException e) {
          // echo is best effort
        }
      }
    };
  }
}
