package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvData;
import io.shardkv.server.kv.SessionClock;
import java.util.Objects;

/** The commands a sharded group puts in its Raft log. Every step of a migration is one of these. */
public sealed interface ShardKvCommand {

  /**
   * A client's KV operation; executes iff the key's shard is served here at apply time.
   * {@code stamp}: the proposing leader's session stamp ({@link SessionClock}), or null (unstamped).
   */
  record ClientOp(KvCommand command, SessionClock.Stamp stamp) implements ShardKvCommand {
    public ClientOp {
      Objects.requireNonNull(command, "command");
    }

    /** An unstamped client operation. */
    public ClientOp(KvCommand command) {
      this(command, null);
    }
  }

  /** Move to the next configuration; applies only if it is number current+1 and no shard is moving. */
  record NewConfig(ShardConfig config) implements ShardKvCommand {
    public NewConfig {
      Objects.requireNonNull(config, "config");
    }
  }

  /**
   * The data of {@code shard} (values and dedup records) as its previous owner froze it at config
   * {@code configNum}; applies only if this group is at {@code configNum} and PULLING the shard.
   */
  record InstallShard(int configNum, int shard, KvData data) implements ShardKvCommand {
    public InstallShard {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * At the previous owner: the new owner of {@code shard} at config {@code configNum} has it;
   * delete the frozen copy.
   */
  record DeleteShard(int configNum, int shard) implements ShardKvCommand {}

  /** At the new owner: the previous owner deleted its copy; stop asking (GCING → SERVING). */
  record ShardGcDone(int configNum, int shard) implements ShardKvCommand {}
}
