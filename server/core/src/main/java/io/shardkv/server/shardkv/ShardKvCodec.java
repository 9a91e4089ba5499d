package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvData;
import io.shardkv.server.kv.SessionClock;

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
 *   tag 6 stamped client-op : i64 leaderMillis, i64 idleMillis, KV command body (a client-op as
 *                             its leader proposed it, stamped for session expiry: {@link SessionClock})
 * </pre>
 * Tag 6 is new with session expiry; logs of tags 1..5 written before it still decode.
 */
public final class ShardKvCodec {
  static final int CLIENT_OP = 1;
  static final int NEW_CONFIG = 2;
  static final int INSTALL_SHARD = 3;
  static final int DELETE_SHARD = 4;
  static final int SHARD_GC_DONE = 5;
  static final int STAMPED_CLIENT_OP = 6;

  private ShardKvCodec() {}

  public static byte[] encode(ShardKvCommand command) {
    BinaryWriter w = new BinaryWriter();
    w.writeByte(KvCodec.VERSION);
    if (command instanceof ShardKvCommand.ClientOp c && c.stamp() != null) {
      w.writeByte(STAMPED_CLIENT_OP);
      KvCodec.writeStamp(w, c.stamp());
      KvCodec.writeCommand(w, c.command());
    } else if (command instanceof ShardKvCommand.ClientOp c) {
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

  /**
   * The stamped form (tag 6) of an encoded unstamped client-op (tag 1), without decoding it; any
   * other command is returned unchanged.
   */
  public static byte[] stamp(byte[] command, SessionClock.Stamp stamp) {
    if (command.length < 2 || command[0] != KvCodec.VERSION || command[1] != CLIENT_OP) {
      return command;
    }
    BinaryWriter w = new BinaryWriter(18);
    w.writeByte(KvCodec.VERSION).writeByte(STAMPED_CLIENT_OP);
    KvCodec.writeStamp(w, stamp);
    return KvCodec.splice(w.toByteArray(), command, 2);
  }

  public static ShardKvCommand decode(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    KvCodec.expectVersion(r, "shard-group command");
    int at = r.position();
    int tag = r.readByte("shard-group command tag");
    ShardKvCommand command;
    switch (tag) {
      case CLIENT_OP -> command = new ShardKvCommand.ClientOp(KvCodec.readCommand(r));
      case STAMPED_CLIENT_OP -> {
        SessionClock.Stamp stamp = KvCodec.readStamp(r);
        command = new ShardKvCommand.ClientOp(KvCodec.readCommand(r), stamp);
      }
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
          + at + " (known: 1 client-op, 2 new-config, 3 install-shard, 4 delete-shard, 5 gc-done, "
          + "6 stamped client-op)");
    }
    r.expectEnd("shard-group command");
    return command;
  }
}
