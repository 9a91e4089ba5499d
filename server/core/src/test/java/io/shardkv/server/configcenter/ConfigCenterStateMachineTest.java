package io.shardkv.server.configcenter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The 6.824 shardctrler test semantics, at the state-machine level. */
class ConfigCenterStateMachineTest {
  private static final int N = ConfigCenterStateMachine.DEFAULT_SHARDS;
  private final ConfigCenterStateMachine sm = new ConfigCenterStateMachine();
  private long index;
  private long seq;

  private ConfigCenterResult run(long client, long s, ConfigCenterOp op) {
    return ConfigCenterCodec.decodeResult(sm.apply(++index, ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(client, s, op))));
  }

  private ConfigCenterResult run(ConfigCenterOp op) {
    return run(1, ++seq, op);
  }

  private ConfigCenterResult join(int... gids) {
    Map<Integer, List<String>> m = new TreeMap<>();
    for (int g : gids) {
      m.put(g, List.of("g" + g + "-a", "g" + g + "-b", "g" + g + "-c"));
    }
    return run(new ConfigCenterOp.Join(m));
  }

  private ConfigCenterResult leave(Integer... gids) {
    return run(new ConfigCenterOp.Leave(List.of(gids)));
  }

  private ShardConfig query(int num) {
    ConfigCenterResult r = run(new ConfigCenterOp.Query(num));
    assertEquals(Status.OK, r.status());
    return r.config();
  }

  /** The 6.824 check(): exactly these groups, every shard on one of them, balanced within one. */
  static void checkConfig(ShardConfig c, Set<Integer> groups) {
    assertEquals(new TreeSet<>(groups), c.groups().keySet(), "groups of " + c);
    int[] counts = new int[0];
    TreeMap<Integer, Integer> load = new TreeMap<>();
    groups.forEach(g -> load.put(g, 0));
    for (int s = 0; s < c.shardCount(); s++) {
      int g = c.ownerOf(s);
      if (groups.isEmpty()) {
        assertEquals(0, g, "shard " + s + " with no groups");
      } else {
        assertTrue(groups.contains(g), "shard " + s + " on dead gid " + g + " in " + c);
        load.merge(g, 1, Integer::sum);
      }
    }
    if (!groups.isEmpty()) {
      int max = Collections.max(load.values());
      int min = Collections.min(load.values());
      assertTrue(max - min <= 1, "unbalanced " + load + " in config " + c.num());
    }
    assertEquals(0, counts.length);
  }

  @Test
  void basicJoinsAndLeavesKeepEveryShardOnALiveGroupAndBalanced() {
    checkConfig(query(-1), Set.of());
    join(1);
    checkConfig(query(-1), Set.of(1));
    join(2);
    checkConfig(query(-1), Set.of(1, 2));
    join(2); // re-join of a known gid: no harm
    checkConfig(query(-1), Set.of(1, 2));
    leave(1);
    checkConfig(query(-1), Set.of(2));
    leave(1); // leaving twice: no harm
    checkConfig(query(-1), Set.of(2));
    leave(2);
    checkConfig(query(-1), Set.of());
  }

  @Test
  void historicalConfigsNeverChangeAndQueryBeyondLatestReturnsLatest() {
    List<ShardConfig> seen = new ArrayList<>();
    seen.add(query(-1));
    for (int g = 1; g <= 5; g++) {
      join(g);
      seen.add(query(-1));
    }
    leave(2, 4);
    seen.add(query(-1));
    run(new ConfigCenterOp.Move(0, 5));
    seen.add(query(-1));
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i, seen.get(i).num());
      assertEquals(seen.get(i), query(i), "config " + i);
    }
    assertEquals(seen.get(seen.size() - 1), query(1000));
    assertEquals(seen.get(seen.size() - 1), query(-1));
  }

  @Test
  void moveAssignsExactlyTheNamedShardAndTheNextJoinRebalances() {
    join(503, 504);
    ShardConfig before = query(-1);
    for (int s = 0; s < N / 2; s++) {
      assertEquals(Status.OK, run(new ConfigCenterOp.Move(s, 503)).status());
    }
    for (int s = N / 2; s < N; s++) {
      run(new ConfigCenterOp.Move(s, 504));
    }
    ShardConfig moved = query(-1);
    assertEquals(before.num() + N, moved.num());
    for (int s = 0; s < N; s++) {
      assertEquals(s < N / 2 ? 503 : 504, moved.ownerOf(s), "shard " + s);
    }
    run(new ConfigCenterOp.Move(3, 504));
    assertEquals(504, query(-1).ownerOf(3));
    join(505);
    checkConfig(query(-1), Set.of(503, 504, 505));
  }

  /**
   * Issue 11 item 1: a forced move assigns a shard without migration — one configuration where
   * nobody owns it (its owner drops it, nobody pulls it), then one where the target owns it.
   */
  @Test
  void forceMoveAppendsAConfigWithTheShardUnassignedThenOneWithTheTargetAndIsExactlyOnce() {
    join(1, 2);
    ShardConfig before = query(-1);
    int shard = before.shardsOf(2).get(0);
    assertEquals(Status.OK, run(7, 1, new ConfigCenterOp.Move(shard, 1, true)).status());
    ShardConfig unassigned = query(before.num() + 1);
    ShardConfig after = query(-1);
    assertEquals(before.num() + 2, after.num(), "exactly two configurations");
    assertEquals(0, unassigned.ownerOf(shard));
    assertEquals(1, after.ownerOf(shard));
    for (int s = 0; s < N; s++) {
      if (s != shard) {
        assertEquals(before.ownerOf(s), unassigned.ownerOf(s), "shard " + s);
        assertEquals(before.ownerOf(s), after.ownerOf(s), "shard " + s);
      }
    }
    assertEquals(before.groups(), after.groups());
    assertEquals(Status.OK, run(7, 1, new ConfigCenterOp.Move(shard, 1, true)).status(), "a retry answers again");
    assertEquals(after.num(), query(-1).num(), "and appends nothing");
    ConfigCenterResult same = run(new ConfigCenterOp.Move(shard, 1, true));
    assertEquals(Status.BAD_REQUEST, same.status(), "forcing a shard onto its owner would only drop its data");
    assertTrue(same.message().contains("already belongs"), same.message());
    assertEquals(Status.BAD_REQUEST, run(new ConfigCenterOp.Move(shard, 77, true)).status());
    assertEquals(after.num(), query(-1).num());
    ConfigCenterOp.Move forced = new ConfigCenterOp.Move(3, 2, true);
    assertEquals(forced, ConfigCenterCodec.decodeCommand(ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(1, 2, forced))).op());
  }

  @Test
  void moveOfAnUnknownShardOrToAnUnknownGroupIsABadRequestAndCreatesNoConfig() {
    join(1);
    int num = query(-1).num();
    ConfigCenterResult r = run(new ConfigCenterOp.Move(0, 77));
    assertEquals(Status.BAD_REQUEST, r.status());
    assertTrue(r.message().contains("gid 77"), r.message());
    assertEquals(Status.BAD_REQUEST, run(new ConfigCenterOp.Move(N, 1)).status());
    assertEquals(Status.BAD_REQUEST, run(new ConfigCenterOp.Move(-1, 1)).status());
    assertEquals(Status.BAD_REQUEST, run(new ConfigCenterOp.Join(Map.of())).status());
    assertEquals(Status.BAD_REQUEST, run(new ConfigCenterOp.Join(Map.of(0, List.of("x")))).status());
    assertEquals(Status.BAD_REQUEST, run(new ConfigCenterOp.Join(Map.of(8, List.of()))).status());
    assertEquals(num, query(-1).num());
  }

  @Test
  void concurrentJoinsAndLeavesWithRetriesEndWithTheSurvivingGroupsAndOneConfigPerOperation() {
    for (int trial = 0; trial < 20; trial++) {
      ConfigCenterStateMachine m = new ConfigCenterStateMachine();
      Random rnd = new Random(trial);
      int clients = 10;
      // Client c joins gid 100+c then, for even c, leaves it; each op is retried 0-2 times, and
      // the clients' commands interleave randomly in the log.
      List<List<ConfigCenterCommand>> perClient = new ArrayList<>();
      int distinctWrites = 0;
      for (int c = 0; c < clients; c++) {
        List<ConfigCenterCommand> cmds = new ArrayList<>();
        ConfigCenterOp joinOp = new ConfigCenterOp.Join(Map.of(100 + c, List.of("s" + c)));
        for (int k = 0; k <= rnd.nextInt(3); k++) {
          cmds.add(new ConfigCenterCommand(c, 1, joinOp));
        }
        distinctWrites++;
        if (c % 2 == 0) {
          for (int k = 0; k <= rnd.nextInt(3); k++) {
            cmds.add(new ConfigCenterCommand(c, 2, new ConfigCenterOp.Leave(List.of(100 + c))));
          }
          distinctWrites++;
        }
        perClient.add(cmds);
      }
      long idx = 0;
      int[] next = new int[clients];
      int remaining = perClient.stream().mapToInt(List::size).sum();
      while (remaining > 0) {
        int c = rnd.nextInt(clients);
        if (next[c] < perClient.get(c).size()) {
          m.apply(++idx, ConfigCenterCodec.encodeCommand(perClient.get(c).get(next[c]++)));
          remaining--;
          checkConfig(m.latest(), m.latest().groups().keySet());
        }
      }
      Set<Integer> survivors = new TreeSet<>();
      for (int c = 1; c < clients; c += 2) {
        survivors.add(100 + c);
      }
      checkConfig(m.latest(), survivors);
      assertEquals(distinctWrites, m.latest().num(), "one config per distinct write");
    }
  }

  /** Shards that moved from config a to config b. */
  private static int moved(ShardConfig a, ShardConfig b) {
    int n = 0;
    for (int s = 0; s < a.shardCount(); s++) {
      n += a.ownerOf(s) != b.ownerOf(s) ? 1 : 0;
    }
    return n;
  }

  @Test
  void joiningGroupsMovesOnlyShardsOntoTheNewGroups() {
    join(1, 2, 3, 4, 5);
    ShardConfig before = query(-1);
    join(6, 7);
    ShardConfig after = query(-1);
    checkConfig(after, Set.of(1, 2, 3, 4, 5, 6, 7));
    int received = after.shardsOf(6).size() + after.shardsOf(7).size();
    for (int s = 0; s < N; s++) {
      if (after.ownerOf(s) <= 5) {
        assertEquals(before.ownerOf(s), after.ownerOf(s), "shard " + s + " moved between old groups");
      }
    }
    assertEquals(received, moved(before, after));
    // 64 shards over 7 groups: 9 or 10 each, so the newcomers receive 18 or 19, not more.
    assertTrue(received <= 2 * (N / 7 + 1));
  }

  @Test
  void leavingGroupsMovesOnlyTheShardsOfTheGroupsThatLeft() {
    join(1, 2, 3, 4, 5, 6, 7);
    ShardConfig before = query(-1);
    leave(2, 5);
    ShardConfig after = query(-1);
    checkConfig(after, Set.of(1, 3, 4, 6, 7));
    int orphaned = before.shardsOf(2).size() + before.shardsOf(5).size();
    for (int s = 0; s < N; s++) {
      int old = before.ownerOf(s);
      if (old != 2 && old != 5) {
        assertEquals(old, after.ownerOf(s), "shard " + s + " of a surviving group moved");
      }
    }
    assertEquals(orphaned, moved(before, after));
  }

  @Test
  void multiGroupJoinAndLeaveInterleavedStayBalancedAndMinimal() {
    Random rnd = new Random(5);
    TreeSet<Integer> live = new TreeSet<>();
    int nextGid = 1;
    for (int round = 0; round < 200; round++) {
      ShardConfig before = sm.latest();
      boolean doJoin = live.size() < 3 || (live.size() < 40 && rnd.nextBoolean());
      if (doJoin) {
        int k = 1 + rnd.nextInt(3);
        int[] gids = new int[k];
        for (int i = 0; i < k; i++) {
          gids[i] = nextGid++;
          live.add(gids[i]);
        }
        join(gids);
      } else {
        List<Integer> gone = new ArrayList<>();
        for (int i = 0; i < 1 + rnd.nextInt(2); i++) {
          Integer g = new ArrayList<>(live).get(rnd.nextInt(live.size()));
          live.remove(g);
          gone.add(g);
        }
        leave(gone.toArray(new Integer[0]));
      }
      ShardConfig after = sm.latest();
      checkConfig(after, live);
      assertEquals(RebalancerTest.minimumMoves(before, after.groups().keySet()), moved(before, after),
          "round " + round);
    }
  }

  @Test
  void moreGroupsThanShardsGivesEachGroupAtMostOneShard() {
    ConfigCenterStateMachine small = new ConfigCenterStateMachine(4);
    Map<Integer, List<String>> m = new TreeMap<>();
    for (int g = 1; g <= 6; g++) {
      m.put(g, List.of("s"));
    }
    small.apply(1, ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(1, 1, new ConfigCenterOp.Join(m))));
    checkConfig(small.latest(), m.keySet());
    assertEquals(4, small.latest().groups().keySet().stream()
        .filter(g -> small.latest().shardsOf(g).size() == 1).count());
  }

  @Test
  void retriedJoinWithTheSameSeqCreatesNoSecondConfig() {
    ConfigCenterOp op = new ConfigCenterOp.Join(Map.of(9, List.of("a")));
    assertEquals(Status.OK, run(4, 1, op).status());
    assertEquals(Status.OK, run(4, 1, op).status());
    assertEquals(1, query(-1).num());
    run(4, 2, new ConfigCenterOp.Leave(List.of(9)));
    run(4, 1, op); // an old, delayed duplicate must not re-join
    assertEquals(2, query(-1).num());
    checkConfig(query(-1), Set.of());
  }

  @Test
  void replicasApplyingTheSameLogAgreeOnEveryConfigAndSnapshotBytesAfterLeaderChange() {
    List<byte[]> log = new ArrayList<>();
    Random rnd = new Random(3);
    for (int i = 1; i <= 100; i++) {
      ConfigCenterOp op = rnd.nextInt(3) == 0 ? new ConfigCenterOp.Leave(List.of(1 + rnd.nextInt(10)))
          : rnd.nextInt(4) == 0 ? new ConfigCenterOp.Move(rnd.nextInt(N), 1 + rnd.nextInt(10))
          : new ConfigCenterOp.Join(Map.of(1 + rnd.nextInt(10), List.of("x")));
      log.add(ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(rnd.nextInt(3), i, op)));
    }
    ConfigCenterStateMachine a = new ConfigCenterStateMachine();
    ConfigCenterStateMachine b = new ConfigCenterStateMachine();
    for (int i = 0; i < 60; i++) {
      a.apply(i + 1, log.get(i));
      b.apply(i + 1, log.get(i));
    }
    // "Leader change": a third replica restores b's snapshot and continues the log.
    ConfigCenterStateMachine c = new ConfigCenterStateMachine();
    c.restoreSnapshot(b.takeSnapshot());
    for (int i = 60; i < log.size(); i++) {
      assertArrayEquals(a.apply(i + 1, log.get(i)), c.apply(i + 1, log.get(i)));
    }
    assertArrayEquals(a.takeSnapshot(), c.takeSnapshot());
    for (int n = 0; n <= a.latest().num(); n++) {
      assertEquals(a.query(n), c.query(n));
    }
  }
}
