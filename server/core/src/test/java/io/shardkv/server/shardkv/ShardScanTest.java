package io.shardkv.server.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvData;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.replica.HostedService;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The shard group's paginated per-shard scan: pages, cursors, prefixes, ownership, migration. */
class ShardScanTest {
  private static final int SHARDS = 10;

  private static MigrationWorld oneGroupServingAll() {
    MigrationWorld w = new MigrationWorld(SHARDS, 1, 2);
    w.join(1);
    w.settle();
    return w;
  }

  /** Every key of {@code shard} with {@code prefix}, read page by page at {@code gid}. */
  private static List<String> walk(ShardKvStateMachine sm, int shard, String prefix, int pageSize) {
    List<String> keys = new ArrayList<>();
    String after = null;
    while (true) {
      ShardScan.Page p = sm.scan(new ShardScan.Query(shard, prefix, after, pageSize));
      assertEquals(Status.OK, p.status());
      assertTrue(p.entries().size() <= pageSize, "a page holds at most the limit");
      keys.addAll(p.entries().keySet());
      if (!p.more()) return keys;
      after = p.entries().lastKey();
    }
  }

  @Test
  void pagesReturnAShardsKeysInOrderEachOnceAndSayWhetherMoreFollow() {
    MigrationWorld w = oneGroupServingAll();
    int shard = 3;
    TreeSet<String> expected = new TreeSet<>();
    for (int i = 0; i < 25; i++) {
      String k = w.keyInShard(shard, i);
      w.client(1, i + 1, new KvOp.Put(k, "v" + i));
      expected.add(k);
    }
    ShardScan.Page first = w.sm(1).scan(new ShardScan.Query(shard, "", null, 10));
    assertEquals(10, first.entries().size());
    assertTrue(first.more());
    assertEquals(new ArrayList<>(expected).subList(0, 10), new ArrayList<>(first.entries().keySet()));
    assertEquals(new ArrayList<>(expected), walk(w.sm(1), shard, "", 10));
    assertEquals(new ArrayList<>(expected), walk(w.sm(1), shard, "", 25));
    ShardScan.Page whole = w.sm(1).scan(new ShardScan.Query(shard, "", null, 25));
    assertFalse(whole.more(), "a page that holds the shard's last key says no more follow");
  }

  @Test
  void aPrefixSelectsOnlyItsKeysAndACursorBeforeThePrefixStartsAtThePrefix() {
    KvData d = new KvData();
    for (String k : List.of("a", "user:1", "user:2", "user:3", "userx", "v")) {
      d.execute(new io.shardkv.server.kv.KvCommand(1, k.hashCode() & 0x7fffffff, new KvOp.Put(k, k.toUpperCase())));
    }
    ShardScan.Page p = ShardScan.page(d, new ShardScan.Query(0, "user:", null, 100));
    assertEquals(new TreeMap<>(java.util.Map.of("user:1", "USER:1", "user:2", "USER:2", "user:3", "USER:3")),
        p.entries());
    assertFalse(p.more());
    assertEquals(List.of("user:2", "user:3"),
        new ArrayList<>(ShardScan.page(d, new ShardScan.Query(0, "user:", "user:1", 100)).entries().keySet()));
    assertEquals(List.of("user:1"),
        new ArrayList<>(ShardScan.page(d, new ShardScan.Query(0, "user:", "a", 1)).entries().keySet()));
    assertTrue(ShardScan.page(d, new ShardScan.Query(0, "user:", "user:3", 5)).entries().isEmpty());
  }

  @Test
  void aLimitAboveTheCapIsCutToThePageCapAndSaysMore() {
    KvData d = new KvData();
    for (int i = 0; i < ShardScan.MAX_PAGE_KEYS + 5; i++) {
      d.execute(new io.shardkv.server.kv.KvCommand(1, i + 1, new KvOp.Put(String.format("k%06d", i), "")));
    }
    ShardScan.Page p = ShardScan.page(d, new ShardScan.Query(0, "", null, Integer.MAX_VALUE));
    assertEquals(ShardScan.MAX_PAGE_KEYS, p.entries().size());
    assertTrue(p.more());
  }

