package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The per-build share of the long sweep ({@code scripts/sweep}, issue 10): 1,000 seeds of
 * {@code sim raft}, 1,000 of {@code sim shardkv} and 1,000 of {@code sim shardkv --membership}
 * (issue 16), every fault kind on, through the same commands users run, with scenarios shortened so
 * the three take a few minutes (2 simulated seconds of faults for Raft, 1 second of a 2-group
 * workload for ShardKV, 2 seconds with membership changes). Every seed must pass; a failure prints its
 * replay command. {@code -Dshardkv.ci.raftSeeds=A..B} / {@code -Dshardkv.ci.shardkvSeeds=A..B} /
 * {@code -Dshardkv.ci.membershipSeeds=A..B} run other ranges.
 */
class CiSeedSweepTest {
  @TempDir Path out;

  @Test
  void aThousandRaftSeedsUnderEveryFaultPass() {
    String range = System.getProperty("shardkv.ci.raftSeeds", "1..1000");
    String o = sweep("raft", "--seeds", range, "--time", "2", "--proposals", "20", "--faults", "all",
        "--trace-dir", out.toString());
    long n = SeedSweep.Range.parse(range).count();
    assertTrue(o.contains("(" + n + ") on ") && o.contains(": " + n + " passed, 0 failed"), o);
  }

  @Test
  void aThousandShardKvSeedsUnderEveryFaultWithReconfigurationsPass() {
    String range = System.getProperty("shardkv.ci.shardkvSeeds", "1..1000");
    String o = sweep("shardkv", "--seeds", range, "--time", "1", "--clients", "3", "--groups", "2",
        "--faults", "all", "--out", out.toString());
    long n = SeedSweep.Range.parse(range).count();
    assertTrue(o.contains("(" + n + ") on ") && o.contains(": " + n + " passed, 0 failed"), o);
  }

  @Test
  void aThousandShardKvSeedsWithMembershipChangesUnderEveryFaultPassAndChangesComplete() {
    String range = System.getProperty("shardkv.ci.membershipSeeds", "1..1000");
    String o = sweep("shardkv", "--seeds", range, "--time", "2", "--clients", "3", "--groups", "2",
        "--faults", "all", "--membership", "--out", out.toString());
    long n = SeedSweep.Range.parse(range).count();
    assertTrue(o.contains("(" + n + ") on ") && o.contains(": " + n + " passed, 0 failed"), o);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(" completed=(\\d+) ").matcher(o);
    assertTrue(m.find() && Long.parseLong(m.group(1)) >= n / 2, "membership changes committed: " + o);
  }

  private static String sweep(String... args) {
    StringWriter w = new StringWriter();
    CommandLine cl = new CommandLine(new SimCommand());
    cl.setOut(new PrintWriter(w));
    cl.setErr(new PrintWriter(w));
    long t0 = System.nanoTime();
    int exit = cl.execute(args);
    String o = w.toString();
    System.out.printf(java.util.Locale.ROOT, "sim %s sweep in the build: %.1f s wall (under load)%n%s", args[0],
        (System.nanoTime() - t0) / 1e9, o);
    assertEquals(0, exit, o);
    return o;
  }
}
