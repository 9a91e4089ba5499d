package io.shardkv.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real processes: a config center and two shard groups of three node JVMs each on
 * 127.0.0.1, concurrent clients through the client library while a group leader is kill -9'ed and
 * restarted and a group leaves and joins again; the history (with :info for indefinite outcomes)
 * must be linearizable under the kv model. Then every node is killed at once, the cluster is
 * restarted from its data, and every acknowledged write must read back.
 */
class RealClusterE2eTest {
  @TempDir Path dir;

  @Test
  void historyUnderKillAndReconfigurationIsLinearizableAndAckedWritesSurviveTotalCrash() throws Exception {
    run(LocalCluster.open(dir.resolve("cluster"), 2, 3, 1, System.getProperty("java.class.path"), null));
  }

  /**
   * The same on three server JVMs each hosting a replica of the config center and both shard groups
   * (issue 13): the nemesis's kill takes a replica of every group down at once.
   */
  @Test
  void theSameOnThreeServersHostingEveryGroup() throws Exception {
    run(LocalCluster.openServers(dir.resolve("servers"), 3, 2, 3, System.getProperty("java.class.path"), null));
  }

  private void run(LocalCluster cluster) throws Exception {
    try {
      cluster.startAll();
      cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
      ChaosRun run = new ChaosRun(cluster, System.out::println);
      ChaosRun.Outcome out = run.run(4, Duration.ofSeconds(Long.getLong("shardkv.e2e.seconds", 20)), 4, 42);
      System.out.printf("ops ok=%d fail=%d info=%d acked-unique=%d%n", out.ok(), out.fail(), out.info(), out.acked().size());
      assertTrue(out.ok() > 50, "the cluster served too few operations: " + out.ok());
      assertTrue(out.events().stream().anyMatch(e -> e.contains("restarted node")), out.events().toString());
      CheckResult result = ChaosRun.check(out.history(), Duration.ofSeconds(60));
      Path[] files = ChaosRun.write(cluster.dir().resolve("run"), out.history(), result);
      assertEquals(Verdict.LINEARIZABLE, result.verdict(), "history in " + files[0] + ", report " + files[1]);

      cluster.killAll();
      cluster.startAll();
      cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
      List<String> wrong = ChaosRun.readBack(cluster, out.acked());
      assertTrue(!out.acked().isEmpty(), "no unique write was acknowledged");
      assertEquals(List.of(), wrong, "acknowledged writes lost or changed after restarting every node");
    } finally {
      cluster.killAll();
    }
  }
}
