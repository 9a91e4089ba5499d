package io.shardkv.server.storage;

/**
 * The kinds of write-ahead-log record. Each mutating {@link io.shardkv.server.raft.RaftStorage}
 * call becomes records of these types in call order, so replaying any prefix of the records yields
 * the state after a prefix of the calls. Stored by {@link #code()}, never by ordinal.
 */
enum RecordType {
  /**
   * First record of every segment: a checkpoint of the state when the segment was started (hard
   * state, snapshot in effect, last log index), so a segment can be replayed after its
   * predecessors were deleted. term = hard-state term, index = last log index at segment start.
   */
  SEGMENT_HEADER((byte) 1),
  /**
   * The last (or only) entry of one {@code append} call. term/index = the entry's; payload = kind
   * code + data. Completes the call: replay applies the call's entries only when it sees this.
   */
  ENTRY((byte) 2),
  /**
   * An entry of an {@code append} call whose later entries follow (same layout as ENTRY). A call's
   * records never span segments; if the WAL ends after ENTRY_MORE records without their ENTRY,
   * the call was cut by a crash and recovery drops all of it, so a call is all-or-nothing.
   */
  ENTRY_MORE((byte) 6),
  /** {@code setHardState}. term = the term; payload = votedFor. */
  HARD_STATE((byte) 3),
  /** {@code truncateFrom}. index = fromIndex. */
  TRUNCATE((byte) 4),
  /**
   * {@code saveSnapshot}. term/index = snapshot last term/index; payload = snapshot generation and
   * whether the log tail after the snapshot was kept (decided when the call was made).
   */
  SNAPSHOT((byte) 5),
  /**
   * Durability claim (segments of WAL format version 2, see {@link SegmentHeader#VERSION}): the
   * first record of every write of a batch to a segment, and written once more when the storage
   * closes. index = X, the byte offset up to which this segment was durable when the record was
   * written (forced to disk, or held by a forced {@link CommitJournal} record, which replay restores
   * before recovery reads the segment); X is a record boundary and at most the record's own offset.
   * term = 0, no payload, no effect on the replayed state. Recovery uses it to tell an unforced
   * tail torn by a power cut from damaged forced data (docs/storage.md, "Torn tail").
   */
  DURABLE((byte) 7);

  private final byte code;

  RecordType(byte code) { this.code = code; }

  byte code() { return code; }

  private static final RecordType[] BY_CODE = new RecordType[8];

  static {
    for (RecordType t : values()) BY_CODE[t.code] = t;
  }

  /** The type with this code, or null if none (a corrupt or foreign record). */
  static RecordType fromCode(byte code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
