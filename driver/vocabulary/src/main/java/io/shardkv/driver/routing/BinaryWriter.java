package io.shardkv.driver.routing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Big-endian writer for the compact binary encodings of commands, results, configurations and
 * snapshots (the same layout as {@link java.io.DataOutputStream}, without checked exceptions).
 * Strings are UTF-8 with an explicit int length; byte arrays carry an explicit int length.
 * The decoding side is {@link BinaryReader}.
 */
public final class BinaryWriter {
  private final ByteArrayOutputStream out;

  public BinaryWriter() {
    this(64);
  }

  public BinaryWriter(int initialCapacity) {
    out = new ByteArrayOutputStream(initialCapacity);
  }

  public BinaryWriter writeByte(int v) {
    out.write(v);
    return this;
  }

  public BinaryWriter writeBoolean(boolean v) {
    return writeByte(v ? 1 : 0);
  }

  public BinaryWriter writeInt(int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  public BinaryWriter writeLong(long v) {
    writeInt((int) (v >>> 32));
    return writeInt((int) v);
  }

  public BinaryWriter writeBytes(byte[] b) {
    writeInt(b.length);
    out.write(b, 0, b.length);
    return this;
  }

  public BinaryWriter writeString(String s) {
    return writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A string that may be absent: one presence byte (0 absent, 1 present), then the string. */
  public BinaryWriter writeNullableString(String s) {
    writeBoolean(s != null);
    return s == null ? this : writeString(s);
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }
}
