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
 *   tag 1 get    : string key
 *   tag 2 put    : string key, string value
 *   tag 3 append : string key, string value
 *   tag 4 cas    : string key, nullable-string expected, string value
 *   tag 5 delete : string key
 * result  := u8 version=1, u8 status code, nullable-string value
 * string  := i32 length, UTF-8 bytes;  nullable-string := u8 present (0|1), [string]
 * </pre>
 * Keys are at most {@value #MAX_KEY_BYTES} UTF-8 bytes. Decoding rejects anything else with a
 * {@link DecodeException}.
 */
public final class KvCodec {
  public static final int VERSION = 1;
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

  public static KvCommand decodeCommand(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    expectVersion(r, "KV command");
    KvCommand cmd = readCommand(r);
    r.expectEnd("KV command");
    return cmd;
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
    w.writeByte(result.status().code()).writeNullableString(result.value());
  }

  static KvResult readResult(BinaryReader r) {
    int at = r.position();
    Status status;
    try {
      status = Status.fromCode(r.readByte("status code"));
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
