package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.replica.PlantedBug;
import io.shardkv.server.sim.raft.RaftSimOptions;
import io.shardkv.server.sim.raft.RaftSimulation;
import io.shardkv.server.sim.shardkv.ShardKvSimOptions;
import io.shardkv.server.sim.shardkv.ShardKvSimulation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The simulators find the planted bugs with the production switches ({@code sim shardkv --unsafe},
 * {@code sim raft --unsafe}): a sweep of a few seeds hits a failing one, while the correct servers
 * pass the very seeds that exposed the bug.
 */
class PlantedBugSweepTest {
  private static final int SEEDS = 12;

  private static long firstFailingShardKvSeed(Set<PlantedBug> bugs) {
    long[] first = {-1};
    SeedSweep.forEachUntil(new SeedSweep.Range(1, SEEDS), 1,
        s -> new ShardKvSimulation(ShardKvSimOptions.defaults(s).withUnsafe(bugs)).run(), r -> {
          if (!r.passed()) first[0] = r.seed();
          return r.passed();
        });
    return first[0];
  }

  private static void caughtByShardKvAndTheSameSeedPassesWithoutIt(PlantedBug bug) {
    long seed = firstFailingShardKvSeed(EnumSet.of(bug));
    assertTrue(seed > 0, bug.shortName() + " not caught in seeds 1.." + SEEDS);
    ShardKvSimulation.Result r = new ShardKvSimulation(ShardKvSimOptions.defaults(seed).withUnsafe(EnumSet.of(bug))).run();
    assertTrue(r.failure().getMessage().contains("linearizability violated"), r.failure().getMessage());
    assertTrue(new ShardKvSimulation(ShardKvSimOptions.defaults(seed)).run().passed(),
        "seed " + seed + " passes with the correct servers: the switch is what fails it");
  }

  @Test
  void staleReadsAreCaughtBySimShardKv() {
    caughtByShardKvAndTheSameSeedPassesWithoutIt(PlantedBug.STALE_READS);
  }

  @Test
  void commitOnMinorityIsCaughtBySimShardKv() {
    caughtByShardKvAndTheSameSeedPassesWithoutIt(PlantedBug.COMMIT_ON_MINORITY);
  }

  @Test
  void noDedupIsCaughtBySimShardKv() {
    caughtByShardKvAndTheSameSeedPassesWithoutIt(PlantedBug.NO_DEDUP);
  }

  @Test
  void leaseReadsAreCaughtBySimShardKvWhenAResumedLeaderServesAReadBeforeTheNewLeadersHeartbeat() {
    // Found once a resumed node drained its backlog per source in a seeded interleaving (SimCluster):
    // the paused leader counted no ticks, so on resume its "lease" still held, and it answered a
    // client's read queued on one connection before the newer leader's heartbeat queued on another.
    ShardKvSimOptions base = ShardKvSimOptions.defaults(11);
    ShardKvSimOptions partitionsAndPauses =
        base.withFaults(base.faultMs(), EnumSet.of(FaultKind.PARTITION, FaultKind.PAUSE), base.reconfigure());
    ShardKvSimulation.Result r =
        new ShardKvSimulation(partitionsAndPauses.withUnsafe(EnumSet.of(PlantedBug.LEASE_READS))).run();
    assertTrue(!r.passed() && r.failure().getMessage().contains("linearizability violated"),
        "seed 11 with partition,pause must catch lease-reads: " + (r.passed() ? "passed" : r.failure().getMessage()));
    assertTrue(new ShardKvSimulation(partitionsAndPauses).run().passed(),
        "seed 11 passes with the correct servers: the switch is what fails it");
  }

  @Test
  void commitOnMinorityAndAckBeforeFsyncAreCaughtBySimRaftWhoseSweepStopsAtTheFirstFailingSeed(@TempDir Path tmp) {
    for (String bug : new String[] {"commit-on-minority", "ack-before-fsync"}) {
      StringWriter out = new StringWriter();
      CommandLine cl = new CommandLine(new io.shardkv.server.sim.raft.RaftSimCommand());
      cl.setOut(new PrintWriter(out));
      int exit = cl.execute("--unsafe", bug, "--seeds", "1..40", "--threads", "1", "--trace-dir", tmp.toString());
      String text = out.toString();
      assertTrue(exit == 1, text);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("unsafe " + bug + ": caught at seed (\\d+) \\(seed (\\d+) of the sweep\\)")
          .matcher(text);
      assertTrue(m.find(), text);
      long seed = Long.parseLong(m.group(1));
      long nth = Long.parseLong(m.group(2));
      assertTrue(text.contains(": " + (nth - 1) + " passed, 1 failed"), "the sweep stopped at the first failure: " + text);
      assertTrue(new RaftSimulation(new RaftSimulation.Scenario(RaftSimOptions.defaults(seed, 5).withSnapshotEvery(50), 10_000,
          EnumSet.allOf(FaultKind.class), 100, 10_000)).run().passed(), "seed " + seed + " passes without " + bug);
    }
  }

  @Test
  void simRaftRefusesBugsThatLiveAboveRaftAndNamesWhereToRunThem() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new io.shardkv.server.sim.raft.RaftSimCommand());
    cl.setErr(new PrintWriter(out));
    cl.setOut(new PrintWriter(out));
    int exit = cl.execute("--unsafe", "stale-reads");
    assertTrue(exit == 3, out.toString());
    assertTrue(out.toString().contains("sim shardkv --unsafe stale-reads"), out.toString());
  }
}
