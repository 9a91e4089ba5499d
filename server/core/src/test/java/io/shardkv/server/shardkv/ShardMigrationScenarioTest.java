package io.shardkv.server.shardkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Shard migration across two or three group state machines, every step sequenced by hand. */
class ShardMigrationScenarioTest {
  private static final int SHARDS = 10;

  private static MigrationWorld oneGroupServingAll() {
    MigrationWorld w = new MigrationWorld(SHARDS, 1, 2, 3);
    w.join(1);
    w.settle();
    return w;
  }

  @Test
  void firstConfigMakesTheOnlyGroupServeEveryShardImmediately() {
    MigrationWorld w = oneGroupServingAll();
    for (int s = 0; s < SHARDS; s++) {
      assertEquals(ShardState.SERVING, w.sm(1).stateOf(s));
    }
    assertEquals(Status.OK, w.client(1, 1, new KvOp.Put("a", "1")).status());
    assertEquals(new KvResult(Status.OK, "1"), w.client(1, 2, new KvOp.Get("a")));
  }

  @Test
  void joinMovesDataTogetherWithDedupRecordsSoRetriesAtTheNewOwnerAreNotReapplied() {
    MigrationWorld w = oneGroupServingAll();
    for (int i = 0; i < 50; i++) {
      w.client(7, i + 1, new KvOp.Append("key" + i, "x" + i));
    }
    w.join(2);
    w.settle();
    ShardConfig c = w.configCenter.latest();
    assertEquals(5, c.shardsOf(2).size());
    for (int i = 0; i < 50; i++) {
      assertEquals(new KvResult(Status.OK, "x" + i), w.client(8, i + 1, new KvOp.Get("key" + i)));
    }
    // Client 7's last append (seq 50) went to group 1 before the move; if its shard moved, the
    // retry now lands on group 2, which must recognise it from the migrated dedup records.
    String last = "key49";
    assertEquals(Status.OK, w.client(7, 50, new KvOp.Append(last, "x49")).status());
    assertEquals(new KvResult(Status.OK, "x49"), w.client(8, 100, new KvOp.Get(last)));
    w.assertReplicasIdentical();
  }

  @Test
  void challenge1GroupsDeleteShardsTheyNoLongerOwnSoStorageStaysBounded() {
    MigrationWorld w = oneGroupServingAll();
    int keys = 200;
    for (int i = 0; i < keys; i++) {
      w.client(1, i + 1, new KvOp.Put("key" + i, "v" + i));
    }
    w.join(2);
    w.settle();
    w.join(3);
    w.settle();
    w.leave(1);
    w.settle();
    w.leave(2);
    w.settle();
    w.join(1, 2);
    w.settle();
    int total = 0;
    for (int gid = 1; gid <= 3; gid++) {
      ShardKvStateMachine sm = w.sm(gid);
      assertEquals(w.configCenter.latest().shardsOf(gid).size(), sm.heldShardCount(), "gid " + gid);
      total += sm.storedKeyCount();
    }
    assertEquals(keys, total, "every key stored exactly once across groups");
    for (int i = 0; i < keys; i++) {
      assertEquals(new KvResult(Status.OK, "v" + i), w.client(2, 1000 + i, new KvOp.Get("key" + i)));
    }
  }

  @Test
  void groupThatLeftHoldsNothingOnceItsShardsAreInstalledElsewhere() {
    MigrationWorld w = oneGroupServingAll();
    w.join(2);
    w.settle();
    for (int i = 0; i < 40; i++) {
      w.client(1, i + 1, new KvOp.Put("key" + i, "v"));
    }
    w.leave(1);
    w.settle();
    assertEquals(0, w.sm(1).heldShardCount());
    assertEquals(0, w.sm(1).storedKeyCount());
    assertEquals(40, w.sm(2).storedKeyCount());
  }

