package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.*;

import io.shardkv.server.sim.SimCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code shardkv sim raft}: output shape, exit codes, replay lines and trace files. */
class RaftSimCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new SimCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void passingRunPrintsASummaryAndEndsWithTheDigest() {
    Run r = run("raft", "--seed", "5", "--nodes", "3", "--time", "2", "--proposals", "10");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.lastLine().matches("digest=[0-9a-f]{64}"), r.lastLine());
    assertTrue(r.out().contains("simulated time:") && r.out().contains("faults injected:")
        && r.out().contains("elections:") && r.out().contains("speed-up"), r.out());
    assertEquals(r.lastLine(), run("raft", "--seed", "5", "--nodes", "3", "--time", "2", "--proposals", "10").lastLine());
  }

  @Test
  void failingRunExitsOneWithTheReplayCommandAndATraceFile() throws Exception {
    Run r = run("raft", "--seed", "3", "--time", "0.5", "--faults", "none", "--liveness-seconds", "0.001",
        "--trace-dir", dir.toString());
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("FAIL: seed 3, t="), r.out());
    assertTrue(r.out().contains("liveness violated"), r.out());
    assertTrue(r.out().contains("replay: bin/shardkv sim raft --seed 3 "), r.out());
    Path trace = dir.resolve("sim-raft-seed-3.trace");
    assertTrue(Files.exists(trace), r.out());
    assertTrue(Files.readString(trace).contains("g1-n"), "trace has no node lines");
    assertTrue(r.lastLine().startsWith("digest="));
  }

  @Test
  void seedRangeListsEachFailingSeedAndExitsOne() {
    Run ok = run("raft", "--seeds", "1..3", "--nodes", "3", "--time", "1", "--proposals", "5", "--threads", "2");
    assertEquals(0, ok.exit(), ok.out());
    assertTrue(ok.out().contains("3 passed, 0 failed"), ok.out());
    assertTrue(ok.lastLine().startsWith("digest="));
    Run bad = run("raft", "--seeds", "7..8", "--time", "0", "--faults", "none", "--liveness-seconds", "0.001",
        "--trace-dir", dir.toString(), "--threads", "1");
    assertEquals(1, bad.exit());
    assertTrue(bad.out().contains("FAIL seed=7") && bad.out().contains("FAIL seed=8"), bad.out());
    assertTrue(bad.out().contains("replay: bin/shardkv sim raft --seed 8 "), bad.out());
  }

  @Test
  void badUsageExitsThreeWithAClearMessage() {
    Run faults = run("raft", "--faults", "drop,flood");
    assertEquals(3, faults.exit());
    assertTrue(faults.err().contains("unknown fault 'flood'"), faults.err());
    Run seeds = run("raft", "--seeds", "5-9");
    assertEquals(3, seeds.exit());
    assertTrue(seeds.err().contains("A..B"), seeds.err());
    assertEquals(3, run("raft", "--nodes", "0").exit());
    assertEquals(3, run("raft", "--bogus").exit());
    assertEquals(3, run().exit());
  }
}
