package io.shardkv.server.process;

import static io.shardkv.server.process.LoopbackClusterConf.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.FrameEncoder;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardHash;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.shardkv.MigrationRpc;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server hosting replicas of several groups (docs/config.md, the server format) takes each peer
 * message to the replica of the group it names (PeerWire version 2). A message that does not decode,
 * names a group the server does not host, names no group (version 1) on a server hosting several, or
 * claims a sending group its sender does not host, is dropped and counted — and every hosted group
 * keeps serving.
 */
class MultiGroupPeerMessagesTest {
  @TempDir
  Path dir;

  @Test
  void badGroupIdsInPeerMessagesAreCountedAndDroppedWhileEveryGroupKeepsServing() throws Exception {
    // Server 2 is never started: it only hosts group 3.
    LoopbackClusterConf conf = LoopbackClusterConf.write(dir, 2, "group 0 = 1", "group 1 = 1", "group 2 = 1", "group 3 = 2");
    try (NodeServer server = NodeServer.start(conf.config(), 1)) {
      String addr = conf.address(1);
      LoopbackClusterConf.awaitEveryReplicaLeads(server, Duration.ofSeconds(20));
      Map<Integer, Long> termsBefore = terms(server);

      List<byte[]> bad = new ArrayList<>();
      bad.add(new byte[] {9, 9, 9}); // no version this server speaks
      bad.add(PeerWire.encodeRaft(7, new RaftMessage.Heartbeat(2, 1, 99, 0, 0))); // group 7: not hosted
      bad.add(PeerWire.encodeRaft(new RaftMessage.Heartbeat(2, 1, 99, 0, 0))); // version 1: which of 4 groups?
      bad.add(PeerWire.encodeMigration(1, 2, new MigrationRpc.PullRequest(1, 0))); // node 2 hosts no group 2
      byte[] crossGroupRaft = PeerWire.encodeRaft(1, new RaftMessage.Heartbeat(2, 1, 99, 0, 0));
      crossGroupRaft[8] = 2; // from-group 2, to-group 1: raft never crosses groups
      bad.add(crossGroupRaft);
      byte[] negative = PeerWire.encodeRaft(1, new RaftMessage.Heartbeat(2, 1, 99, 0, 0));
      negative[1] = (byte) 0xFF; // to-group < 0
      bad.add(negative);
      sendAsPeer(conf.port(1), 2, bad);

      awaitTrue("the three undecodable messages are counted", () -> server.metrics.peerDecodeErrors.get() == 3);
      awaitTrue("the three for groups this server does not host (or from groups the sender does not host) are counted",
          () -> server.metrics.peerUnknownGroup.get() == 3);
      assertEquals(termsBefore, terms(server), "no replica saw the term-99 heartbeats");
      String metrics = AdminServer.metrics(server);
      assertTrue(metrics.contains("shardkv_peer_unknown_group_total{node=\"1\"} 3"), metrics);
      assertTrue(metrics.contains("shardkv_peer_decode_errors_total{node=\"1\"} 3"), metrics);

      try (ShardKvClient client = ShardKvClient.connect(List.of(addr), ClientOptions.defaults()
          .withCallTimeout(Duration.ofSeconds(20)))) {
        client.join(Map.of(1, List.of(addr), 2, List.of(addr)));
        ShardConfig after = io.shardkv.driver.client.Wiring.toShardConfig(client.query(-1));
        // Keys of both shard groups: each is served by the replica its group's shard lives in.
        List<Integer> groupsWritten = new ArrayList<>();
        for (int i = 0; i < 64 && groupsWritten.size() < 2; i++) {
          String key = "k" + i;
          int g = after.ownerOf(ShardHash.shardOf(key, after.shardCount()));
          if (groupsWritten.contains(g)) continue;
          client.put(key, "v" + i);
          assertEquals(Optional.of("v" + i), client.get(key));
          groupsWritten.add(g);
        }
        assertEquals(List.of(1, 2), groupsWritten.stream().sorted().toList());
      }
      assertEquals(0, server.replicas().get(1).host().raft().term() - termsBefore.get(1), "group 1 kept its term");
    }
  }

  private static Map<Integer, Long> terms(NodeServer server) {
    Map<Integer, Long> t = new java.util.TreeMap<>();
    server.replicas().forEach((g, r) -> t.put(g, r.status().term()));
    return t;
  }

  /** Opens a peer link as node {@code from} and sends each payload as one PEER_MESSAGE. */
  private static void sendAsPeer(int port, int from, List<byte[]> payloads) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(FrameEncoder.toBytes(MessageCodec.encode(0, new Request.PeerHello(from))));
      for (byte[] p : payloads) out.write(FrameEncoder.toBytes(MessageCodec.encode(0, new Request.PeerMessage(p))));
      out.flush();
      Thread.sleep(300); // let the server read them before the link closes
    }
  }
}
