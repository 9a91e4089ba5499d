package io.shardkv.server.storage;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.LogEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The result of scanning the bytes of one segment file from the start: the whole, CRC-valid
 * records up to the first bad one, and, if there is a bad one, where it starts, whether any valid
 * record follows it, and the highest durability claim a valid record after it makes.
 *
 * <p>These decide between the two ways a record can be bad (docs/storage.md, recovery). A crash
 * damages only bytes that were not yet durable: a process crash or a power cut that loses a suffix
 * leaves garbage only at the end, with nothing valid after it; a power cut can also lose an earlier
 * page of an unforced write and keep a later one, so valid records may follow the damage — but no
 * record written after it can claim ({@link RecordType#DURABLE}) that the damaged bytes were
 * durable. A claim beyond the bad record proves it was durable when damaged: that is corruption.
 *
 * @param claimAfterBad  the highest X of a valid DURABLE record (claiming bytes [0, X) durable) at an
 *                       offset after {@code badOffset}, or -1 if there is none
 * @param claimAt        the offset of the record making that claim, or -1
 */
record SegmentScan(List<Located> records, int validEnd, int badOffset, boolean validRecordAfterBad,
                   long claimAfterBad, int claimAt) {

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
      if (payloadLength < 0) return afterBad(records, bytes, pos, size);
      Located r = new Located(RecordType.fromCode(bytes[pos + 8]), WalRecord.getLong(bytes, pos + 9),
          WalRecord.getLong(bytes, pos + 17), pos, payloadLength, bytes);
      records.add(r);
      pos += r.encodedSize();
    }
    return new SegmentScan(records, pos, -1, false, -1, -1);
  }

  /**
   * The scan of a segment whose first bad record starts at {@code bad}. Looks for whole, CRC-valid
   * records at every later offset, because a corrupted length field tells nothing about where the
   * next record starts (and a lost page may end anywhere): the first one answers "does anything
   * valid follow?"; every DURABLE record is checked for its claim. Only runs once per recovery, over
   * the tail after a bad record. The claim search looks at every offset too, but does a CRC only
   * where the fixed shape of a DURABLE record (length 17, type 7) appears, so it stays linear even
   * over megabytes of entry data. A DURABLE record counts only if its claim does not exceed its own
   * offset, as every genuine one does; one found inside an entry's data can only add a claim,
   * which makes recovery refuse rather than cut (the safe side).
   */
  private static SegmentScan afterBad(List<Located> records, byte[] bytes, int bad, int size) {
    boolean valid = false;
    for (int p = bad + 1; p + WalRecord.HEADER_SIZE <= size && !valid; p++) {
      valid = WalRecord.check(bytes, p, size) >= 0;
    }
    long claim = -1;
    int claimAt = -1;
    for (int p = bad + 1; p + Records.DURABLE_SIZE <= size; p++) {
      if (bytes[p + 8] != RecordType.DURABLE.code() || WalRecord.getInt(bytes, p) != WalRecord.FIXED_BODY) continue;
      if (WalRecord.check(bytes, p, size) != 0) continue;
      long upTo = WalRecord.getLong(bytes, p + 17);
      if (upTo <= p && upTo > claim) {
        claim = upTo;
        claimAt = p;
      }
    }
    return new SegmentScan(records, bad, bad, valid, claim, claimAt);
  }
}
