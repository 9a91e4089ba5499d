package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.routing.Served;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.shardkv.ShardKvCodec;
import io.shardkv.server.shardkv.ShardKvCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over TCP (docs/protocol.md §5.6): a client that asks learns the (group, term, index) of
 * the entry that served each operation, and it is the entry in the serving replica's log; a client
 * that does not ask (every client before §5.6) gets the replies it always got.
 */
class ServedRealServerTest {
  @TempDir
  Path dir;

  @Test
  void aClientThatAsksLearnsTheEntryInTheServingReplicasLogAndOneThatDoesNotGetsNone() throws Exception {
    LoopbackClusterConf conf = LoopbackClusterConf.write(dir, 1, "group 0 = 1", "group 1 = 1");
    try (NodeServer server = NodeServer.start(conf.config(), 1)) {
      String addr = conf.address(1);
      LoopbackClusterConf.awaitEveryReplicaLeads(server, Duration.ofSeconds(20));
      ClientOptions opts = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(20));
      try (ShardKvClient plain = ShardKvClient.connect(List.of(addr), opts);
           ShardKvClient asking = ShardKvClient.connect(List.of(addr), opts).reportServed(true)) {
        plain.join(Map.of(1, List.of(addr)));
        plain.put("a", "1");
        assertEquals(Optional.empty(), plain.lastServed(), "not asked: the reply is the §5.4 reply");

        asking.put("a", "2");
        Served w = asking.lastServed().orElseThrow();
        var raft = server.replicas().get(1).host().raft();
        assertEquals(1, w.group());
        assertEquals(raft.termAt(w.index()), w.term());
        var entry = (ShardKvCommand.ClientOp) ShardKvCodec.decode(raft.entry(w.index()).data());
        assertEquals(new KvOp.Put("a", "2"), entry.command().op(),
            "the reported index holds this very write");

        assertEquals(Optional.of("2"), asking.get("a"));
        Served r = asking.lastServed().orElseThrow();
        assertEquals(1, r.group());
        assertTrue(r.index() >= w.index(), "the read index covers the write it observed: " + r + " vs " + w);
        assertEquals(raft.term(), r.term());
      }
    }
  }
}
