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
   * Decodes the record at {@code offset} of {@code buf[0, limit)}, or returns null if there is no
   * whole, CRC-valid record of a known type there.
   */
  static WalRecord decode(byte[] buf, int offset, int limit) {
    if (limit - offset < HEADER_SIZE) return null;
    ByteBuffer b = ByteBuffer.wrap(buf, 0, limit);
    int length = b.getInt(offset);
    if (length < FIXED_BODY || length > FIXED_BODY + MAX_PAYLOAD) return null;
    if ((long) offset + 8 + length > limit) return null;
    if (b.getInt(offset + 4) != crc(buf, offset, length)) return null;
    RecordType type = RecordType.fromCode(buf[offset + 8]);
    if (type == null) return null;
    long term = b.getLong(offset + 9);
    long index = b.getLong(offset + 17);
    byte[] payload = new byte[length - FIXED_BODY];
    System.arraycopy(buf, offset + HEADER_SIZE, payload, 0, payload.length);
    return new WalRecord(type, term, index, payload);
  }
}
