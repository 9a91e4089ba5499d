package io.shardkv.driver.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One decoded frame: type, request id and raw payload. The payload is interpreted by
 * {@link MessageCodec}. The payload array is owned by the frame; do not mutate it.
 */
public final class Frame {
  private final FrameType type;
  private final long requestId;
  private final byte[] payload;

  public Frame(FrameType type, long requestId, byte[] payload) {
    this.type = Objects.requireNonNull(type, "type");
    this.requestId = requestId;
    this.payload = Objects.requireNonNull(payload, "payload");
  }

  public FrameType type() { return type; }
  public long requestId() { return requestId; }
  public byte[] payload() { return payload; }

  /** Bytes this frame occupies on the wire. */
  public int wireSize() { return Wire.HEADER_BYTES + payload.length; }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && f.type == type && f.requestId == requestId
        && Arrays.equals(f.payload, payload);
  }

  @Override
  public int hashCode() {
    return (type.code() * 31 + Long.hashCode(requestId)) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Frame{" + type + " id=" + requestId + " " + payload.length + "B}";
  }
}
