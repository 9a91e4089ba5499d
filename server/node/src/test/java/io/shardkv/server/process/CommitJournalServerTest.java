package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.server.storage.CommitJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server hosting several groups (the server format) makes every group's writes durable through
 * its commit journal (issue 13): one fsync per flusher pass, however many groups' batches the pass
 * covers, and every acknowledged write of every group is there after a restart.
 */
class CommitJournalServerTest {
  @TempDir
  Path dir;

  @Test
  void concurrentWritesToThreeGroupsCostOneFsyncPerPassAndReadBackAfterARestart() throws Exception {
    LoopbackClusterConf conf = LoopbackClusterConf.write(dir, 1, "group 0 = 1", "group 1 = 1", "group 2 = 1", "group 3 = 1");
    ClusterConfig config = conf.config();
    String addr = conf.address(1);
    Map<String, String> acked = new ConcurrentHashMap<>();
    try (NodeServer server = NodeServer.start(config, 1)) {
      assertTrue(Files.exists(config.server(1).dir().resolve(CommitJournal.FILE_NAME)), "the server's one journal");
      LoopbackClusterConf.awaitEveryReplicaLeads(server, Duration.ofSeconds(60));
      ClientOptions opts = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(20));
      try (ShardKvClient admin = ShardKvClient.connect(List.of(addr), opts)) {
        admin.join(Map.of(1, List.of(addr), 2, List.of(addr), 3, List.of(addr)));
      }
      GroupFlusher f = server.flusher();
      long fsyncs0 = f.fsyncs.get();
      long passes0 = f.passes.get();
      long batches0 = f.batches.get();
      ExecutorService writers = Executors.newFixedThreadPool(12);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 12; t++) {
        int w = t;
        done.add(writers.submit(() -> {
          try (ShardKvClient c = ShardKvClient.connect(List.of(addr), opts)) {
            for (int i = 0; i < 40; i++) {
              String key = "w" + w + "-" + i;
              c.put(key, "v" + i);
              acked.put(key, "v" + i);
            }
          }
          return null;
        }));
      }
      for (Future<?> d : done) d.get(120, TimeUnit.SECONDS);
      writers.shutdown();
      long passes = f.passes.get() - passes0;
      long batches = f.batches.get() - batches0;
      assertEquals(passes, f.fsyncs.get() - fsyncs0, "one fsync (the journal's) per pass");
      assertTrue(batches > passes, "some passes covered several groups' batches with that one fsync: "
          + batches + " batches in " + passes + " passes");
    }
    assertEquals(480, acked.size());
    try (NodeServer again = NodeServer.start(config, 1);
         ShardKvClient c = ShardKvClient.connect(List.of(addr), ClientOptions.defaults()
             .withCallTimeout(Duration.ofSeconds(20)))) {
      LoopbackClusterConf.awaitEveryReplicaLeads(again, Duration.ofSeconds(60));
      for (Map.Entry<String, String> e : acked.entrySet()) {
        assertEquals(Optional.of(e.getValue()), c.get(e.getKey()), e.getKey());
      }
    }
  }
}
