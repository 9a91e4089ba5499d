package io.shardkv.server.storage;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.SnapshotMeta;
import java.nio.ByteBuffer;

/** Builds and reads the payloads of the per-call WAL records (see {@link RecordType}). */
final class Records {
  private Records() {}

  /** An entry record; {@code lastOfCall} false means more entries of the same call follow. */
  static WalRecord entry(LogEntry e, boolean lastOfCall) {
    byte[] payload = new byte[1 + e.data().length];
    payload[0] = e.kind().code();
    System.arraycopy(e.data(), 0, payload, 1, e.data().length);
    return new WalRecord(lastOfCall ? RecordType.ENTRY : RecordType.ENTRY_MORE, e.term(), e.index(),
        payload);
  }

  static WalRecord hardState(HardState hs) {
    return new WalRecord(RecordType.HARD_STATE, hs.term(), 0,
        ByteBuffer.allocate(4).putInt(hs.votedFor()).array());
  }

  static HardState toHardState(WalRecord r) {
    if (r.payload().length != 4) throw new IllegalArgumentException("hard-state record size");
    return new HardState(r.term(), ByteBuffer.wrap(r.payload()).getInt());
  }

  static WalRecord truncate(long fromIndex) {
    return new WalRecord(RecordType.TRUNCATE, 0, fromIndex, new byte[0]);
  }

  static WalRecord snapshot(long generation, SnapshotMeta meta, boolean tailKept) {
    byte[] p = ByteBuffer.allocate(9).putLong(generation).put((byte) (tailKept ? 1 : 0)).array();
    return new WalRecord(RecordType.SNAPSHOT, meta.lastTerm(), meta.lastIndex(), p);
  }

  /** Encoded size of a {@link RecordType#DURABLE} record (it has no payload). */
  static final int DURABLE_SIZE = WalRecord.HEADER_SIZE;

  /** A durability claim: bytes {@code [0, upTo)} of the segment it is written to are durable. */
  static WalRecord durable(long upTo) {
    return new WalRecord(RecordType.DURABLE, 0, upTo, new byte[0]);
  }

  /** A decoded SNAPSHOT record. */
  record SnapshotMark(long generation, SnapshotMeta meta, boolean tailKept) {}

  static SnapshotMark toSnapshotMark(WalRecord r) {
    if (r.payload().length != 9) throw new IllegalArgumentException("snapshot record size");
    ByteBuffer p = ByteBuffer.wrap(r.payload());
    long gen = p.getLong();
    byte kept = p.get();
    if (kept != 0 && kept != 1) throw new IllegalArgumentException("snapshot record flag " + kept);
    return new SnapshotMark(gen, new SnapshotMeta(r.index(), r.term()), kept == 1);
  }
}