  @Test
  void challenge2UnaffectedShardsKeepServingWhileOtherShardsMove() {
    MigrationWorld w = oneGroupServingAll();
    w.join(2);
    w.settle();
    ShardConfig before = w.configCenter.latest();
    w.join(3);
    ShardConfig after = w.configCenter.latest();
    // Only group 3 has learned nothing yet; groups 1 and 2 apply the new config.
    assertTrue(w.stepConfig(1));
    assertTrue(w.stepConfig(2));
    int stays = -1;
    int moves = -1;
    for (int s = 0; s < SHARDS; s++) {
      if (before.ownerOf(s) == 1 && after.ownerOf(s) == 1) {
        stays = s;
      }
      if (before.ownerOf(s) == 1 && after.ownerOf(s) == 3) {
        moves = s;
      }
    }
    assertTrue(stays >= 0 && moves >= 0);
    String stayKey = w.keyInShard(stays, 0);
    String moveKey = w.keyInShard(moves, 0);
    // Group 3 has not even applied the new config: the unaffected shard still serves at group 1.
    assertEquals(Status.OK, w.clientAt(1, 5, 1, new KvOp.Put(stayKey, "during")).status());
    assertEquals(new KvResult(Status.OK, "during"), w.clientAt(1, 5, 2, new KvOp.Get(stayKey)));
    // The moving shard is frozen at group 1 (no write may be lost) and not yet served by group 3.
    assertEquals(ShardState.BEPULLING, w.sm(1).stateOf(moves));
    // ReadIndex reads outside the log follow the same rule as logged ops.
    assertEquals(new KvResult(Status.OK, "during"), w.sm(1).read(stayKey));
    assertEquals(Status.WRONG_GROUP, w.sm(1).read(moveKey).status());
    assertEquals(Status.WRONG_GROUP, w.clientAt(1, 5, 3, new KvOp.Put(moveKey, "x")).status());
    assertTrue(w.stepConfig(3));
    assertEquals(ShardState.PULLING, w.sm(3).stateOf(moves));
    assertEquals(Status.WRONG_GROUP, w.clientAt(3, 5, 3, new KvOp.Put(moveKey, "x")).status());
    // The unaffected shard keeps serving throughout the migration.
    assertEquals(Status.OK, w.clientAt(1, 5, 4, new KvOp.Append(stayKey, "!")).status());
    w.settle();
    assertEquals(new KvResult(Status.OK, "during!"), w.client(5, 5, new KvOp.Get(stayKey)));
  }

  @Test
  void challenge2PartialMigrationServesEachShardAsSoonAsItsDataArrives() {
    MigrationWorld w = oneGroupServingAll();
    for (int i = 0; i < 100; i++) {
      w.client(1, i + 1, new KvOp.Put("key" + i, "v" + i));
    }
    w.join(2);
    assertTrue(w.stepConfig(1));
    assertTrue(w.stepConfig(2));
    List<Integer> incoming = w.configCenter.latest().shardsOf(2);
    assertEquals(5, incoming.size());
    int first = incoming.get(0);
    assertTrue(w.pull(2, first));
    assertEquals(ShardState.GCING, w.sm(2).stateOf(first));
    String arrived = w.keyInShard(first, 0);
    String pending = w.keyInShard(incoming.get(1), 0);
    // The arrived shard serves at once, before the others arrive and before its GC completes.
    assertEquals(Status.OK, w.clientAt(2, 9, 1, new KvOp.Put(arrived, "new")).status());
    assertEquals(new KvResult(Status.OK, "new"), w.clientAt(2, 9, 2, new KvOp.Get(arrived)));
    assertEquals(Status.WRONG_GROUP, w.clientAt(2, 9, 3, new KvOp.Get(pending)).status());
    assertEquals(Status.WRONG_GROUP, w.clientAt(1, 9, 3, new KvOp.Get(pending)).status());
    // Neither group may move on to a later config while shards are in flight.
    MigrationPlanner.Plan plan = MigrationPlanner.plan(w.sm(2));
    assertFalse(plan.readyForNextConfig());
    assertEquals(4, plan.pulls().size());
    assertEquals(1, plan.gcs().size());
    assertEquals(5, MigrationPlanner.plan(w.sm(1)).handingOff().size());
    w.settle();
    assertEquals(new KvResult(Status.OK, "new"), w.client(9, 10, new KvOp.Get(arrived)));
  }

