package io.shardkv.server.shardkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.configcenter.ConfigCenterCodec;
import io.shardkv.server.configcenter.ConfigCenterCommand;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.configcenter.ConfigCenterResult;
import io.shardkv.server.configcenter.ConfigCenterStateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A hand-driven world for migration scenarios: one config-center state machine and several group
 * state machines, each group with two replicas fed the same encoded commands (their results and
 * snapshots must stay identical). Tests sequence every step by hand — what a Raft-driven server would
 * do, decided by {@link MigrationPlanner} — so each scenario pins down exactly one interleaving.
 */
final class MigrationWorld {
  final int shards;
  final ConfigCenterStateMachine configCenter;
  private long configCenterIndex;
  private long adminSeq;
  final TreeMap<Integer, Group> groups = new TreeMap<>();

  /** One replica group: two replicas applying the same log. */
  static final class Group {
    final ShardKvStateMachine sm;
    final ShardKvStateMachine twin;
    long index;

    Group(int gid, int shards) {
      sm = new ShardKvStateMachine(gid, shards);
      twin = new ShardKvStateMachine(gid, shards);
    }

    /** A group whose two replicas both restart from {@code snapshot}. */
    static Group restoredFrom(int gid, int shards, byte[] snapshot) {
      Group g = new Group(gid, shards);
      g.sm.restoreSnapshot(snapshot);
      g.twin.restoreSnapshot(snapshot);
      g.index = g.sm.lastAppliedIndex();
      return g;
    }

    KvResult propose(ShardKvCommand cmd) {
      byte[] bytes = ShardKvCodec.encode(cmd);
      index++;
      byte[] r1 = sm.apply(index, bytes);
      byte[] r2 = twin.apply(index, bytes);
      assertArrayEquals(r1, r2, "replicas diverged at index " + index);
      sm.checkInvariants();
      return KvCodec.decodeResult(r1);
    }
  }

  MigrationWorld(int shards, int... gids) {
    this.shards = shards;
    this.configCenter = new ConfigCenterStateMachine(shards);
    for (int g : gids) {
      groups.put(g, new Group(g, shards));
    }
  }

  Group group(int gid) {
    return groups.get(gid);
  }

  ShardKvStateMachine sm(int gid) {
    return groups.get(gid).sm;
  }

