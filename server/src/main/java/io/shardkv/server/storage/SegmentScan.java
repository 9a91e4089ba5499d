package io.shardkv.server.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * The result of scanning the bytes of one segment file from the start: the whole, CRC-valid
 * records up to the first bad one, and, if there is a bad one, where it starts and whether any
 * valid record follows it.
 *
 * <p>The last question decides between the two ways a record can be bad. A crash while records
 * were being written leaves garbage only at the end of what was written, so nothing valid can
 * follow (a <em>torn tail</em>). If a valid record does follow, the bad bytes are in the middle of
 * data that was written after them, which a crash cannot produce: that is corruption.
 */
record SegmentScan(List<Located> records, int validEnd, int badOffset, boolean validRecordAfterBad) {

  /** A record and the byte offset where it starts. */
  record Located(WalRecord record, int offset) {}

  boolean clean() { return badOffset < 0; }

  static SegmentScan of(byte[] bytes, int size) {
    List<Located> records = new ArrayList<>();
    int pos = 0;
    while (pos < size) {
      WalRecord r = WalRecord.decode(bytes, pos, size);
      if (r == null) {
        return new SegmentScan(records, pos, pos, anyValidRecordAfter(bytes, pos + 1, size));
      }
      records.add(new Located(r, pos));
      pos += r.encodedSize();
    }
    return new SegmentScan(records, pos, -1, false);
  }

  /**
   * True if a whole, CRC-valid record starts at any offset in {@code [from, size)}. Tries every
   * offset, because a corrupted length field tells nothing about where the next record starts.
   * Only runs once per recovery, over the tail after a bad record.
   */
  private static boolean anyValidRecordAfter(byte[] bytes, int from, int size) {
    for (int p = from; p + WalRecord.HEADER_SIZE <= size; p++) {
      if (WalRecord.decode(bytes, p, size) != null) return true;
    }
    return false;
  }
}
