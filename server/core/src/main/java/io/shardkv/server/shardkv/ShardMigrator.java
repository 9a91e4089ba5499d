package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvResult;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.replica.HostedService;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a shard group's replica does besides serving clients: the leader executes
 * {@link MigrationPlanner#plan} every {@code migrationIntervalTicks} ticks ({@link ShardGroupService}) (and on
 * becoming leader) — poll the config center for the next config, pull PULLING shards from their
 * previous owner, ask the previous owner to delete GCING shards — and every replica answers other
 * groups' pull and delete requests. Every state change is a command proposed to the group's log
 * (docs/shardkv-design.md §4); nothing here mutates the state machine.
 *
 * <p>Re-proposals of the same step are held back for {@link #REPROPOSE_TICKS} ticks so a slow
 * commit does not flood the log with copies of a shard (copies would be harmless no-ops, only big).
 */
final class ShardMigrator {
  static final int REPROPOSE_TICKS = 20;

  private final HostedService.Host host;
  private final ShardKvStateMachine sm;
  private final ShardGroupOutputs out;
  /** step key ("install 3/7") → tick it was last proposed; forgotten when the config moves on. */
  private final TreeMap<String, Long> recentlyProposed = new TreeMap<>();
  private int proposedAtConfig = -1;
  private long round;
  private long migrationSeq;

  ShardMigrator(HostedService.Host host, ShardKvStateMachine sm, ShardGroupOutputs out) {
    this.host = host;
    this.sm = sm;
    this.out = out;
  }

  /** Migration commands applied successfully by this incarnation (the trace's migration sequence). */
  long migrationSeq() {
    return migrationSeq;
  }

  /** Leader: one round of the planner. */
  void onSchedule() {
    round++;
    MigrationPlanner.Plan plan = MigrationPlanner.plan(sm);
    if (plan.readyForNextConfig()) {
      out.fetchConfig(plan.configNum() + 1);
    }
    for (MigrationPlanner.PullTask t : plan.pulls()) {
      send(t.fromGid(), t.fromServers(), new MigrationRpc.PullRequest(t.configNum(), t.shard()));
    }
    for (MigrationPlanner.GcTask t : plan.gcs()) {
      send(t.previousOwner(), t.servers(), new MigrationRpc.DeleteRequest(t.configNum(), t.shard()));
    }
  }

  void onConfigFetched(ShardConfig config) {
    if (!host.isLeader()) {
      return;
    }
    Optional<ShardKvCommand> cmd = MigrationPlanner.nextConfigCommand(sm, config);
    cmd.ifPresent(c -> propose("config " + config.num(), c));
  }

  void onGroupMessage(String from, MigrationRpc message) {
    if (message instanceof MigrationRpc.PullRequest p) {
      // Any replica may answer: a BEPULLING shard is frozen, NOT_YET/GONE are safe from any replica.
      MigrationPlanner.ShardExport export = MigrationPlanner.exportShard(sm, p.configNum(), p.shard());
      host.trace("pull " + p.shard() + "@" + p.configNum() + " from " + from + " -> " + export.status());
      out.sendGroupMessage(from, new MigrationRpc.PullReply(p.configNum(), p.shard(), export));
    } else if (message instanceof MigrationRpc.DeleteRequest d) {
      MigrationPlanner.DeleteAction action = MigrationPlanner.onDeleteRequest(sm, d.configNum(), d.shard());
      boolean done = action == MigrationPlanner.DeleteAction.ALREADY_DELETED;
      if (action == MigrationPlanner.DeleteAction.PROPOSE_DELETE && host.isLeader()) {
        // Answer "retry" now; the requester's next round finds the shard deleted and gets "done".
        propose("delete " + d.shard() + "@" + d.configNum(),
            new ShardKvCommand.DeleteShard(d.configNum(), d.shard()));
      } else if (action == MigrationPlanner.DeleteAction.PROPOSE_DELETE) {
        // Only the leader can propose the delete, and the requester may not know it: its server
        // list for this group comes from an older configuration (membership changed since). Found by
        // sim shardkv --membership seeds 498, 560 and 626: the leader was a replica added after
        // the move, so the requester only ever asked followers and removed members, for ever.
        out.relayToLeader(d);
      }
      host.trace("delete " + d.shard() + "@" + d.configNum() + " from " + from + " -> " + action);
      out.sendGroupMessage(from, new MigrationRpc.DeleteReply(d.configNum(), d.shard(), done));
    } else if (message instanceof MigrationRpc.PullReply r) {
      if (!host.isLeader()) {
        return;
      }
      for (MigrationPlanner.PullTask t : MigrationPlanner.plan(sm).pulls()) {
        if (t.configNum() == r.configNum() && t.shard() == r.shard()) {
          MigrationPlanner.installCommandFor(sm, t, r.export())
              .ifPresent(c -> propose("install " + t.shard() + "@" + t.configNum(), c));
        }
      }
    } else if (message instanceof MigrationRpc.DeleteReply r) {
      if (!host.isLeader() || !r.done()) {
        return;
      }
      for (MigrationPlanner.GcTask t : MigrationPlanner.plan(sm).gcs()) {
        if (t.configNum() == r.configNum() && t.shard() == r.shard()) {
          MigrationPlanner.gcDoneCommandFor(sm, t)
              .ifPresent(c -> propose("gc-done " + t.shard() + "@" + t.configNum(), c));
        }
      }
    }
  }

  /** Counts the migration commands that took effect (for the trace line's migration sequence). */
  void onApplied(byte[] command, byte[] result) {
    ShardKvCommand cmd;
    KvResult res;
    try {
      cmd = ShardKvCodec.decode(command);
      res = KvCodec.decodeResult(result);
    } catch (DecodeException e) {
      return;
    }
    if (!(cmd instanceof ShardKvCommand.ClientOp) && res.status() == Status.OK) {
      migrationSeq++;
      host.trace("applied " + describe(cmd));
    }
  }

  private static String describe(ShardKvCommand cmd) {
    if (cmd instanceof ShardKvCommand.NewConfig c) {
      return "NewConfig " + c.config().num();
    } else if (cmd instanceof ShardKvCommand.InstallShard c) {
      return "InstallShard " + c.shard() + "@" + c.configNum() + " (" + c.data().keyCount() + " keys)";
    } else if (cmd instanceof ShardKvCommand.DeleteShard c) {
      return "DeleteShard " + c.shard() + "@" + c.configNum();
    } else if (cmd instanceof ShardKvCommand.ShardGcDone c) {
      return "ShardGcDone " + c.shard() + "@" + c.configNum();
    }
    return cmd.toString();
  }

  private void propose(String key, ShardKvCommand cmd) {
    int cfg = sm.currentConfig().num();
    if (cfg != proposedAtConfig) {
      recentlyProposed.clear();
      proposedAtConfig = cfg;
    }
    Long last = recentlyProposed.get(key);
    if (last != null && host.ticks() - last < REPROPOSE_TICKS) {
      return;
    }
    if (host.propose(ShardKvCodec.encode(cmd))) {
      recentlyProposed.put(key, host.ticks());
      host.trace("proposed " + key);
    }
  }

  /** Rotates over a group's servers round by round, so a dead or partitioned server is skipped. */
  private void send(int group, List<String> servers, MigrationRpc message) {
    if (servers.isEmpty()) {
      return;
    }
    String server = servers.get((int) (round % servers.size()));
    out.sendGroupMessage(group, server, message);
  }
}
