package io.shardkv.server.storage;

/**
 * What the storage remembers about a WAL segment to decide when it may be deleted.
 *
 * @param sequence         segment number; file {@link #fileName(long)}
 * @param snapshotIndex    last index of the snapshot in effect when the segment started
 * @param startLastIndex   last log index when the segment started; entries
 *                         {@code (snapshotIndex, startLastIndex]} live in earlier segments
 */
record SegmentInfo(long sequence, long snapshotIndex, long startLastIndex) {
  static final String PREFIX = "wal-";
  static final String SUFFIX = ".log";

  static SegmentInfo of(SegmentHeader h) {
    return new SegmentInfo(h.sequence(), h.snapshot().lastIndex(), h.lastIndex());
  }

  static String fileName(long sequence) { return String.format("%s%020d%s", PREFIX, sequence, SUFFIX); }

  /** The sequence number in a segment file name, or -1 if {@code name} is not one. */
  static long sequenceOf(String name) {
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) return -1;
    String digits = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
    if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit)) return -1;
    return Long.parseLong(digits);
  }

  /** True if replaying from this segment needs no entry stored in an earlier one. */
  boolean selfContained() { return startLastIndex == snapshotIndex; }

  /**
   * The oldest segment compaction keeps: the newest segment {@code j} (up to the open one) from
   * which replay needs nothing older — either {@code j} is self-contained (no entries before it
   * survive), or every entry carried in from before {@code j} is at or below the snapshot and the
   * snapshot's own record is in {@code j} or later, so replaying from {@code j} drops them. Used
   * only after the snapshot record and file are durable; deleting oldest first, a crash leaves a
   * contiguous suffix.
   */
  static long keepFrom(java.util.TreeMap<Long, SegmentInfo> segments, long openSegment, long snapshotIndex,
                       long snapshotSegment) {
    long keepFrom = segments.firstKey();
    for (SegmentInfo s : segments.values()) {
      if (s.sequence() > openSegment) break;
      boolean covered = s.startLastIndex() <= snapshotIndex && snapshotSegment >= s.sequence();
      if (s.selfContained() || covered) keepFrom = s.sequence();
    }
    return keepFrom;
  }
}
