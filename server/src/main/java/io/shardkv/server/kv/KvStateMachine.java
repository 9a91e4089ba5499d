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
 * <p>Snapshot: u8 version=1, u8 kind='K', i64 lastApplied, KvData.
 */
public final class KvStateMachine implements ReplicatedStateMachine {
  private static final int SNAPSHOT_KIND = 'K';

  private final AppliedIndex applied = new AppliedIndex();
  private KvData data = new KvData();

  @Override
  public byte[] apply(long index, byte[] command) {
    applied.advanceTo(index);
    KvCommand cmd;
    try {
      cmd = KvCodec.decodeCommand(command);
    } catch (DecodeException e) {
      return KvCodec.encodeResult(new KvResult(Status.BAD_REQUEST, e.getMessage()));
    }
    return KvCodec.encodeResult(data.execute(cmd));
  }

  @Override
  public long lastAppliedIndex() {
    return applied.get();
  }

  /** The current value under {@code key} (for ReadIndex reads served outside the log, and tests). */
  public String read(String key) {
    return data.get(key);
  }

  public KvData data() {
    return data;
  }

  @Override
  public byte[] takeSnapshot() {
    BinaryWriter w = new BinaryWriter(256);
    w.writeByte(KvCodec.VERSION).writeByte(SNAPSHOT_KIND).writeLong(applied.get());
    data.encodeTo(w);
    return w.toByteArray();
  }

  @Override
  public void restoreSnapshot(byte[] snapshot) {
    BinaryReader r = new BinaryReader(snapshot);
    KvCodec.expectVersion(r, "KV snapshot");
    int kind = r.readByte("snapshot kind");
    if (kind != SNAPSHOT_KIND) {
      throw new DecodeException("not a KV snapshot: kind byte " + kind + ", expected " + SNAPSHOT_KIND);
    }
    long index = r.readLong("last applied index");
    if (index < 0) {
      throw new DecodeException("negative last applied index " + index + " in KV snapshot");
    }
    KvData restored = KvData.decodeFrom(r);
    r.expectEnd("KV snapshot");
    data = restored;
    applied.restore(index);
  }
}
