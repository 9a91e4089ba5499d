package io.shardkv.driver.protocol;

import io.shardkv.driver.routing.Status;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a payload's fields with bounds checks: every length or count is checked against the bytes
 * that remain before anything is allocated, and every failure names the frame type, field and
 * payload offset.
 */
final class PayloadReader {
  private final ByteBuffer buf;
  private final FrameType type;
  private final long requestId;

  PayloadReader(Frame frame) {
    this.buf = ByteBuffer.wrap(frame.payload());
    this.type = frame.type();
    this.requestId = frame.requestId();
  }

  int u8(String field) throws FrameException {
    need(1, field);
    return buf.get() & 0xFF;
  }

  int i32(String field) throws FrameException {
    need(4, field);
    return buf.getInt();
  }

  long i64(String field) throws FrameException {
    need(8, field);
    return buf.getLong();
  }

  /**
   * A u32 count of elements each at least {@code minElementBytes} long; rejected if the remaining
   * payload cannot hold that many, so a forged count never allocates.
   */
  int count(String field, int minElementBytes) throws FrameException {
    int at = buf.position();
    long n = i32(field) & 0xFFFF_FFFFL;
    if (n * minElementBytes > buf.remaining()) {
      throw malformed(field + " count " + n + " at payload offset " + at + " needs at least "
          + n * minElementBytes + " bytes but only " + buf.remaining() + " remain");
    }
    return (int) n;
  }

  byte[] bytes(String field) throws FrameException {
    int n = count(field + " length", 1);
    byte[] b = new byte[n];
    buf.get(b);
    return b;
  }

  String string(String field) throws FrameException {
    int at = buf.position();
    int n = count(field + " length", 1);
    if (isAscii(n)) { // the common case: no validation needed, and the cheapest conversion
      String ascii = new String(buf.array(), buf.arrayOffset() + buf.position(), n, StandardCharsets.ISO_8859_1);
      buf.position(buf.position() + n);
      return ascii;
    }
    CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer slice = buf.slice();
    slice.limit(n);
    try {
      CharBuffer chars = dec.decode(slice);
      buf.position(buf.position() + n);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw malformed(field + " at payload offset " + at + " is not valid UTF-8");
    }
  }

  private boolean isAscii(int n) {
    byte[] a = buf.array();
    int from = buf.arrayOffset() + buf.position();
    for (int i = from; i < from + n; i++) {
      if (a[i] < 0) return false;
    }
    return true;
  }

  String optionalString(String field) throws FrameException {
    int at = buf.position();
    int flag = u8(field + " presence");
    if (flag == 0) return null;
    if (flag != 1) {
      throw malformed(field + " presence byte at payload offset " + at + " is " + flag + ", expected 0 or 1");
    }
    return string(field);
  }

  /** True while payload bytes remain (an optional trailing field follows). */
  boolean hasRemaining() {
    return buf.hasRemaining();
  }

  /** Checks that the whole payload was consumed. */
  void end() throws FrameException {
    if (buf.hasRemaining()) {
      throw malformed(buf.remaining() + " unexpected trailing bytes at payload offset " + buf.position()
          + " (payload is " + buf.limit() + " bytes)");
    }
  }

  FrameException malformed(String what) {
    return new FrameException(Status.MALFORMED_FRAME, requestId,
        "malformed " + type + " payload (request id " + requestId + "): " + what);
  }

  private void need(int n, String field) throws FrameException {
    if (buf.remaining() < n) {
      throw malformed("payload ends at offset " + buf.position() + " while reading " + field
          + " (" + n + " bytes needed, " + buf.remaining() + " left)");
    }
  }
}
