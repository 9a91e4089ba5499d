package io.shardkv.server.storage;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.SnapshotMeta;
import java.nio.ByteBuffer;

/**
 * The checkpoint written as the first record of every WAL segment: the state when the segment was
 * started, minus the log entries themselves. With it, replay can begin at any segment once its
 * predecessors are deleted: entries {@code (snapshot.lastIndex, lastIndex]} are then known to
 * exist but their contents lie in deleted segments, and the compaction rule guarantees a later
 * snapshot record covers them (see {@link ReplayState}).
 *
 * @param sequence     segment number (1, 2, ...), also in the file name
 * @param hardState    hard state in effect at segment start
 * @param snapshotGen  generation of the snapshot in effect (0 = none)
 * @param snapshot     that snapshot's meta
 * @param lastIndex    last log index at segment start
 * @param version      WAL format version of the segment: 1 (no durability claims) or 2 (every
 *                     batch written to the segment starts with a {@link RecordType#DURABLE} claim)
 */
record SegmentHeader(long sequence, HardState hardState, long snapshotGen, SnapshotMeta snapshot,
                     long lastIndex, short version) {
  static final int MAGIC = 0x534B5657; // "SKVW"
  /** The version this build writes. */
  static final short VERSION = 2;
  /** The oldest version this build reads: segments written before durability claims existed. */
  static final short OLDEST_VERSION = 1;

  /** A header of the version this build writes. */
  SegmentHeader(long sequence, HardState hardState, long snapshotGen, SnapshotMeta snapshot, long lastIndex) {
    this(sequence, hardState, snapshotGen, snapshot, lastIndex, VERSION);
  }

  /** True if the segment's batches carry {@link RecordType#DURABLE} claims (version 2 and later). */
  boolean hasDurabilityClaims() { return version >= 2; }
  private static final int PAYLOAD_SIZE = 4 + 2 + 8 + 4 + 8 + 8 + 8;

  WalRecord toRecord() {
    ByteBuffer p = ByteBuffer.allocate(PAYLOAD_SIZE);
    p.putInt(MAGIC).putShort(version).putLong(sequence).putInt(hardState.votedFor())
        .putLong(snapshotGen).putLong(snapshot.lastIndex()).putLong(snapshot.lastTerm());
    return new WalRecord(RecordType.SEGMENT_HEADER, hardState.term(), lastIndex, p.array());
  }

  /** Parses a header record; throws IllegalArgumentException describing what is wrong. */
  static SegmentHeader fromRecord(WalRecord r) {
    if (r.type() != RecordType.SEGMENT_HEADER) {
      throw new IllegalArgumentException("first record is " + r.type() + ", not a segment header");
    }
    if (r.payload().length != PAYLOAD_SIZE) {
      throw new IllegalArgumentException("segment header has " + r.payload().length + " bytes");
    }
    ByteBuffer p = ByteBuffer.wrap(r.payload());
    if (p.getInt() != MAGIC) throw new IllegalArgumentException("bad segment magic");
    short version = p.getShort();
    if (version < OLDEST_VERSION || version > VERSION) {
      throw new IllegalArgumentException("unsupported WAL format version " + version
          + " (this build reads versions " + OLDEST_VERSION + " to " + VERSION + ")");
    }
    long seq = p.getLong();
    int votedFor = p.getInt();
    long gen = p.getLong();
    SnapshotMeta meta = new SnapshotMeta(p.getLong(), p.getLong());
    return new SegmentHeader(seq, new HardState(r.term(), votedFor), gen, meta, r.index(), version);
  }
}
