package io.shardkv.server.process;

import static io.shardkv.server.process.LoopbackClusterConf.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.routing.ShardConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server hosting a config-center replica answers its shard groups' configuration polls from that
 * replica (issue 13: the polls cost a client round trip and a ReadIndex round on the center each,
 * every 50 ms per group leader): a configuration the replica has applied is the center's (they never
 * change once made), and the center itself is asked only as a backstop.
 */
class LocalConfigCenterAnswersTest {
  @TempDir
  Path dir;

  @Test
  void aServerHostingTheCenterAnswersItsGroupsFromItsOwnReplica() throws Exception {
    LoopbackClusterConf conf = LoopbackClusterConf.write(dir, 1, "group 0 = 1", "group 1 = 1");
    try (NodeServer server = NodeServer.start(conf.config(), 1)) {
      String addr = conf.address(1);
      LoopbackClusterConf.awaitEveryReplicaLeads(server, Duration.ofSeconds(20));
      assertEquals(Boolean.TRUE, server.onLoop(server::localCenterFollowsLeader));
      assertEquals(0, server.onLoop(() -> server.configFromLocalCenter(0)).num());
      assertNull(server.onLoop(() -> server.configFromLocalCenter(1)), "configuration 1 is not made yet");
      assertNull(server.onLoop(() -> server.configFromLocalCenter(-1)), "'the latest' is the center's to say");

      try (ShardKvClient client = ShardKvClient.connect(List.of(addr), ClientOptions.defaults()
          .withCallTimeout(Duration.ofSeconds(20)))) {
        client.join(Map.of(1, List.of(addr)));
      }
      ShardConfig one = server.onLoop(() -> server.configFromLocalCenter(1));
      assertEquals(1, one.num());
      assertEquals(List.of(1), List.copyOf(one.groups().keySet()));
      awaitTrue("group 1 moves to configuration 1", () -> {
        Integer num = server.onLoop(() -> server.replicas().get(1).appliedShardConfig().num());
        return num != null && num == 1;
      });

      // Idle: the group leader's planner asks for configuration 2 every 50 ms; the local replica
      // answers, the center is asked at most once a second (before: a QUERY every ~100 ms).
      long before = server.metrics.requests.get();
      Thread.sleep(2_000);
      long queries = server.metrics.requests.get() - before;
      assertTrue(queries <= 4, queries + " requests reached the server in 2 s of polling");
    }
  }
}