  ConfigCenterResult admin(ConfigCenterOp op) {
    byte[] cmd = ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(-1, ++adminSeq, op));
    ConfigCenterResult r = ConfigCenterCodec.decodeResult(configCenter.apply(++configCenterIndex, cmd));
    assertEquals(Status.OK, r.status(), () -> "admin " + op + ": " + r.message());
    return r;
  }

  void join(int... gids) {
    Map<Integer, List<String>> m = new TreeMap<>();
    for (int g : gids) {
      m.put(g, List.of("g" + g + "-0", "g" + g + "-1", "g" + g + "-2"));
    }
    admin(new ConfigCenterOp.Join(m));
  }

  void leave(Integer... gids) {
    admin(new ConfigCenterOp.Leave(List.of(gids)));
  }

  void move(int shard, int gid) {
    admin(new ConfigCenterOp.Move(shard, gid));
  }

  /** The group learns the next config if it is ready for it; true if it advanced. */
  boolean stepConfig(int gid) {
    Group g = groups.get(gid);
    ShardConfig next = configCenter.query(g.sm.currentConfig().num() + 1);
    Optional<ShardKvCommand> cmd = MigrationPlanner.nextConfigCommand(g.sm, next);
    if (cmd.isEmpty()) {
      return false;
    }
    assertEquals(Status.OK, g.propose(cmd.get()).status());
    return true;
  }

  /** The group pulls {@code shard} from its previous owner; true if the data was installed. */
  boolean pull(int gid, int shard) {
    Group g = groups.get(gid);
    for (MigrationPlanner.PullTask t : MigrationPlanner.plan(g.sm).pulls()) {
      if (t.shard() == shard) {
        MigrationPlanner.ShardExport export =
            MigrationPlanner.exportShard(groups.get(t.fromGid()).sm, t.configNum(), shard);
        Optional<ShardKvCommand> install = MigrationPlanner.installCommandFor(g.sm, t, export);
        if (install.isPresent()) {
          assertEquals(Status.OK, g.propose(install.get()).status());
          return true;
        }
        return false;
      }
    }
    return false;
  }

  /** The group asks the previous owner of {@code shard} to delete it, then records it; true if done. */
  boolean gc(int gid, int shard) {
    Group g = groups.get(gid);
    for (MigrationPlanner.GcTask t : MigrationPlanner.plan(g.sm).gcs()) {
      if (t.shard() == shard) {
        Group old = groups.get(t.previousOwner());
        MigrationPlanner.DeleteAction action =
            MigrationPlanner.onDeleteRequest(old.sm, t.configNum(), shard);
        if (action == MigrationPlanner.DeleteAction.NOT_YET) {
          return false;
        }
        if (action == MigrationPlanner.DeleteAction.PROPOSE_DELETE) {
          assertEquals(Status.OK, old.propose(new ShardKvCommand.DeleteShard(t.configNum(), shard))
              .status());
        }
        Optional<ShardKvCommand> done = MigrationPlanner.gcDoneCommandFor(g.sm, t);
        assertEquals(Status.OK, g.propose(done.orElseThrow()).status());
        return true;
      }
    }
    return false;
  }

  /** Every action currently possible in the world, as runnables (for random schedules). */
  List<Runnable> possibleActions() {
    List<Runnable> out = new ArrayList<>();
    for (int gid : groups.keySet()) {
      MigrationPlanner.Plan p = MigrationPlanner.plan(sm(gid));
      if (p.readyForNextConfig() && sm(gid).currentConfig().num() < configCenter.latest().num()) {
        out.add(() -> stepConfig(gid));
      }
      for (MigrationPlanner.PullTask t : p.pulls()) {
        out.add(() -> pull(gid, t.shard()));
      }
      for (MigrationPlanner.GcTask t : p.gcs()) {
        out.add(() -> gc(gid, t.shard()));
      }
    }
    return out;
  }

  /** Runs the planner round-robin until every group is settled at the latest config. */
  void settle() {
    for (int round = 0; round < 10_000; round++) {
      boolean progress = false;
      for (int gid : groups.keySet()) {
        progress |= stepConfig(gid);
        for (MigrationPlanner.PullTask t : MigrationPlanner.plan(sm(gid)).pulls()) {
          progress |= pull(gid, t.shard());
        }
        for (MigrationPlanner.GcTask t : MigrationPlanner.plan(sm(gid)).gcs()) {
          progress |= gc(gid, t.shard());
        }
      }
      if (!progress) {
        int latest = configCenter.latest().num();
        for (int gid : groups.keySet()) {
          assertEquals(latest, sm(gid).currentConfig().num(), "gid " + gid + " stuck");
        }
        return;
      }
    }
    throw new AssertionError("migration did not settle");
  }

  /** Sends a client op to the group that owns the key in the latest config. */
  KvResult client(long clientId, long seq, KvOp op) {
    return clientAt(configCenter.latest().ownerOf(configCenter.latest().shardOfKey(op.key())), clientId, seq, op);
  }

  KvResult clientAt(int gid, long clientId, long seq, KvOp op) {
    return groups.get(gid).propose(new ShardKvCommand.ClientOp(new KvCommand(clientId, seq, op)));
  }

  int shardOf(String key) {
    return configCenter.latest().shardOfKey(key);
  }

  /** A key (k0, k1, ...) that falls in {@code shard}. */
  String keyInShard(int shard, int nth) {
    int found = 0;
    for (int i = 0; ; i++) {
      String k = "k" + i;
      if (shardOf(k) == shard && found++ == nth) {
        return k;
      }
    }
  }

  void assertReplicasIdentical() {
    for (Group g : groups.values()) {
      assertArrayEquals(g.sm.takeSnapshot(), g.twin.takeSnapshot());
    }
  }
}