  @Test
  void newConfigIsRejectedWhileAnyShardOfTheGroupIsMoving() {
    MigrationWorld w = oneGroupServingAll();
    w.join(2);
    w.join(3);
    assertTrue(w.stepConfig(1));
    assertTrue(w.stepConfig(2));
    KvResult r = w.group(2).propose(new ShardKvCommand.NewConfig(w.configCenter.query(3)));
    assertEquals(Status.REJECTED, r.status());
    assertEquals(2, w.sm(2).currentConfig().num());
    // A config that is not the next one is rejected too, and a duplicate of the current one.
    assertEquals(Status.REJECTED, w.group(3).propose(new ShardKvCommand.NewConfig(w.configCenter.query(3)))
        .status());
    assertEquals(Status.REJECTED, w.group(1).propose(new ShardKvCommand.NewConfig(w.configCenter.query(2)))
        .status());
  }

  @Test
  void duplicateAndStaleMigrationCommandsChangeNothing() {
    MigrationWorld w = oneGroupServingAll();
    w.join(2);
    w.stepConfig(1);
    w.stepConfig(2);
    int s = w.configCenter.latest().shardsOf(2).get(0);
    MigrationPlanner.ShardExport export = MigrationPlanner.exportShard(w.sm(1), 2, s);
    assertEquals(MigrationPlanner.ExportStatus.READY, export.status());
    ShardKvCommand install = new ShardKvCommand.InstallShard(2, s, export.data());
    assertEquals(Status.OK, w.group(2).propose(install).status());
    String key = w.keyInShard(s, 0);
    w.clientAt(2, 3, 1, new KvOp.Put(key, "after-install"));
    byte[] snap = w.sm(2).takeSnapshot();
    // A duplicated install (e.g. proposed by two successive leaders) must not overwrite newer data.
    assertEquals(Status.REJECTED, w.group(2).propose(install).status());
    assertEquals(Status.REJECTED, w.group(2).propose(new ShardKvCommand.InstallShard(1, s,
        export.data())).status());
    assertEquals(new KvResult(Status.OK, "after-install"), w.clientAt(2, 3, 2, new KvOp.Get(key)));
    byte[] now = w.sm(2).takeSnapshot();
    // Everything but the applied index (bytes 2..9) is unchanged by the rejected commands.
    assertArrayEquals(java.util.Arrays.copyOfRange(snap, 10, snap.length),
        java.util.Arrays.copyOfRange(now, 10, now.length));
    ShardKvCommand delete = new ShardKvCommand.DeleteShard(2, s);
    assertEquals(Status.OK, w.group(1).propose(delete).status());
    assertNull(w.sm(1).stateOf(s));
    assertEquals(Status.OK, w.group(1).propose(delete).status()); // idempotent "done"
    assertEquals(Status.REJECTED, w.group(1).propose(new ShardKvCommand.DeleteShard(9, s)).status());
    ShardKvCommand done = new ShardKvCommand.ShardGcDone(2, s);
    assertEquals(Status.OK, w.group(2).propose(done).status());
    assertEquals(ShardState.SERVING, w.sm(2).stateOf(s));
    assertEquals(Status.REJECTED, w.group(2).propose(done).status());
    assertEquals(ShardState.SERVING, w.sm(2).stateOf(s));
    assertEquals(MigrationPlanner.ExportStatus.GONE, MigrationPlanner.exportShard(w.sm(1), 2, s).status());
    assertEquals(MigrationPlanner.DeleteAction.ALREADY_DELETED,
        MigrationPlanner.onDeleteRequest(w.sm(1), 2, s));
    w.settle();
    w.assertReplicasIdentical();
  }

  @Test
  void previousOwnerThatIsBehindAnswersNotYetUntilItReachesTheConfig() {
    MigrationWorld w = oneGroupServingAll();
    w.join(2);
    assertTrue(w.stepConfig(2));
    MigrationPlanner.PullTask task = MigrationPlanner.plan(w.sm(2)).pulls().get(0);
    assertEquals(1, task.fromGid());
    assertEquals(List.of("g1-0", "g1-1", "g1-2"), task.fromServers());
    assertEquals(MigrationPlanner.ExportStatus.NOT_YET,
        MigrationPlanner.exportShard(w.sm(1), task.configNum(), task.shard()).status());
    assertFalse(w.pull(2, task.shard()));
    assertTrue(w.stepConfig(1));
    assertTrue(w.pull(2, task.shard()));
  }

