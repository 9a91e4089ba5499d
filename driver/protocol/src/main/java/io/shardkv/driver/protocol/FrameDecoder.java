package io.shardkv.driver.protocol;

import io.shardkv.driver.routing.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Incremental decoder of a byte stream into {@link Frame}s: feed it whatever a read returned, in
 * any split, and it emits each frame as soon as its last byte arrives.
 *
 * <h2>Validation, in stream order</h2>
 * <ol>
 *   <li>bytes 0..1 must be the magic {@code 0x534B} — checked byte by byte, so garbage is rejected
 *       at its first byte;</li>
 *   <li>byte 2 must be {@link Wire#VERSION};</li>
 *   <li>once the 16-byte header is complete: the type must be known, and the payload length (an
 *       unsigned 32-bit integer) must not exceed the configured maximum. Both are checked before
 *       any payload memory is allocated.</li>
 * </ol>
 * Payload memory is allocated as payload bytes arrive (growing geometrically up to the declared
 * length), never up front: a peer that declares 16 MiB and sends 10 bytes costs about 10 bytes
 * (at most {@value #INITIAL_PAYLOAD_CHUNK} bytes).
 *
 * <p>The first violation throws a {@link FrameException} naming the problem and its stream offset;
 * the decoder is then failed and rejects further input (the connection must be closed, because the
 * frame boundary is lost). Not thread-safe: one connection's reader owns it.
 */
public final class FrameDecoder {
  /** Payload bytes allocated at first for a frame, before more bytes arrive. */
  public static final int INITIAL_PAYLOAD_CHUNK = 4096;

  private final int maxPayloadBytes;
  private final byte[] header = new byte[Wire.HEADER_BYTES];
  private int headerFill;
  private FrameType type;
  private long requestId;
  private int payloadLength = -1; // -1 while reading the header
  private byte[] payload;
  private int payloadFill;
  private long streamOffset; // bytes consumed so far
  private long frameStartOffset;
  private long framesDecoded;
  private String failure;

  /** A decoder accepting payloads up to {@link Wire#DEFAULT_MAX_PAYLOAD_BYTES}. */
  public FrameDecoder() {
    this(Wire.DEFAULT_MAX_PAYLOAD_BYTES);
  }

  public FrameDecoder(int maxPayloadBytes) {
    if (maxPayloadBytes < 0 || maxPayloadBytes > Wire.ABSOLUTE_MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("maxPayloadBytes must be in [0, "
          + Wire.ABSOLUTE_MAX_PAYLOAD_BYTES + "]: " + maxPayloadBytes);
    }
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /**
   * Consumes every remaining byte of {@code in}, passing each completed frame to {@code sink} in
   * stream order. Frames completed before a violation are delivered before the exception.
   */
  public void feed(ByteBuffer in, Consumer<Frame> sink) throws FrameException {
    Frame f;
    while ((f = next(in)) != null) sink.accept(f);
  }

  /**
   * Consumes bytes of {@code in} up to the end of the next frame and returns that frame, or returns
   * null once {@code in} is exhausted without completing one. Lets a caller stop between frames
   * (e.g. to apply backpressure) and keep the rest of {@code in} for later.
   */
  public Frame next(ByteBuffer in) throws FrameException {
    if (failure != null) throw new IllegalStateException("decoder already failed: " + failure);
    while (in.hasRemaining()) {
      if (payloadLength < 0) {
        readHeaderByte(in.get());
      } else {
        readPayload(in);
      }
      if (payloadLength >= 0 && payloadFill == payloadLength) return completeFrame();
    }
    return null;
  }

  /** Convenience: decodes a complete byte sequence and checks it ends on a frame boundary. */
  public static List<Frame> decodeAll(byte[] bytes, int maxPayloadBytes) throws FrameException {
    FrameDecoder d = new FrameDecoder(maxPayloadBytes);
    List<Frame> out = new ArrayList<>();
    d.feed(ByteBuffer.wrap(bytes), out::add);
    d.endOfStream();
    return out;
  }

  /**
   * Declares that the stream ended. Throws if a frame was only partly received (a truncated frame).
   */
  public void endOfStream() throws FrameException {
    if (failure == null && hasPartialFrame()) {
      String what = payloadLength < 0
          ? headerFill + " of " + Wire.HEADER_BYTES + " header bytes"
          : payloadFill + " of " + payloadLength + " payload bytes of a " + type + " frame";
      throw fail(Status.MALFORMED_FRAME, payloadLength < 0 ? FrameException.NO_REQUEST_ID : requestId,
          "truncated frame at stream offset " + frameStartOffset + ": the stream ended after " + what);
    }
  }

  /** True if some bytes of a frame have been received but not the whole frame. */
  public boolean hasPartialFrame() {
    return headerFill > 0;
  }

  /** Bytes of the current partial frame received so far (header and payload). */
  public long partialFrameBytes() {
    return headerFill + (payloadLength < 0 ? 0 : payloadFill);
  }

  /** Bytes currently allocated for the partial frame's payload. */
  public int allocatedPayloadBytes() {
    return payload == null ? 0 : payload.length;
  }

  /** Frames emitted so far. */
  public long framesDecoded() { return framesDecoded; }

  /** Bytes consumed so far. */
  public long streamOffset() { return streamOffset; }

  /** The configured maximum payload length. */
  public int maxPayloadBytes() { return maxPayloadBytes; }

  private void readHeaderByte(byte b) throws FrameException {
    if (headerFill == 0) frameStartOffset = streamOffset;
    int at = headerFill;
    header[headerFill++] = b;
    streamOffset++;
    int v = b & 0xFF;
    if (at == 0 && v != (Wire.MAGIC >>> 8) || at == 1 && v != (Wire.MAGIC & 0xFF)) {
      throw fail(Status.MALFORMED_FRAME, FrameException.NO_REQUEST_ID, String.format(
          "bad magic byte 0x%02x at stream offset %d (frame header byte %d; expected 0x%02x, every frame"
              + " starts with 0x53 0x4B \"SK\") — not a ShardKV client, or a lost frame boundary",
          v, streamOffset - 1, at, at == 0 ? Wire.MAGIC >>> 8 : Wire.MAGIC & 0xFF));
    }
    if (at == 2 && v != Wire.VERSION) {
      throw fail(Status.UNSUPPORTED_VERSION, FrameException.NO_REQUEST_ID,
          "unsupported protocol version " + v + " at stream offset " + (streamOffset - 1)
              + " (this side speaks version " + Wire.VERSION + ")");
    }
    if (headerFill == Wire.HEADER_BYTES) headerComplete();
  }

  private void headerComplete() throws FrameException {
    ByteBuffer h = ByteBuffer.wrap(header);
    int typeCode = h.get(3) & 0xFF;
    requestId = h.getLong(4);
    long length = h.getInt(12) & 0xFFFF_FFFFL;
    type = FrameType.fromCode(typeCode);
    if (type == null) {
      throw fail(Status.UNKNOWN_FRAME_TYPE, requestId, "unknown frame type " + FrameType.hex(typeCode)
          + " in frame at stream offset " + frameStartOffset + " (request id " + requestId
          + "); see docs/protocol.md for the known types");
    }
    if (length > maxPayloadBytes) {
      throw fail(Status.FRAME_TOO_LARGE, requestId, "payload length " + length + " of " + type
          + " frame at stream offset " + frameStartOffset + " (request id " + requestId
          + ") exceeds the maximum of " + maxPayloadBytes + " bytes");
    }
    payloadLength = (int) length;
    payloadFill = 0;
    payload = payloadLength == 0 ? new byte[0]
        : new byte[Math.min(payloadLength, INITIAL_PAYLOAD_CHUNK)];
  }

  private void readPayload(ByteBuffer in) {
    int want = payloadLength - payloadFill;
    int n = Math.min(want, in.remaining());
    if (payloadFill + n > payload.length) {
      // Grow geometrically, never beyond what the header declared.
      int cap = (int) Math.min(payloadLength, Math.max(2L * payload.length, payloadFill + (long) n));
      payload = Arrays.copyOf(payload, cap);
    }
    in.get(payload, payloadFill, n);
    payloadFill += n;
    streamOffset += n;
  }

  private Frame completeFrame() {
    Frame f = new Frame(type, requestId, payload);
    headerFill = 0;
    payloadLength = -1;
    payload = null;
    payloadFill = 0;
    type = null;
    framesDecoded++;
    return f;
  }

  private FrameException fail(Status status, long id, String message) {
    failure = message;
    return new FrameException(status, id, message);
  }
}
