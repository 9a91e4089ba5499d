package io.shardkv.server.kv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.statemachine.AppliedIndex;
import io.shardkv.server.statemachine.ReplicatedStateMachine;

/**
 * The unsharded replicated KV store: one {@link KvData} (values + dedup records). Commands and
 * results use {@link KvCodec}. A command that does not decode yields {@code BAD_REQUEST}.
 *
 * <p>Client sessions expire by the log's clock ({@link SessionClock}): a command stamped by its
 * leader advances the clock and expires idle sessions before it executes.
 *
 * <p>Snapshot: u8 version=1, u8 kind='K', i64 lastApplied, KvData; or, once the session clock has
 * advanced, u8 version=2, u8 kind='K', i64 lastApplied, i64 logTime, KvData.
 */
public final class KvStateMachine implements ReplicatedStateMachine {
  private static final int SNAPSHOT_KIND = 'K';

  private final AppliedIndex applied = new AppliedIndex();
  private KvData data = new KvData();
  private final SessionClock clock = new SessionClock();

  @Override
  public byte[] apply(long index, byte[] command) {
    applied.advanceTo(index);
    KvCodec.Stamped cmd;
    try {
      cmd = KvCodec.decodeStamped(command);
    } catch (DecodeException e) {
      return KvCodec.encodeResult(new KvResult(Status.BAD_REQUEST, e.getMessage()));
    }
    if (cmd.stamp() != null) {
      data.dedup().expire(clock.advance(cmd.stamp()), cmd.stamp().idleMillis());
    }
    return KvCodec.encodeResult(data.execute(cmd.command(), clock.now()));
  }

  @Override
  public long lastAppliedIndex() {
    return applied.get();
  }

  /** The current value under {@code key} (for ReadIndex reads served outside the log, and tests). */
  public String read(String key) {
    return data.get(key);
  }

  /** Log time of the session clock (0 before the first stamped command). */
  public long logTime() {
    return clock.now();
  }

  public KvData data() {
    return data;
  }

  @Override
  public byte[] takeSnapshot() {
    BinaryWriter w = new BinaryWriter(256);
    boolean clocked = clock.now() != 0;
    w.writeByte(clocked ? KvCodec.STAMPED_VERSION : KvCodec.VERSION).writeByte(SNAPSHOT_KIND).writeLong(applied.get());
    if (clocked) {
      w.writeLong(clock.now());
    }
    data.encodeTo(w);
    return w.toByteArray();
  }

  @Override
  public void restoreSnapshot(byte[] snapshot) {
    BinaryReader r = new BinaryReader(snapshot);
    int version = r.readByte("KV snapshot version");
    if (version != KvCodec.VERSION && version != KvCodec.STAMPED_VERSION) {
      throw new DecodeException("unsupported KV snapshot version " + version + " (this build reads 1 and 2)");
    }
    int kind = r.readByte("snapshot kind");
    if (kind != SNAPSHOT_KIND) {
      throw new DecodeException("not a KV snapshot: kind byte " + kind + ", expected " + SNAPSHOT_KIND);
    }
    long index = r.readLong("last applied index");
    if (index < 0) {
      throw new DecodeException("negative last applied index " + index + " in KV snapshot");
    }
    long logTime = version == KvCodec.STAMPED_VERSION ? r.readLong("session log time") : 0;
    KvData restored = KvData.decodeFrom(r);
    r.expectEnd("KV snapshot");
    data = restored;
    clock.restore(logTime);
    applied.restore(index);
  }
}
