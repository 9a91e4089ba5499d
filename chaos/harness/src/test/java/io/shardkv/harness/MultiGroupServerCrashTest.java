package io.shardkv.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.client.Wiring;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: three server JVMs, each hosting a replica of the config center and of three shard
 * groups (four replicas per process, one storage directory per group). Writes go to every group
 * while one server is killed -9 and restarted, then every server is killed -9 at once and restarted:
 * every acknowledged write of every group reads back (persist before you speak, per replica, through
 * the process's one flusher).
 */
class MultiGroupServerCrashTest {
  @TempDir
  Path dir;

  @Test
  void killMinusNineOfServersHostingFourReplicasLosesNoAcknowledgedWriteOfAnyGroup() throws Exception {
    LocalCluster cluster = LocalCluster.openServers(dir.resolve("c"), 3, 3, 3, System.getProperty("java.class.path"), null);
    try {
      assertEquals(3, cluster.config().servers().size(), "three JVMs, not twelve");
      assertEquals(java.util.List.of(0, 1, 2, 3), cluster.config().groupsOf(1));
      cluster.startAll();
      cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
      for (int g = 0; g <= 3; g++) {
        assertTrue(Files.isDirectory(cluster.config().replicaDir(g, 2)), "server 2 keeps group " + g + " in its own dir");
      }
      Map<String, String> acked = new LinkedHashMap<>();
      ClientOptions opts = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(10));
      try (ShardKvClient client = ShardKvClient.connect(cluster.configCenterAddresses(), opts)) {
        for (int i = 0; i < 240; i++) {
          if (i == 80) cluster.kill(2); // a server hosting a replica of every group dies mid-load
          if (i == 160) cluster.startAll();
          String key = "key-" + i;
          String value = "value-" + i + "-" + System.nanoTime();
          try {
            client.put(key, value);
            acked.put(key, value);
          } catch (KvException e) {
            // not acknowledged (definite failure or indeterminate): not part of the promise
          }
        }
        ShardConfig config = Wiring.toShardConfig(client.query(-1));
        TreeSet<Integer> groups = new TreeSet<>();
        for (String k : acked.keySet()) groups.add(config.ownerOf(ShardHash.shardOf(k, config.shardCount())));
        assertEquals(java.util.Set.of(1, 2, 3), groups, "acknowledged writes reached every shard group");
        assertTrue(acked.size() >= 200, "most writes were acknowledged despite one server down: " + acked.size());
      }

      cluster.killAll();
      assertTrue(cluster.running().isEmpty());
      cluster.startAll();
      cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
      try (ShardKvClient client = ShardKvClient.connect(cluster.configCenterAddresses(), opts)) {
        for (Map.Entry<String, String> e : acked.entrySet()) {
          assertEquals(Optional.of(e.getValue()), client.get(e.getKey()), "acknowledged write of " + e.getKey());
        }
      }
      assertFalse(acked.isEmpty());
    } finally {
      cluster.killAll();
    }
  }
}
