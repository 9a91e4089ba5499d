package io.shardkv.server.configcenter;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.DedupTable;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.kv.SessionClock;
import io.shardkv.server.statemachine.AppliedIndex;
import io.shardkv.server.statemachine.ReplicatedStateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The config center's replicated state: the list of numbered configurations (index = number; each
 * one immutable once created) and the dedup records of admin clients. Join, leave and move each
 * append exactly one configuration (retries with the same (client id, seq) do not); join and leave
 * rebalance with {@link Rebalancer}, move does not. The shard count is fixed at construction
 * ({@link #DEFAULT_SHARDS} unless configured) and recorded in snapshots.
 *
 * <p>Admin clients' sessions expire like the shard groups' clients' (docs/sessions.md): a write
 * stamped by its leader advances the log clock ({@link SessionClock}) and expires idle sessions.
 *
 * <p>Snapshot: u8 version=1, u8 kind='C', i64 lastApplied, i32 shardCount, i32 configCount,
 * configs in order, dedup table; once the session clock has advanced, u8 version=2 and an i64
 * logTime right after lastApplied.
 */
public final class ConfigCenterStateMachine implements ReplicatedStateMachine {
  /**
   * Default shard count: 64 gives every group of up to 32 at least two shards, so load can be
   * shifted in small steps; clusters planned to grow beyond that should set a larger count.
   */
  public static final int DEFAULT_SHARDS = 64;
  private static final int SNAPSHOT_KIND = 'C';

  private final int shardCount;
  private final AppliedIndex applied = new AppliedIndex();
  private List<ShardConfig> configs = new ArrayList<>();
  private DedupTable dedup = new DedupTable();
  private final SessionClock clock = new SessionClock();

  public ConfigCenterStateMachine() {
    this(DEFAULT_SHARDS);
  }

  public ConfigCenterStateMachine(int shardCount) {
    if (shardCount < 1 || shardCount > ShardConfig.MAX_SHARDS) {
      throw new IllegalArgumentException("shard count must be in [1, " + ShardConfig.MAX_SHARDS
          + "], got " + shardCount + "; set it in the cluster configuration");
    }
    this.shardCount = shardCount;
    configs.add(ShardConfig.initial(shardCount));
  }

  @Override
  public byte[] apply(long index, byte[] command) {
    applied.advanceTo(index);
    ConfigCenterCodec.Stamped cmd;
    try {
      cmd = ConfigCenterCodec.decodeStamped(command);
    } catch (DecodeException e) {
      return ConfigCenterCodec.encodeResult(ConfigCenterResult.bad(e.getMessage()));
    }
    if (cmd.stamp() != null) {
      dedup.expire(clock.advance(cmd.stamp()), cmd.stamp().idleMillis());
    }
    return ConfigCenterCodec.encodeResult(execute(cmd.command()));
  }

  /** Executes one decoded command exactly once (for writes), returning its result. */
  public ConfigCenterResult execute(ConfigCenterCommand cmd) {
    ConfigCenterOp op = cmd.op();
    if (op instanceof ConfigCenterOp.Query q) {
      return new ConfigCenterResult(Status.OK, query(q.num()), null);
    }
    KvResult seen = dedup.duplicateAnswer(cmd.clientId(), cmd.seq());
    if (seen != null) {
      dedup.touch(cmd.clientId(), clock.now());
      return new ConfigCenterResult(seen.status(), null, seen.value());
    }
    ConfigCenterResult result = write(op);
    dedup.record(cmd.clientId(), cmd.seq(), new KvResult(result.status(), result.message()), clock.now());
    return result;
  }

  private ConfigCenterResult write(ConfigCenterOp op) {
    ShardConfig latest = latest();
    TreeMap<Integer, List<String>> groups = new TreeMap<>(latest.groups());
    int[] shards;
    if (op instanceof ConfigCenterOp.Join j) {
      if (j.groups().isEmpty()) {
        return ConfigCenterResult.bad("join names no group; give at least one gid with its servers");
      }
      if (j.groups().firstKey() <= 0) {
        return ConfigCenterResult.bad("gid " + j.groups().firstKey() + " is invalid: gids are positive "
            + "(0 means no group)");
      }
      for (var e : j.groups().entrySet()) {
        if (e.getValue().isEmpty()) {
          return ConfigCenterResult.bad("gid " + e.getKey() + " joins with no servers; list its replicas");
        }
      }
      groups.putAll(j.groups());
      shards = Rebalancer.rebalance(latest.shards(), new java.util.TreeSet<>(groups.keySet()));
    } else if (op instanceof ConfigCenterOp.Leave l) {
      l.gids().forEach(groups::remove);
      shards = Rebalancer.rebalance(latest.shards(), new java.util.TreeSet<>(groups.keySet()));
    } else if (op instanceof ConfigCenterOp.Move m) {
      if (m.shard() < 0 || m.shard() >= shardCount) {
        return ConfigCenterResult.bad("shard " + m.shard() + " does not exist: shards are 0.."
            + (shardCount - 1));
      }
      if (!groups.containsKey(m.gid())) {
        return ConfigCenterResult.bad("cannot move shard " + m.shard() + " to gid " + m.gid()
            + ": not a group of config " + latest.num() + " (groups " + groups.keySet() + ")");
      }
      shards = latest.shards();
      if (m.force()) {
        if (shards[m.shard()] == m.gid()) {
          return ConfigCenterResult.bad("shard " + m.shard() + " already belongs to gid " + m.gid() + " in config "
              + latest.num() + "; a forced move would only drop its data");
        }
        // No migration: first a configuration where nobody owns the shard (its owner drops it and
        // nobody waits to pull it), then one where gid owns it and starts it empty.
        shards[m.shard()] = 0;
        configs.add(new ShardConfig(latest.num() + 1, shards, groups));
        latest = configs.get(configs.size() - 1);
        shards = latest.shards();
      }
      shards[m.shard()] = m.gid();
    } else {
      throw new IllegalArgumentException("not a write: " + op);
    }
    configs.add(new ShardConfig(latest.num() + 1, shards, groups));
    return ConfigCenterResult.ok();
  }

  /** Configuration {@code num}, or the latest for -1 (or any number beyond the latest). */
  public ShardConfig query(int num) {
    if (num < 0 || num >= configs.size()) {
      return latest();
    }
    return configs.get(num);
  }

  public ShardConfig latest() {
    return configs.get(configs.size() - 1);
  }

  public int shardCount() {
    return shardCount;
  }

  @Override
  public long lastAppliedIndex() {
    return applied.get();
  }

  @Override
  public byte[] takeSnapshot() {
    BinaryWriter w = new BinaryWriter(256 + configs.size() * (shardCount * 4 + 16));
    boolean clocked = clock.now() != 0;
    w.writeByte(clocked ? KvCodec.STAMPED_VERSION : KvCodec.VERSION).writeByte(SNAPSHOT_KIND).writeLong(applied.get());
    if (clocked) {
      w.writeLong(clock.now());
    }
    w.writeInt(shardCount).writeInt(configs.size());
    configs.forEach(c -> c.encodeTo(w));
    dedup.encodeTo(w);
    return w.toByteArray();
  }

  @Override
  public void restoreSnapshot(byte[] snapshot) {
    BinaryReader r = new BinaryReader(snapshot);
    int version = r.readByte("config-center snapshot version");
    if (version != KvCodec.VERSION && version != KvCodec.STAMPED_VERSION) {
      throw new DecodeException("unsupported config-center snapshot version " + version + " (this build reads 1 and 2)");
    }
    int kind = r.readByte("snapshot kind");
    if (kind != SNAPSHOT_KIND) {
      throw new DecodeException("not a config-center snapshot: kind byte " + kind);
    }
    long index = r.readLong("last applied index");
    if (index < 0) {
      throw new DecodeException("negative last applied index " + index);
    }
    long logTime = version == KvCodec.STAMPED_VERSION ? r.readLong("session log time") : 0;
    int n = r.readInt("shard count");
    if (n != shardCount) {
      throw new DecodeException("snapshot has " + n + " shards but this config center is set to "
          + shardCount + "; the shard count cannot change on a live cluster");
    }
    int count = r.readCount("config count", 12);
    if (count == 0) {
      throw new DecodeException("config-center snapshot holds no configuration");
    }
    List<ShardConfig> restored = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ShardConfig c = ShardConfig.decodeFrom(r);
      if (c.num() != i || c.shardCount() != shardCount) {
        throw new DecodeException("config at position " + i + " has number " + c.num() + " and "
            + c.shardCount() + " shards");
      }
      restored.add(c);
    }
    DedupTable d = DedupTable.decodeFrom(r);
    r.expectEnd("config-center snapshot");
    configs = restored;
    dedup = d;
    applied.restore(index);
    clock.restore(logTime);
  }

  /** Admin-client sessions (live, expired). */
  public DedupTable.Counts sessionCounts() {
    return dedup.counts();
  }

  /** Log time of the session clock (0 before the first stamped write). */
  public long logTime() {
    return clock.now();
  }

  /** All groups in the latest configuration (for tests and status pages). */
  public SortedMap<Integer, List<String>> groups() {
    return latest().groups();
  }
}
