package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvData;

/**
 * Binary encoding of sharded-group commands (version 1). Results use {@link KvCodec#encodeResult}.
 *
 * <pre>
 * command := u8 version=1, u8 tag, body
 *   tag 1 client-op     : KV command body ({@link KvCodec#writeCommand})
 *   tag 2 new-config    : config ({@link ShardConfig#encodeTo})
 *   tag 3 install-shard : i32 configNum, i32 shard, KV data (values then dedup records)
 *   tag 4 delete-shard  : i32 configNum, i32 shard
 *   tag 5 shard-gc-done : i32 configNum, i32 shard
 * </pre>
 */
public final class ShardKvCodec {
  static final int CLIENT_OP = 1;
  static final int NEW_CONFIG = 2;
  static final int INSTALL_SHARD = 3;
  static final int DELETE_SHARD = 4;
  static final int SHARD_GC_DONE = 5;

  private ShardKvCodec() {}

  public static byte[] encode(ShardKvCommand command) {
    BinaryWriter w = new BinaryWriter();
    w.writeByte(KvCodec.VERSION);
    if (command instanceof ShardKvCommand.ClientOp c) {
      w.writeByte(CLIENT_OP);
      KvCodec.writeCommand(w, c.command());
    } else if (command instanceof ShardKvCommand.NewConfig c) {
      w.writeByte(NEW_CONFIG);
      c.config().encodeTo(w);
    } else if (command instanceof ShardKvCommand.InstallShard c) {
      w.writeByte(INSTALL_SHARD).writeInt(c.configNum()).writeInt(c.shard());
      c.data().encodeTo(w);
    } else if (command instanceof ShardKvCommand.DeleteShard c) {
      w.writeByte(DELETE_SHARD).writeInt(c.configNum()).writeInt(c.shard());
    } else if (command instanceof ShardKvCommand.ShardGcDone c) {
      w.writeByte(SHARD_GC_DONE).writeInt(c.configNum()).writeInt(c.shard());
    }
    return w.toByteArray();
  }

  public static ShardKvCommand decode(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    KvCodec.expectVersion(r, "shard-group command");
    int at = r.position();
    int tag = r.readByte("shard-group command tag");
    ShardKvCommand command;
    switch (tag) {
      case CLIENT_OP -> command = new ShardKvCommand.ClientOp(KvCodec.readCommand(r));
      case NEW_CONFIG -> command = new ShardKvCommand.NewConfig(ShardConfig.decodeFrom(r));
      case INSTALL_SHARD -> {
        int num = r.readIntInRange("install config number", 0, Integer.MAX_VALUE);
        int shard = r.readIntInRange("installed shard", 0, ShardConfig.MAX_SHARDS - 1);
        command = new ShardKvCommand.InstallShard(num, shard, KvData.decodeFrom(r));
      }
      case DELETE_SHARD -> command = new ShardKvCommand.DeleteShard(
          r.readIntInRange("delete config number", 0, Integer.MAX_VALUE),
          r.readIntInRange("deleted shard", 0, ShardConfig.MAX_SHARDS - 1));
      case SHARD_GC_DONE -> command = new ShardKvCommand.ShardGcDone(
          r.readIntInRange("gc config number", 0, Integer.MAX_VALUE),
          r.readIntInRange("gc shard", 0, ShardConfig.MAX_SHARDS - 1));
      default -> throw new DecodeException("unknown shard-group command tag " + tag + " at offset "
          + at + " (known: 1 client-op, 2 new-config, 3 install-shard, 4 delete-shard, 5 gc-done)");
    }
    r.expectEnd("shard-group command");
    return command;
  }
}