  @Test
  void groupThatMissedSeveralConfigsCatchesUpOneAtATimeWhileOthersKeepServing() {
    MigrationWorld w = oneGroupServingAll();
    for (int i = 0; i < 60; i++) {
      w.client(1, i + 1, new KvOp.Put("key" + i, "v" + i));
    }
    w.join(2);
    w.join(3);
    w.leave(2);
    w.move(0, 3);
    // Group 2 is down: only groups 1 and 3 make progress.
    for (int round = 0; round < 50; round++) {
      for (int gid : new int[] {1, 3}) {
        w.stepConfig(gid);
        MigrationPlanner.plan(w.sm(gid)).pulls().forEach(t -> w.pull(gid, t.shard()));
        MigrationPlanner.plan(w.sm(gid)).gcs().forEach(t -> w.gc(gid, t.shard()));
      }
    }
    // Group 1 cannot finish config 2 without group 2 taking its shards; it still serves the rest.
    assertEquals(2, w.sm(1).currentConfig().num());
    assertEquals(1, w.sm(2).currentConfig().num()); // it learned config 1 before going down
    int kept = w.sm(1).currentConfig().shardsOf(1).get(0);
    String keptKey = w.keyInShard(kept, 0);
    assertEquals(Status.OK, w.clientAt(1, 2, 1, new KvOp.Append(keptKey, "+")).status());
    // Group 2 comes back and walks through configs 2, 3, 4, 5 one at a time.
    w.settle();
    assertEquals(5, w.sm(2).currentConfig().num());
    assertEquals(0, w.sm(2).heldShardCount());
    for (int i = 0; i < 60; i++) {
      KvResult r = w.client(2, 10 + i, new KvOp.Get("key" + i));
      assertEquals(("key" + i).equals(keptKey) ? "v" + i + "+" : "v" + i, r.value(), "key" + i);
    }
  }

  @Test
  void shardMovedAwayAndBackIsServedWithAllItsWrites() {
    MigrationWorld w = oneGroupServingAll();
    w.join(2);
    w.settle();
    String key = w.keyInShard(0, 0);
    int owner = w.configCenter.latest().ownerOf(0);
    int other = owner == 1 ? 2 : 1;
    w.client(3, 1, new KvOp.Append(key, "a"));
    w.move(0, other);
    w.settle();
    w.client(3, 2, new KvOp.Append(key, "b"));
    w.move(0, owner);
    w.settle();
    w.client(3, 3, new KvOp.Append(key, "c"));
    assertEquals(new KvResult(Status.OK, "abc"), w.client(4, 1, new KvOp.Get(key)));
    assertEquals(1, w.sm(owner).storedKeyCount() + w.sm(other).storedKeyCount());
  }

  @Test
  void whenEveryGroupLeavesTheirShardsAreDroppedAndANewGroupStartsEmpty() {
    MigrationWorld w = oneGroupServingAll();
    w.client(1, 1, new KvOp.Put("k", "v"));
    w.leave(1);
    w.settle();
    assertEquals(0, w.sm(1).heldShardCount());
    w.join(2);
    w.settle();
    assertEquals(Status.NOT_FOUND, w.client(1, 2, new KvOp.Get("k")).status());
  }

  @Test
  void snapshotTakenMidMigrationRestoresEveryShardStateAndTheMigrationCompletesFromIt() {
    MigrationWorld w = oneGroupServingAll();
    for (int i = 0; i < 30; i++) {
      w.client(1, i + 1, new KvOp.Put("key" + i, "v" + i));
    }
    w.join(2);
    w.stepConfig(1);
    w.stepConfig(2);
    List<Integer> incoming = w.configCenter.latest().shardsOf(2);
    w.pull(2, incoming.get(0));
    w.pull(2, incoming.get(1));
    w.gc(2, incoming.get(1));
    // gid 2 now holds SERVING (gc'd), GCING and PULLING shards; gid 1 holds BEPULLING ones.
    for (int gid : new int[] {1, 2}) {
      ShardKvStateMachine original = w.sm(gid);
      ShardKvStateMachine restored = new ShardKvStateMachine(gid, SHARDS);
      restored.restoreSnapshot(original.takeSnapshot());
      assertArrayEquals(original.takeSnapshot(), restored.takeSnapshot());
      for (int s = 0; s < SHARDS; s++) {
        assertEquals(original.stateOf(s), restored.stateOf(s));
      }
      assertEquals(original.currentConfig(), restored.currentConfig());
      assertEquals(original.previousConfig(), restored.previousConfig());
      restored.checkInvariants();
      // Replace the twin replica by the restored one: the world's replica-equality checks continue.
      w.groups.put(gid, MigrationWorld.Group.restoredFrom(gid, SHARDS, restored.takeSnapshot()));
    }
    w.settle();
    for (int i = 0; i < 30; i++) {
      assertEquals(new KvResult(Status.OK, "v" + i), w.client(2, 100 + i, new KvOp.Get("key" + i)));
    }
  }