  @Test
  void aShardTheGroupDoesNotServeIsWrongGroupAndAnUnknownShardIsBadRequest() {
    MigrationWorld w = oneGroupServingAll();
    assertEquals(Status.WRONG_GROUP, w.sm(2).scan(new ShardScan.Query(1, "", null, 5)).status());
    ShardScan.Page bad = w.sm(1).scan(new ShardScan.Query(SHARDS, "", null, 5));
    assertEquals(Status.BAD_REQUEST, bad.status());
    assertTrue(bad.message().contains("no shard " + SHARDS), bad.message());
  }

  @Test
  void aWalkResumedAtTheNewOwnerAfterAMoveReturnsEveryKeyExactlyOnce() {
    MigrationWorld w = oneGroupServingAll();
    int shard = 4;
    w.join(2);
    w.settle();
    if (w.configCenter.latest().ownerOf(shard) != 1) {
      w.move(shard, 1);
      w.settle();
    }
    TreeSet<String> expected = new TreeSet<>();
    for (int i = 0; i < 30; i++) {
      String k = w.keyInShard(shard, i);
      w.client(1, i + 1, new KvOp.Put(k, "v"));
      expected.add(k);
    }
    ShardScan.Page first = w.sm(1).scan(new ShardScan.Query(shard, "", null, 12));
    List<String> seen = new ArrayList<>(first.entries().keySet());
    w.move(shard, 2);
    assertTrue(w.stepConfig(1));
    assertEquals(Status.WRONG_GROUP, w.sm(1).scan(new ShardScan.Query(shard, "", first.entries().lastKey(), 12)).status(),
        "the old owner stops serving the shard once it hands it off");
    w.settle();
    assertEquals(2, w.configCenter.latest().ownerOf(shard));
    seen.addAll(walkFrom(w.sm(2), shard, first.entries().lastKey(), 7));
    assertEquals(new ArrayList<>(expected), seen, "each key once, in order, across the move");
  }

  private static List<String> walkFrom(ShardKvStateMachine sm, int shard, String after, int pageSize) {
    List<String> keys = new ArrayList<>();
    while (true) {
      ShardScan.Page p = sm.scan(new ShardScan.Query(shard, "", after, pageSize));
      assertEquals(Status.OK, p.status());
      keys.addAll(p.entries().keySet());
      if (!p.more()) return keys;
      after = p.entries().lastKey();
    }
  }

  @Test
  void queriesAndPagesRoundTripAndGarbageIsRejectedNotThrown() {
    ShardScan.Query q = new ShardScan.Query(7, "pre", "pre-1", 50);
    assertEquals(q, ShardScan.decodeQuery(ShardScan.encodeQuery(q)));
    ShardScan.Query fromStart = new ShardScan.Query(0, "", null, 1);
    assertEquals(fromStart, ShardScan.decodeQuery(ShardScan.encodeQuery(fromStart)));
    TreeMap<String, String> m = new TreeMap<>(java.util.Map.of("a", "1", "b", ""));
    ShardScan.Page p = new ShardScan.Page(Status.OK, m, true, null);
    assertEquals(p, ShardScan.decodePage(ShardScan.encodePage(p)));
    ShardScan.Page wg = ShardScan.Page.of(Status.WRONG_GROUP, null);
    assertEquals(wg, ShardScan.decodePage(ShardScan.encodePage(wg)));

    byte[] truncated = java.util.Arrays.copyOf(ShardScan.encodeQuery(q), 7);
    assertThrows(DecodeException.class, () -> ShardScan.decodeQuery(truncated));
    HostedService service = new ShardGroupService(new ShardKvStateMachine(1, SHARDS), new ShardGroupOutputs() {
      @Override public void sendGroupMessage(String server, MigrationRpc message) {}
      @Override public void fetchConfig(int num) {}
    }, 5);
    HostedService.Admission a = service.admit(truncated);
    HostedService.Admission.Reject r = assertInstanceOf(HostedService.Admission.Reject.class, a);
    assertEquals(Status.BAD_REQUEST, ShardScan.decodePage(r.result()).status());
    assertInstanceOf(HostedService.Admission.Read.class, service.admit(ShardScan.encodeQuery(q)),
        "a scan is served like a get: a ReadIndex read, no log entry");
  }
}
