package io.shardkv.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.server.process.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: three server JVMs hosting three shard groups do not leave every group led by one of
 * them (the usual outcome of a start: the first server able to win wins every election) — the
 * servers hand leaderships over until each leads one (LeaderBalance), and do so again after a
 * server that led a group was killed and restarted.
 */
class LeaderBalanceRealClusterTest {
  @TempDir
  Path dir;

  @Test
  void threeServersEndUpLeadingOneShardGroupEachAlsoAfterOneIsKilledAndRestarted() throws Exception {
    LocalCluster cluster = LocalCluster.openServers(dir.resolve("c"), 3, 3, 3, System.getProperty("java.class.path"), null);
    try (ShardKvClient client = ShardKvClient.connect(cluster.configCenterAddresses(), ClientOptions.defaults())) {
      cluster.startAll();
      cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
      Map<Integer, Integer> spread = awaitOneShardGroupPerServer(cluster, client);

      int victim = spread.get(1);
      cluster.kill(victim);
      Map<Integer, Integer> without = awaitAllShardGroupsLed(cluster, client);
      assertTrue(!without.containsValue(victim), "the killed server leads nothing: " + without);
      cluster.start(victim);
      awaitOneShardGroupPerServer(cluster, client);
    } finally {
      cluster.killAll();
    }
  }

  /** Waits up to 60 s for shard groups 1..3 to be led by three different servers; returns group → leader. */
  private static Map<Integer, Integer> awaitOneShardGroupPerServer(LocalCluster cluster, ShardKvClient client)
      throws InterruptedException {
    Map<Integer, Integer> last = await(cluster, client, l -> l.size() == 3 && new HashSet<>(l.values()).size() == 3);
    assertEquals(Set.of(1, 2, 3), new HashSet<>(last.values()), "each server leads one shard group: " + last);
    return last;
  }

  private static Map<Integer, Integer> awaitAllShardGroupsLed(LocalCluster cluster, ShardKvClient client)
      throws InterruptedException {
    Map<Integer, Integer> last = await(cluster, client, l -> l.size() == 3);
    assertEquals(3, last.size(), "every shard group has a leader: " + last);
    return last;
  }

  /** Polls the shard groups' leaders until {@code done} holds or 60 s pass; returns the last seen. */
  private static Map<Integer, Integer> await(LocalCluster cluster, ShardKvClient client,
      java.util.function.Predicate<Map<Integer, Integer>> done) throws InterruptedException {
    Map<Integer, Integer> last = Map.of();
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      last = shardLeaders(cluster, client);
      if (done.test(last)) return last;
      Thread.sleep(200);
    }
    return last;
  }

  private static Map<Integer, Integer> shardLeaders(LocalCluster cluster, ShardKvClient client) {
    Map<Integer, Integer> leaders = new TreeMap<>(cluster.leaders(client));
    leaders.remove(ClusterConfig.CONFIG_CENTER_GROUP);
    return leaders;
  }
}
