package io.shardkv.driver.routing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reader for what {@link BinaryWriter} wrote. Every read checks that the bytes are
 * there; every length or element count is checked against the bytes that remain before anything is
 * allocated, so a hostile length can never make the decoder allocate more than the input's size.
 * Any violation throws {@link DecodeException} naming the field ({@code what}) and the offset.
 */
public final class BinaryReader {
  private final byte[] buf;
  private int pos;

  public BinaryReader(byte[] buf) {
    if (buf == null) {
      throw new DecodeException("expected encoded bytes but got null");
    }
    this.buf = buf;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return buf.length - pos;
  }

  private void need(int n, String what) {
    if (n < 0 || n > remaining()) {
      throw new DecodeException("truncated input: " + what + " needs " + n + " byte(s) at offset "
          + pos + " but only " + remaining() + " remain (total " + buf.length + ")");
    }
  }

  public int readByte(String what) {
    need(1, what);
    return buf[pos++] & 0xff;
  }

  public boolean readBoolean(String what) {
    int at = pos;
    int b = readByte(what);
    if (b > 1) {
      throw new DecodeException("invalid boolean for " + what + " at offset " + at + ": " + b
          + " (expected 0 or 1)");
    }
    return b == 1;
  }

  public int readInt(String what) {
    need(4, what);
    int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
        | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  public long readLong(String what) {
    long hi = readInt(what) & 0xffffffffL;
    long lo = readInt(what) & 0xffffffffL;
    return (hi << 32) | lo;
  }

  /** An int in {@code [min, max]}, else a DecodeException naming the range. */
  public int readIntInRange(String what, int min, int max) {
    int at = pos;
    int v = readInt(what);
    if (v < min || v > max) {
      throw new DecodeException(what + " at offset " + at + " is " + v + ", outside [" + min + ", "
          + max + "]");
    }
    return v;
  }

  /**
   * An element count for a collection whose elements take at least {@code minElementBytes} each:
   * rejected if negative or if that many elements cannot fit in the remaining bytes.
   */
  public int readCount(String what, int minElementBytes) {
    int at = pos;
    int n = readInt(what);
    if (n < 0 || (long) n * Math.max(1, minElementBytes) > remaining()) {
      throw new DecodeException("invalid count for " + what + " at offset " + at + ": " + n
          + " (only " + remaining() + " byte(s) remain)");
    }
    return n;
  }

  public byte[] readBytes(String what) {
    int at = pos;
    int n = readInt(what);
    if (n < 0 || n > remaining()) {
      throw new DecodeException("invalid length for " + what + " at offset " + at + ": " + n
          + " (only " + remaining() + " byte(s) remain)");
    }
    byte[] b = new byte[n];
    System.arraycopy(buf, pos, b, 0, n);
    pos += n;
    return b;
  }

  public String readString(String what) {
    return readString(what, Integer.MAX_VALUE);
  }

  /** A string of at most {@code maxBytes} UTF-8 bytes. */
  public String readString(String what, int maxBytes) {
    int at = pos;
    if (remaining() >= 4) {
      int n = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
          | (buf[pos + 3] & 0xff);
      if (n > maxBytes) {
        throw new DecodeException(what + " at offset " + at + " is " + n + " bytes long; the limit is "
            + maxBytes);
      }
    }
    byte[] b = readBytes(what);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new DecodeException("malformed UTF-8 in " + what + " at offset " + at);
    }
  }

  public String readNullableString(String what) {
    return readBoolean(what + " presence") ? readString(what) : null;
  }

  /** Fails unless every byte was consumed: trailing bytes mean a framing or version mismatch. */
  public void expectEnd(String what) {
    if (remaining() != 0) {
      throw new DecodeException("trailing garbage after " + what + ": " + remaining()
          + " unexpected byte(s) at offset " + pos);
    }
  }
}
