package io.shardkv.driver.routing;

import java.util.Arrays;
import java.nio.charset.StandardCharsets;

/**
 * Big-endian writer for the compact binary encodings of commands, results, configurations and
 * snapshots (the same layout as {@link java.io.DataOutputStream}, without checked exceptions).
 * Strings are UTF-8 with an explicit int length; byte arrays carry an explicit int length.
 * The decoding side is {@link BinaryReader}.
 */
public final class BinaryWriter {
  // A plain growable array: ByteArrayOutputStream's synchronized write(int) per byte was ~5 % of a
  // server's event-loop samples (issue 13: every peer message and command is encoded here).
  private byte[] buf;
  private int size;

  public BinaryWriter() {
    this(64);
  }

  public BinaryWriter(int initialCapacity) {
    if (initialCapacity < 0) throw new IllegalArgumentException("negative initial capacity " + initialCapacity);
    buf = new byte[initialCapacity];
  }

  /** Room for {@code n} more bytes. */
  private void ensure(int n) {
    int need = size + n;
    if (need < 0) throw new OutOfMemoryError("BinaryWriter: more than 2 GiB");
    if (need > buf.length) buf = Arrays.copyOf(buf, Math.max(need, Math.max(16, buf.length * 2)));
  }

  public BinaryWriter writeByte(int v) {
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  public BinaryWriter writeBoolean(boolean v) {
    return writeByte(v ? 1 : 0);
  }

  public BinaryWriter writeInt(int v) {
    ensure(4);
    buf[size] = (byte) (v >>> 24);
    buf[size + 1] = (byte) (v >>> 16);
    buf[size + 2] = (byte) (v >>> 8);
    buf[size + 3] = (byte) v;
    size += 4;
    return this;
  }

  public BinaryWriter writeLong(long v) {
    writeInt((int) (v >>> 32));
    return writeInt((int) v);
  }

  public BinaryWriter writeBytes(byte[] b) {
    writeInt(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
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
    return Arrays.copyOf(buf, size);
  }
}
