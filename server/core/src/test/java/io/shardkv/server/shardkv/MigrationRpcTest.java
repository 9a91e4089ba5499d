package io.shardkv.server.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvData;
import io.shardkv.server.kv.KvOp;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationRpcTest {
  private static List<MigrationRpc> samples() {
    KvData d = new KvData();
    d.execute(new KvCommand(3, 4, new KvOp.Put("k", "v")));
    // Session times travel with a migrated shard: last activity and an expired session's tombstone.
    KvData sessions = new KvData();
    sessions.execute(new KvCommand(5, 1, new KvOp.Put("a", "1")), 1_000);
    sessions.execute(new KvCommand(6, 2, new KvOp.Put("b", "2")), 9_000);
    sessions.dedup().expire(9_000, 5_000);
    return List.of(
        new MigrationRpc.PullReply(5, 2, new MigrationPlanner.ShardExport(
            MigrationPlanner.ExportStatus.READY, sessions)),
        new MigrationRpc.PullRequest(5, 63),
        new MigrationRpc.PullReply(5, 63, new MigrationPlanner.ShardExport(
            MigrationPlanner.ExportStatus.READY, d)),
        new MigrationRpc.PullReply(5, 1, new MigrationPlanner.ShardExport(
            MigrationPlanner.ExportStatus.NOT_YET, null)),
        new MigrationRpc.PullReply(5, 1, new MigrationPlanner.ShardExport(
            MigrationPlanner.ExportStatus.GONE, null)),
        new MigrationRpc.DeleteRequest(7, 0),
        new MigrationRpc.DeleteReply(7, 0, true),
        new MigrationRpc.DeleteReply(7, 0, false));
  }

  @Test
  void everyMessageRoundTripsThroughItsEncoding() {
    for (MigrationRpc m : samples()) {
      assertEquals(m, MigrationRpc.decode(MigrationRpc.encode(m)));
    }
  }

  @Test
  void truncatedOrExtendedMessagesAreRejected() {
    for (MigrationRpc m : samples()) {
      byte[] b = MigrationRpc.encode(m);
      for (int len = 0; len < b.length; len++) {
        byte[] cut = Arrays.copyOf(b, len);
        assertThrows(DecodeException.class, () -> MigrationRpc.decode(cut));
      }
      assertThrows(DecodeException.class, () -> MigrationRpc.decode(Arrays.copyOf(b, b.length + 1)));
    }
  }

  @Test
  void traceSummaryShowsOneCharacterPerShardState() {
    MigrationWorld w = new MigrationWorld(4, 1, 2);
    w.join(1);
    w.settle();
    w.join(2);
    w.stepConfig(1);
    w.stepConfig(2);
    int first = w.configCenter.latest().shardsOf(2).get(0);
    w.pull(2, first);
    String s1 = w.sm(1).traceSummary();
    String s2 = w.sm(2).traceSummary();
    assertEquals("gid=1 applied=" + w.sm(1).lastAppliedIndex() + " config=2 shards=SSBB", s1);
    assertEquals("gid=2 applied=" + w.sm(2).lastAppliedIndex() + " config=2 shards=--GP", s2);
  }
}
