package io.shardkv.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.process.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 1: the documented recovery when a shard group is gone for good, on real processes.
 * Group 2's only node is killed and never restarted; its shards are force-moved to group 1
 * (`ctl move --force`), then group 2 leaves. Every key is writable again; the keys of the lost
 * shards read as absent (their data is lost, as the command says), the others keep their values.
 */
class ForceMoveRealClusterTest {
  @TempDir Path dir;

  @Test
  void forceMovingAGoneGroupsShardsMakesEveryKeyServedAgain() throws Exception {
    LocalCluster cluster = LocalCluster.open(dir.resolve("cluster"), 2, 1, 1,
        System.getProperty("java.class.path"), null);
    ClientOptions options = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(20));
    try {
      cluster.startAll();
      cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
      int live = cluster.config().shardGroups().get(0);
      int gone = cluster.config().shardGroups().get(1);
      try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), options)) {
        for (int i = 0; i < 60; i++) c.put("fm-" + i, "v" + i);
        ShardConfig before = c.cachedConfig();
        Configuration cfg = c.query(-1);
        List<Integer> lost = new java.util.ArrayList<>();
        for (int s = 0; s < cfg.shardToGroup().length; s++) {
          if (cfg.shardToGroup()[s] == gone) lost.add(s);
        }
        assertTrue(!lost.isEmpty(), "group " + gone + " owns no shard: " + cfg);
        for (ClusterConfig.Node n : cluster.config().nodes().values()) {
          if (n.group() == gone) cluster.kill(n.id());
        }
        for (int s : lost) c.forceMove(s, live);
        c.leave(List.of(gone));
        Configuration after = c.query(-1);
        assertEquals(List.of(live), List.copyOf(after.groups().keySet()));
        for (int i = 0; i < 60; i++) {
          String key = "fm-" + i;
          boolean wasLost = lost.contains(before.shardOfKey(key));
          Optional<String> v = c.get(key);
          assertEquals(wasLost ? Optional.empty() : Optional.of("v" + i), v,
              key + (wasLost ? " was in a force-moved shard: its data is lost" : " was in a live group's shard"));
          c.put(key, "w" + i);
          assertEquals(Optional.of("w" + i), c.get(key));
        }
        Map<Integer, Integer> leaders = cluster.leaders(c);
        assertTrue(leaders.containsKey(live), "the live group has a leader: " + leaders);
      }
    } finally {
      cluster.killAll();
    }
  }
}
