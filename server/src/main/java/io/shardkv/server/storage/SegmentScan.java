package io.shardkv.server.storage;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.LogEntry;
import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * A valid record found at {@code offset} of {@code segment}. Its payload stays in the segment's
   * bytes until asked for, so an entry's data is copied once, straight into its {@link LogEntry}.
   */
  record Located(RecordType type, long term, long index, int offset, int payloadLength,
                 byte[] segment) {
    int payloadOffset() { return offset + WalRecord.HEADER_SIZE; }

    int encodedSize() { return WalRecord.HEADER_SIZE + payloadLength; }

    /** The record with a copy of its payload. */
    WalRecord record() {
      return new WalRecord(type, term, index,
          Arrays.copyOfRange(segment, payloadOffset(), payloadOffset() + payloadLength));
    }

    /** The log entry an ENTRY / ENTRY_MORE record holds. */
    LogEntry entry() {
      if (payloadLength < 1) throw new IllegalArgumentException("entry record without kind byte");
      byte[] data = Arrays.copyOfRange(segment, payloadOffset() + 1, payloadOffset() + payloadLength);
      return new LogEntry(index, term, EntryKind.fromCode(segment[payloadOffset()]), data);
    }
  }

  boolean clean() { return badOffset < 0; }

  static SegmentScan of(byte[] bytes, int size) {
    List<Located> records = new ArrayList<>();
    int pos = 0;
    while (pos < size) {
      int payloadLength = WalRecord.check(bytes, pos, size);
      if (payloadLength < 0) {
        return new SegmentScan(records, pos, pos, anyValidRecordAfter(bytes, pos + 1, size));
      }
      Located r = new Located(RecordType.fromCode(bytes[pos + 8]), WalRecord.getLong(bytes, pos + 9),
          WalRecord.getLong(bytes, pos + 17), pos, payloadLength, bytes);
      records.add(r);
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
      if (WalRecord.check(bytes, p, size) >= 0) return true;
    }
    return false;
  }
}
