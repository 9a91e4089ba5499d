package io.shardkv.server.kv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;

/**
 * Binary encoding of KV commands and results (version {@value #VERSION}).
 *
 * <pre>
 * command := u8 version=1, u8 tag, i64 clientId, i64 seq, op fields
 *          | u8 version=2, i64 leaderMillis, i64 idleMillis, u8 tag, i64 clientId, i64 seq, op fields
 *            (a write as a leader proposed it, stamped for session expiry: {@link SessionClock})
 *   tag 1 get    : string key
 *   tag 2 put    : string key, string value
 *   tag 3 append : string key, string value
 *   tag 4 cas    : string key, nullable-string expected, string value
 *   tag 5 delete : string key
 * result  := u8 version=1, u8 status code, nullable-string value
 * string  := i32 length, UTF-8 bytes;  nullable-string := u8 present (0|1), [string]
 * </pre>
 * Keys are at most {@value #MAX_KEY_BYTES} UTF-8 bytes. Decoding rejects anything else with a
 * {@link DecodeException}. Version 2 exists only for commands; results and snapshots keep their
 * version byte 1 (snapshots extend through their own kind byte).
 */
public final class KvCodec {
  public static final int VERSION = 1;
  /** The version byte of a command stamped by its leader (session expiry). */
  public static final int STAMPED_VERSION = 2;
  public static final int MAX_KEY_BYTES = 64 * 1024;

  static final int GET = 1;
  static final int PUT = 2;
  static final int APPEND = 3;
  static final int CAS = 4;
  static final int DELETE = 5;

  private KvCodec() {}

  public static byte[] encodeCommand(KvCommand cmd) {
    BinaryWriter w = new BinaryWriter();
    w.writeByte(VERSION);
    writeCommand(w, cmd);
    return w.toByteArray();
  }

  /** Decodes a command of either version (a stamp, if any, is dropped). */
  public static KvCommand decodeCommand(byte[] bytes) {
    return decodeStamped(bytes).command();
  }

  /** A command and the stamp its leader put on it (null for a version-1 command). */
  public record Stamped(KvCommand command, SessionClock.Stamp stamp) {}

  /** Decodes a command of either version with its stamp. */
  public static Stamped decodeStamped(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    int v = r.readByte("KV command version");
    SessionClock.Stamp stamp = null;
    if (v == STAMPED_VERSION) {
      stamp = readStamp(r);
    } else if (v != VERSION) {
      throw new DecodeException("unsupported KV command encoding version " + v + " (this build reads "
          + VERSION + " and " + STAMPED_VERSION + "); upgrade the reader or re-encode");
    }
    KvCommand cmd = readCommand(r);
    r.expectEnd("KV command");
    return new Stamped(cmd, stamp);
  }

  /**
   * The version-2 form of the version-1 command {@code command}: the same command stamped by its
   * leader. A command that is not version 1 is returned unchanged (already stamped).
   */
  public static byte[] stamp(byte[] command, SessionClock.Stamp stamp) {
    if (command.length == 0 || command[0] != VERSION) {
      return command;
    }
    BinaryWriter w = new BinaryWriter(17);
    w.writeByte(STAMPED_VERSION);
    writeStamp(w, stamp);
    return splice(w.toByteArray(), command, 1);
  }

  /** {@code head} followed by {@code body} from {@code from} on. */
  public static byte[] splice(byte[] head, byte[] body, int from) {
    byte[] out = java.util.Arrays.copyOf(head, head.length + body.length - from);
    System.arraycopy(body, from, out, head.length, body.length - from);
    return out;
  }

  public static void writeStamp(BinaryWriter w, SessionClock.Stamp stamp) {
    w.writeLong(stamp.leaderMillis()).writeLong(stamp.idleMillis());
  }

  public static SessionClock.Stamp readStamp(BinaryReader r) {
    long leader = r.readLong("leader clock stamp");
    long idle = r.readLong("session idle limit");
    if (idle < 0) {
      throw new DecodeException("negative session idle limit " + idle + " in a stamped command");
    }
    return new SessionClock.Stamp(leader, idle);
  }

  /** The command body without the version byte (for embedding in other commands). */
  public static void writeCommand(BinaryWriter w, KvCommand cmd) {
    KvOp op = cmd.op();
    int tag;
    if (op instanceof KvOp.Get) {
      tag = GET;
    } else if (op instanceof KvOp.Put) {
      tag = PUT;
    } else if (op instanceof KvOp.Append) {
      tag = APPEND;
    } else if (op instanceof KvOp.Cas) {
      tag = CAS;
    } else {
      tag = DELETE;
    }
    w.writeByte(tag).writeLong(cmd.clientId()).writeLong(cmd.seq()).writeString(op.key());
    if (op instanceof KvOp.Put p) {
      w.writeString(p.value());
    } else if (op instanceof KvOp.Append a) {
      w.writeString(a.value());
    } else if (op instanceof KvOp.Cas c) {
      w.writeNullableString(c.expected()).writeString(c.value());
    }
  }

  public static KvCommand readCommand(BinaryReader r) {
    int at = r.position();
    int tag = r.readByte("KV op tag");
    long clientId = r.readLong("client id");
    long seq = r.readLong("sequence number");
    String key = r.readString("key", MAX_KEY_BYTES);
    KvOp op;
    switch (tag) {
      case GET -> op = new KvOp.Get(key);
      case PUT -> op = new KvOp.Put(key, r.readString("put value"));
      case APPEND -> op = new KvOp.Append(key, r.readString("append value"));
      case CAS -> {
        String expected = r.readNullableString("cas expected value");
        op = new KvOp.Cas(key, expected, r.readString("cas new value"));
      }
      case DELETE -> op = new KvOp.Delete(key);
      default -> throw new DecodeException("unknown KV op tag " + tag + " at offset " + at
          + " (known: 1 get, 2 put, 3 append, 4 cas, 5 delete)");
    }
    return new KvCommand(clientId, seq, op);
  }

  public static byte[] encodeResult(KvResult result) {
    BinaryWriter w = new BinaryWriter(16);
    w.writeByte(VERSION);
    writeResult(w, result);
    return w.toByteArray();
  }

  public static KvResult decodeResult(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    expectVersion(r, "KV result");
    KvResult result = readResult(r);
    r.expectEnd("KV result");
    return result;
  }

  static void writeResult(BinaryWriter w, KvResult result) {
    w.writeByte(result.status().logCode()).writeNullableString(result.value());
  }

  static KvResult readResult(BinaryReader r) {
    int at = r.position();
    Status status;
    try {
      status = Status.fromLogCode(r.readByte("status code"));
    } catch (DecodeException e) {
      throw new DecodeException(e.getMessage() + " at offset " + at);
    }
    return new KvResult(status, r.readNullableString("result value"));
  }

  /** Reads the leading version byte, rejecting any version this code does not know. */
  public static void expectVersion(BinaryReader r, String what) {
    int v = r.readByte(what + " version");
    if (v != VERSION) {
      throw new DecodeException("unsupported " + what + " encoding version " + v + " (this build reads "
          + VERSION + "); upgrade the reader or re-encode");
    }
  }
}