  @Test
  void randomReconfigurationsAndInterleavingsNeverLoseOrDuplicateAWrite() {
    for (int seed = 0; seed < 30; seed++) {
      runRandomWorld(seed);
    }
  }

  @Test
  void sameCommandSequenceTwiceGivesIdenticalSnapshotBytesInEveryGroup() {
    MigrationWorld a = runRandomWorld(77);
    MigrationWorld b = runRandomWorld(77);
    for (int gid = 1; gid <= 3; gid++) {
      assertArrayEquals(a.sm(gid).takeSnapshot(), b.sm(gid).takeSnapshot(), "gid " + gid);
    }
    assertArrayEquals(a.configCenter.takeSnapshot(), b.configCenter.takeSnapshot());
  }

  private static MigrationWorld runRandomWorld(int seed) {
    Random rnd = new Random(seed);
    MigrationWorld w = new MigrationWorld(SHARDS, 1, 2, 3);
    w.join(1);
    TreeMap<String, String> model = new TreeMap<>();
    java.util.TreeSet<Integer> live = new java.util.TreeSet<>(List.of(1));
    long[] seq = new long[4];
    // Each client has one outstanding append, retried (same seq) until a definite answer.
    String[] pendingKey = new String[4];
    String[] pendingPiece = new String[4];
    for (int step = 0; step < 600; step++) {
      int choice = rnd.nextInt(10);
      if (choice < 5) {
        int c = rnd.nextInt(4);
        if (pendingKey[c] == null) {
          seq[c]++;
          pendingKey[c] = "key" + rnd.nextInt(30);
          pendingPiece[c] = "<" + c + "." + seq[c] + ">";
        }
        // Route with a possibly stale view: any group may be asked.
        int gid = 1 + rnd.nextInt(3);
        KvResult r = w.clientAt(gid, c, seq[c], new KvOp.Append(pendingKey[c], pendingPiece[c]));
        if (r.status() == Status.OK) {
          model.merge(pendingKey[c], pendingPiece[c], String::concat);
          if (rnd.nextInt(4) == 0) { // a duplicated delivery after success changes nothing
            w.clientAt(1 + rnd.nextInt(3), c, seq[c], new KvOp.Append(pendingKey[c], pendingPiece[c]));
          }
          pendingKey[c] = null;
        } else {
          assertEquals(Status.WRONG_GROUP, r.status());
        }
      } else if (choice < 9) {
        List<Runnable> actions = w.possibleActions();
        if (!actions.isEmpty()) {
          actions.get(rnd.nextInt(actions.size())).run();
        }
      } else {
        int g = 1 + rnd.nextInt(3);
        if (live.contains(g) && live.size() > 1) {
          w.leave(g);
          live.remove(g);
        } else if (!live.contains(g)) {
          w.join(g);
          live.add(g);
        } else {
          w.move(rnd.nextInt(SHARDS), g);
        }
      }
    }
    w.settle();
    int held = 0;
    for (int gid = 1; gid <= 3; gid++) {
      held += w.sm(gid).heldShardCount();
    }
    assertEquals(SHARDS, held, "seed " + seed + ": each shard held by exactly one group");
    // Finish the pending appends, then compare every key with the model.
    for (int c = 0; c < 4; c++) {
      if (pendingKey[c] != null) {
        assertEquals(Status.OK, w.client(c, seq[c], new KvOp.Append(pendingKey[c], pendingPiece[c]))
            .status());
        model.merge(pendingKey[c], pendingPiece[c], String::concat);
      }
    }
    for (int i = 0; i < 30; i++) {
      String k = "key" + i;
      KvResult r = w.client(99, i + 1, new KvOp.Get(k));
      assertEquals(model.get(k), r.value(), "seed " + seed + " key " + k);
    }
    w.assertReplicasIdentical();
    return w;
  }
}
