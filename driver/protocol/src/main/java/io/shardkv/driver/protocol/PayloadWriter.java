package io.shardkv.driver.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds a payload with the primitive encodings of {@code docs/protocol.md} (big-endian). */
final class PayloadWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

  PayloadWriter u8(int v) {
    out.write(v);
    return this;
  }

  PayloadWriter i32(int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  PayloadWriter i64(long v) {
    i32((int) (v >>> 32));
    return i32((int) v);
  }

  /** u32 length + raw bytes. */
  PayloadWriter bytes(byte[] b) {
    i32(b.length);
    out.write(b, 0, b.length);
    return this;
  }

  /** u32 byte length + UTF-8. */
  PayloadWriter string(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** u8 presence (0 absent, 1 present) + string if present. */
  PayloadWriter optionalString(String s) {
    if (s == null) return u8(0);
    u8(1);
    return string(s);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
