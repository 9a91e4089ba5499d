package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvData;

/**
 * The group-to-group messages of the migration protocol (see {@link MigrationPlanner}), with their
 * binary encoding (version 1). They travel between servers as opaque bytes; how (a peer frame, a
 * dedicated request type) is the transport's business.
 *
 * <pre>
 * message := u8 version=1, u8 tag, body
 *   tag 1 pull-request   : i32 configNum, i32 shard
 *   tag 2 pull-reply     : i32 configNum, i32 shard, u8 status (1 READY, 2 NOT_YET, 3 GONE),
 *                          [KV data, iff READY]
 *   tag 3 delete-request : i32 configNum, i32 shard
 *   tag 4 delete-reply   : i32 configNum, i32 shard, u8 done (0 retry later | 1 deleted)
 * </pre>
 */
public sealed interface MigrationRpc {

  /** New owner → previous owner: "send me {@code shard} as frozen at {@code configNum}". */
  record PullRequest(int configNum, int shard) implements MigrationRpc {}

  /** Previous owner's answer, from {@link MigrationPlanner#exportShard}. */
  record PullReply(int configNum, int shard, MigrationPlanner.ShardExport export)
      implements MigrationRpc {}

  /** New owner → previous owner: "I installed {@code shard} at {@code configNum}; delete yours". */
  record DeleteRequest(int configNum, int shard) implements MigrationRpc {}

  /** Previous owner's answer: {@code done} once its copy is deleted, else retry later. */
  record DeleteReply(int configNum, int shard, boolean done) implements MigrationRpc {}

  int PULL_REQUEST = 1;
  int PULL_REPLY = 2;
  int DELETE_REQUEST = 3;
  int DELETE_REPLY = 4;

  static byte[] encode(MigrationRpc m) {
    BinaryWriter w = new BinaryWriter();
    w.writeByte(KvCodec.VERSION);
    if (m instanceof PullRequest p) {
      w.writeByte(PULL_REQUEST).writeInt(p.configNum()).writeInt(p.shard());
    } else if (m instanceof PullReply p) {
      w.writeByte(PULL_REPLY).writeInt(p.configNum()).writeInt(p.shard())
          .writeByte(switch (p.export().status()) {
            case READY -> 1;
            case NOT_YET -> 2;
            case GONE -> 3;
          });
      if (p.export().status() == MigrationPlanner.ExportStatus.READY) {
        p.export().data().encodeTo(w);
      }
    } else if (m instanceof DeleteRequest d) {
      w.writeByte(DELETE_REQUEST).writeInt(d.configNum()).writeInt(d.shard());
    } else if (m instanceof DeleteReply d) {
      w.writeByte(DELETE_REPLY).writeInt(d.configNum()).writeInt(d.shard()).writeBoolean(d.done());
    }
    return w.toByteArray();
  }

  static MigrationRpc decode(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    KvCodec.expectVersion(r, "migration message");
    int at = r.position();
    int tag = r.readByte("migration message tag");
    if (tag < PULL_REQUEST || tag > DELETE_REPLY) {
      throw new DecodeException("unknown migration message tag " + tag + " at offset " + at
          + " (known: 1 pull-request, 2 pull-reply, 3 delete-request, 4 delete-reply)");
    }
    int configNum = r.readIntInRange("config number", 0, Integer.MAX_VALUE);
    int shard = r.readIntInRange("shard", 0, ShardConfig.MAX_SHARDS - 1);
    MigrationRpc m;
    switch (tag) {
      case PULL_REQUEST -> m = new PullRequest(configNum, shard);
      case PULL_REPLY -> {
        int code = r.readByte("pull status");
        MigrationPlanner.ExportStatus status = switch (code) {
          case 1 -> MigrationPlanner.ExportStatus.READY;
          case 2 -> MigrationPlanner.ExportStatus.NOT_YET;
          case 3 -> MigrationPlanner.ExportStatus.GONE;
          default -> throw new DecodeException("unknown pull status " + code
              + " (known: 1 READY, 2 NOT_YET, 3 GONE)");
        };
        KvData data = status == MigrationPlanner.ExportStatus.READY ? KvData.decodeFrom(r) : null;
        m = new PullReply(configNum, shard, new MigrationPlanner.ShardExport(status, data));
      }
      case DELETE_REQUEST -> m = new DeleteRequest(configNum, shard);
      default -> m = new DeleteReply(configNum, shard, r.readBoolean("delete done"));
    }
    r.expectEnd("migration message");
    return m;
  }
}
