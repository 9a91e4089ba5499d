package io.shardkv.server.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One write-ahead-log record and its byte layout (big-endian):
 *
 * <pre>
 *   offset  size  field
 *   0       4     length  = number of bytes from offset 8 to the end of the record (17 + payload)
 *   4       4     crc     = CRC32C over bytes [0,4) and [8, 8+length)
 *   8       1     type    ({@link RecordType#code()})
 *   9       8     term
 *   17      8     index
 *   25      ...   payload (length - 17 bytes)
 * </pre>
 *
 * The CRC covers the length field too, so a flipped length bit is detected rather than silently
 * re-framing the rest of the segment.
 */
record WalRecord(RecordType type, long term, long index, byte[] payload) {
  static final int HEADER_SIZE = 25;
  /** Bytes of the body that are not payload: type, term, index. */
  static final int FIXED_BODY = 17;
  /** Largest payload accepted; bigger entries are rejected at append time. */
  static final int MAX_PAYLOAD = 64 << 20;

  int encodedSize() { return HEADER_SIZE + payload.length; }

  /** Appends the encoded record to {@code out} (which must have room). */
  void encodeTo(ByteBuffer out) {
    int start = out.position();
    out.putInt(FIXED_BODY + payload.length);
    out.putInt(0); // crc placeholder
    out.put(type.code());
    out.putLong(term);
    out.putLong(index);
    out.put(payload);
    int crc = crc(out.array(), out.arrayOffset() + start, FIXED_BODY + payload.length);
    out.putInt(start + 4, crc);
  }

  /** CRC32C of the 4 length bytes at {@code recordStart} and the body that starts 8 bytes later. */
  static int crc(byte[] buf, int recordStart, int bodyLength) {
    CRC32C c = new CRC32C();
    c.update(buf, recordStart, 4);
    c.update(buf, recordStart + 8, bodyLength);
    return (int) c.getValue();
  }

  /**
   * Checks the record at {@code offset} of {@code buf[0, limit)}: returns its payload length if a
   * whole, CRC-valid record of a known type starts there, else -1. Copies nothing.
   */
  static int check(byte[] buf, int offset, int limit) {
    if (limit - offset < HEADER_SIZE) return -1;
    int length = getInt(buf, offset);
    if (length < FIXED_BODY || length > FIXED_BODY + MAX_PAYLOAD) return -1;
    if ((long) offset + 8 + length > limit) return -1;
    if (getInt(buf, offset + 4) != crc(buf, offset, length)) return -1;
    if (RecordType.fromCode(buf[offset + 8]) == null) return -1;
    return length - FIXED_BODY;
  }

  static int getInt(byte[] b, int i) {
    return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
  }

  static long getLong(byte[] b, int i) {
    return ((long) getInt(b, i) << 32) | (getInt(b, i + 4) & 0xffffffffL);
  }
}
