package io.shardkv.server.configcenter;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.SessionClock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Binary encoding of config-center commands and results (version 1).
 *
 * <pre>
 * command := u8 version=1, u8 tag, i64 clientId, i64 seq, op fields
 *          | u8 version=2, i64 leaderMillis, i64 idleMillis, u8 tag, i64 clientId, i64 seq, op fields
 *            (a write as its leader proposed it, stamped for session expiry: {@link SessionClock})
 *   tag 1 join  : i32 groupCount, { i32 gid (>0), i32 serverCount, string* }
 *   tag 2 leave : i32 gidCount, i32*
 *   tag 3 move  : i32 shard, i32 gid
 *   tag 4 query : i32 num (-1 = latest)
 *   tag 5 force-move : i32 shard, i32 gid (a move without migration, see {@link ConfigCenterOp.Move})
 * result  := u8 version=1, u8 status, u8 hasConfig, [config], nullable-string message
 * </pre>
 * Config encoding: {@link ShardConfig#encodeTo}.
 */
public final class ConfigCenterCodec {
  static final int JOIN = 1;
  static final int LEAVE = 2;
  static final int MOVE = 3;
  static final int QUERY = 4;
  static final int FORCE_MOVE = 5;

  private ConfigCenterCodec() {}

  public static byte[] encodeCommand(ConfigCenterCommand cmd) {
    BinaryWriter w = new BinaryWriter();
    w.writeByte(KvCodec.VERSION);
    ConfigCenterOp op = cmd.op();
    if (op instanceof ConfigCenterOp.Join j) {
      w.writeByte(JOIN).writeLong(cmd.clientId()).writeLong(cmd.seq()).writeInt(j.groups().size());
      j.groups().forEach((gid, servers) -> {
        w.writeInt(gid).writeInt(servers.size());
        servers.forEach(w::writeString);
      });
    } else if (op instanceof ConfigCenterOp.Leave l) {
      w.writeByte(LEAVE).writeLong(cmd.clientId()).writeLong(cmd.seq()).writeInt(l.gids().size());
      l.gids().forEach(w::writeInt);
    } else if (op instanceof ConfigCenterOp.Move m) {
      w.writeByte(m.force() ? FORCE_MOVE : MOVE).writeLong(cmd.clientId()).writeLong(cmd.seq()).writeInt(m.shard())
          .writeInt(m.gid());
    } else if (op instanceof ConfigCenterOp.Query q) {
      w.writeByte(QUERY).writeLong(cmd.clientId()).writeLong(cmd.seq()).writeInt(q.num());
    }
    return w.toByteArray();
  }

  /** Decodes a command of either version (a stamp, if any, is dropped). */
  public static ConfigCenterCommand decodeCommand(byte[] bytes) {
    return decodeStamped(bytes).command();
  }

  /** A command and the stamp its leader put on it (null for a version-1 command). */
  public record Stamped(ConfigCenterCommand command, SessionClock.Stamp stamp) {}

  /** The version-2 (stamped) form of a version-1 command; anything else is returned unchanged. */
  public static byte[] stamp(byte[] command, SessionClock.Stamp stamp) {
    return KvCodec.stamp(command, stamp); // the same envelope: version byte 2, the stamp, the v1 body
  }

  public static Stamped decodeStamped(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    int version = r.readByte("config-center command version");
    SessionClock.Stamp stamp = null;
    if (version == KvCodec.STAMPED_VERSION) {
      stamp = KvCodec.readStamp(r);
    } else if (version != KvCodec.VERSION) {
      throw new DecodeException("unsupported config-center command encoding version " + version + " (this build reads "
          + KvCodec.VERSION + " and " + KvCodec.STAMPED_VERSION + "); upgrade the reader or re-encode");
    }
    int at = r.position();
    int tag = r.readByte("config-center op tag");
    long clientId = r.readLong("client id");
    long seq = r.readLong("sequence number");
    ConfigCenterOp op;
    switch (tag) {
      case JOIN -> {
        int n = r.readCount("joining group count", 8);
        TreeMap<Integer, List<String>> groups = new TreeMap<>();
        for (int i = 0; i < n; i++) {
          int gid = r.readIntInRange("joining gid", 1, Integer.MAX_VALUE);
          int m = r.readCount("server count", 4);
          List<String> servers = new ArrayList<>(m);
          for (int j = 0; j < m; j++) {
            servers.add(r.readString("server name"));
          }
          if (groups.put(gid, servers) != null) {
            throw new DecodeException("join lists gid " + gid + " twice");
          }
        }
        op = new ConfigCenterOp.Join(groups);
      }
      case LEAVE -> {
        int n = r.readCount("leaving gid count", 4);
        List<Integer> gids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          gids.add(r.readInt("leaving gid"));
        }
        op = new ConfigCenterOp.Leave(gids);
      }
      case MOVE -> op = new ConfigCenterOp.Move(r.readInt("moved shard"), r.readInt("target gid"));
      case FORCE_MOVE -> op = new ConfigCenterOp.Move(r.readInt("moved shard"), r.readInt("target gid"), true);
      case QUERY -> op = new ConfigCenterOp.Query(r.readInt("queried config number"));
      default -> throw new DecodeException("unknown config-center op tag " + tag + " at offset " + at
          + " (known: 1 join, 2 leave, 3 move, 4 query, 5 force-move)");
    }
    r.expectEnd("config-center command");
    return new Stamped(new ConfigCenterCommand(clientId, seq, op), stamp);
  }

  public static byte[] encodeResult(ConfigCenterResult result) {
    BinaryWriter w = new BinaryWriter();
    w.writeByte(KvCodec.VERSION).writeByte(result.status().logCode()).writeBoolean(result.config() != null);
    if (result.config() != null) {
      result.config().encodeTo(w);
    }
    w.writeNullableString(result.message());
    return w.toByteArray();
  }

  public static ConfigCenterResult decodeResult(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    KvCodec.expectVersion(r, "config-center result");
    Status status = Status.fromLogCode(r.readByte("status code"));
    ShardConfig config = r.readBoolean("config presence") ? ShardConfig.decodeFrom(r) : null;
    String message = r.readNullableString("message");
    r.expectEnd("config-center result");
    return new ConfigCenterResult(status, config, message);
  }
}
