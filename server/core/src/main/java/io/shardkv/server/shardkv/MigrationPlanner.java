package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.kv.KvData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "What should this group do next": pure functions of a group's applied state, so the Raft-driven
 * server (leader only) just executes them and every decision is unit-testable. None of these mutates
 * the state machine; every state change goes through a command proposed to the log.
 *
 * <p>The migration protocol is pull-based (see docs/shardkv-design.md):
 * <ol>
 *   <li>Config: when {@link Plan#readyForNextConfig()}, ask the config center for config
 *       {@code current+1}; propose {@link #nextConfigCommand} of the answer.</li>
 *   <li>Pull: for each {@link PullTask}, ask a server of {@code fromGid} for the shard at
 *       {@code configNum}; it answers from {@link #exportShard}; on READY propose
 *       {@link ShardKvCommand.InstallShard}.</li>
 *   <li>GC: for each {@link GcTask}, ask a server of the previous owner to delete the shard; it
 *       decides with {@link #onDeleteRequest} (proposing {@link ShardKvCommand.DeleteShard} when
 *       needed, and answering "done" once it is applied); on "done" propose
 *       {@link ShardKvCommand.ShardGcDone}.</li>
 * </ol>
 * Every command is idempotent and checked against the state at apply time, so duplicated, delayed
 * or concurrent proposals (e.g. from two successive leaders) are harmless.
 */
public final class MigrationPlanner {
  private MigrationPlanner() {}

  /** Fetch {@code shard} as frozen at {@code configNum} from group {@code fromGid}. */
  public record PullTask(int configNum, int shard, int fromGid, List<String> fromServers) {}

  /** Tell {@code previousOwner} that this group holds {@code shard} at {@code configNum}. */
  public record GcTask(int configNum, int shard, int previousOwner, List<String> servers) {}

  /**
   * Everything a group's leader should be doing now. {@code handingOff} lists shards kept frozen
   * until their new owner confirms (nothing to do but answer pulls and deletes).
   */
  public record Plan(int configNum, boolean readyForNextConfig, List<PullTask> pulls,
      List<GcTask> gcs, List<Integer> handingOff) {
    /** True when no shard of this group is moving. */
    public boolean settled() {
      return pulls.isEmpty() && gcs.isEmpty() && handingOff.isEmpty();
    }
  }

  public static Plan plan(ShardKvStateMachine sm) {
    ShardConfig cur = sm.currentConfig();
    ShardConfig prev = sm.previousConfig();
    List<PullTask> pulls = new ArrayList<>();
    List<GcTask> gcs = new ArrayList<>();
    List<Integer> handingOff = new ArrayList<>();
    for (int s = 0; s < sm.shardCount(); s++) {
      ShardState st = sm.stateOf(s);
      if (st == ShardState.PULLING) {
        int from = prev.ownerOf(s);
        pulls.add(new PullTask(cur.num(), s, from, prev.serversOf(from)));
      } else if (st == ShardState.GCING) {
        int from = prev.ownerOf(s);
        gcs.add(new GcTask(cur.num(), s, from, prev.serversOf(from)));
      } else if (st == ShardState.BEPULLING) {
        handingOff.add(s);
      }
    }
    boolean ready = pulls.isEmpty() && gcs.isEmpty() && handingOff.isEmpty();
    return new Plan(cur.num(), ready, List.copyOf(pulls), List.copyOf(gcs), List.copyOf(handingOff));
  }

  /**
   * The command to propose for a configuration fetched from the config center, if it is the next
   * one and this group is ready for it; empty otherwise (fetched an older/later one, or busy).
   */
  public static Optional<ShardKvCommand> nextConfigCommand(ShardKvStateMachine sm,
      ShardConfig fetched) {
    if (fetched.num() != sm.currentConfig().num() + 1 || !plan(sm).readyForNextConfig()) {
      return Optional.empty();
    }
    return Optional.of(new ShardKvCommand.NewConfig(fetched));
  }

  /** The answer to a pull request. */
  public enum ExportStatus {
    /** The shard is frozen here at the requested config: the data is attached. */
    READY,
    /** This group has not reached the requested config yet: retry later. */
    NOT_YET,
    /** This group no longer holds the shard for that config (already handed off and deleted). */
    GONE
  }

  /** An answer to a pull: a status and, when READY, a private copy of the shard's data. */
  public record ShardExport(ExportStatus status, KvData data) {}

  /** How a (previous-owner) group answers "give me {@code shard} as of {@code configNum}". */
  public static ShardExport exportShard(ShardKvStateMachine sm, int configNum, int shard) {
    int at = sm.currentConfig().num();
    if (at < configNum) {
      return new ShardExport(ExportStatus.NOT_YET, null);
    }
    if (at == configNum && shard >= 0 && shard < sm.shardCount()
        && sm.stateOf(shard) == ShardState.BEPULLING) {
      return new ShardExport(ExportStatus.READY, sm.dataOf(shard).copy());
    }
    return new ShardExport(ExportStatus.GONE, null);
  }

  /** The command a puller proposes after an export answer, if any. */
  public static Optional<ShardKvCommand> installCommandFor(ShardKvStateMachine sm, PullTask task,
      ShardExport export) {
    if (export.status() != ExportStatus.READY || sm.currentConfig().num() != task.configNum()
        || sm.stateOf(task.shard()) != ShardState.PULLING) {
      return Optional.empty();
    }
    return Optional.of(new ShardKvCommand.InstallShard(task.configNum(), task.shard(),
        export.data()));
  }

  /** What a previous owner does with "the new owner of {@code shard} at {@code configNum} has it". */
  public enum DeleteAction {
    /** Propose {@code DeleteShard(configNum, shard)}; answer "done" once it is applied. */
    PROPOSE_DELETE,
    /** Already deleted (or never held for that config): answer "done" right away. */
    ALREADY_DELETED,
    /** Not at that config yet (a lagging replica): answer "retry". */
    NOT_YET
  }

  public static DeleteAction onDeleteRequest(ShardKvStateMachine sm, int configNum, int shard) {
    int at = sm.currentConfig().num();
    if (at < configNum) {
      return DeleteAction.NOT_YET;
    }
    if (at == configNum && shard >= 0 && shard < sm.shardCount()
        && sm.stateOf(shard) == ShardState.BEPULLING) {
      return DeleteAction.PROPOSE_DELETE;
    }
    return DeleteAction.ALREADY_DELETED;
  }

  /** The command a new owner proposes once the previous owner answered "done" for {@code task}. */
  public static Optional<ShardKvCommand> gcDoneCommandFor(ShardKvStateMachine sm, GcTask task) {
    if (sm.currentConfig().num() != task.configNum() || sm.stateOf(task.shard()) != ShardState.GCING) {
      return Optional.empty();
    }
    return Optional.of(new ShardKvCommand.ShardGcDone(task.configNum(), task.shard()));
  }
}
