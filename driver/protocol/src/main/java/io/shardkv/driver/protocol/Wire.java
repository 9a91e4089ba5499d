package io.shardkv.driver.protocol;

/** Constants of the frame header. All multi-byte integers on the wire are big-endian. */
public final class Wire {
  /** Header bytes 0..1: the ASCII letters "SK". */
  public static final int MAGIC = 0x534B;
  /** Header byte 2: the protocol version this code speaks. */
  public static final int VERSION = 1;
  /** Bytes before the payload: magic(2) version(1) type(1) requestId(8) payloadLength(4). */
  public static final int HEADER_BYTES = 16;
  /** Default maximum payload length accepted by a decoder: 16 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
  /** Largest maximum a decoder may be configured with (a Java array must hold the payload). */
  public static final int ABSOLUTE_MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 64;

  private Wire() {}
}
