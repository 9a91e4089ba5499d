package io.shardkv.driver.protocol;

import java.nio.ByteBuffer;

/** Writes frames in the wire layout of {@code docs/protocol.md}. Stateless and thread-safe. */
public final class FrameEncoder {
  private FrameEncoder() {}

  /** A fresh heap buffer holding the whole frame, positioned at 0 and ready to be written. */
  public static ByteBuffer encode(Frame frame) {
    ByteBuffer buf = ByteBuffer.allocate(frame.wireSize());
    writeTo(frame, buf);
    return buf.flip();
  }

  /** The frame's wire bytes as an array. */
  public static byte[] toBytes(Frame frame) {
    return encode(frame).array();
  }

  /** Puts the frame into {@code out} (big-endian), which must have {@code wireSize()} bytes left. */
  public static void writeTo(Frame frame, ByteBuffer out) {
    out.putShort((short) Wire.MAGIC);
    out.put((byte) Wire.VERSION);
    out.put((byte) frame.type().code());
    out.putLong(frame.requestId());
    out.putInt(frame.payload().length);
    out.put(frame.payload());
  }
}
