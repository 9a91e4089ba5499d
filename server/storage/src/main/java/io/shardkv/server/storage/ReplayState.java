package io.shardkv.server.storage;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The state rebuilt by replaying WAL records in order, one record per mutating call (plus one
 * segment header per segment). Each {@code apply} method mirrors the effect of the corresponding
 * {@link io.shardkv.server.raft.RaftStorage} call, so the state after a prefix of the records is
 * the state after a prefix of the calls.
 *
 * <p><b>Unknown entries.</b> When replay starts at a segment whose predecessors were compacted
 * away, the header says the log ended at {@code lastIndex} but the entries
 * {@code (snapshot.lastIndex, lastIndex]} are gone. They are tracked as <em>unknown</em> (only
 * their count). The compaction rule in {@link FileRaftStorage} deletes segments only when a
 * durable snapshot record at or after the first kept segment covers all of them, so a consistent
 * WAL never ends replay with unknown entries left; if it does, a segment is missing and
 * {@link #checkComplete} refuses.
 *
 * <p>Any violation of the call contract found while replaying (a gap, a truncation below the
 * snapshot, a header that disagrees with the replayed state) means the files are not what this
 * storage wrote, and is reported as an {@link IllegalStateException} for the caller to turn into a
 * message naming the file and offset.
 */
final class ReplayState {
  private HardState hardState;
  private long snapshotGen;
  private SnapshotMeta snapshot;
  /** Entries {@code (snapshot.lastIndex, unknownEnd]} exist but their contents are unknown. */
  private long unknownEnd;
  /** Known entries, contiguous, starting at {@code max(snapshot.lastIndex, unknownEnd) + 1}. */
  private final ArrayList<LogEntry> entries = new ArrayList<>();
  /** Segment holding the SNAPSHOT record of the current snapshot; 0 if it came from a header. */
  private long snapshotRecordSegment;

  /** Starts replay at the first retained segment. */
  ReplayState(SegmentHeader first) {
    hardState = first.hardState();
    snapshotGen = first.snapshotGen();
    snapshot = first.snapshot();
    unknownEnd = first.lastIndex();
    if (unknownEnd < snapshot.lastIndex()) {
      throw new IllegalStateException("segment header says last index " + first.lastIndex()
          + " is below its snapshot index " + snapshot.lastIndex());
    }
  }

  /** Checks that a later segment's header agrees with the state replayed so far. */
  void checkHeader(SegmentHeader h) {
    if (!h.hardState().equals(hardState) || h.snapshotGen() != snapshotGen
        || !h.snapshot().equals(snapshot) || h.lastIndex() != lastIndex()) {
      throw new IllegalStateException("segment header " + h + " disagrees with the replayed state"
          + " (hard state " + hardState + ", snapshot gen " + snapshotGen + " " + snapshot
          + ", last index " + lastIndex() + ")");
    }
  }

  long lastIndex() {
    if (!entries.isEmpty()) return entries.get(entries.size() - 1).index();
    return Math.max(snapshot.lastIndex(), unknownEnd);
  }

  void applyEntry(LogEntry e) {
    if (e.index() != lastIndex() + 1) {
      throw new IllegalStateException("entry " + e.index() + " does not follow last index "
          + lastIndex());
    }
    entries.add(e);
  }

  void applyHardState(HardState hs) { hardState = hs; }

  void applyTruncate(long fromIndex) {
    if (fromIndex <= snapshot.lastIndex()) {
      throw new IllegalStateException("truncation from " + fromIndex
          + " at or below snapshot index " + snapshot.lastIndex());
    }
    if (fromIndex <= unknownEnd) {
      unknownEnd = fromIndex - 1;
      entries.clear();
      return;
    }
    int keep = (int) Math.max(0, fromIndex - firstKnownIndex());
    if (keep < entries.size()) entries.subList(keep, entries.size()).clear();
  }

  /** Applies a snapshot record: the log keeps the entries after it or is emptied (Raft §7). */
  void applySnapshot(Records.SnapshotMark mark, long segment) {
    long idx = mark.meta().lastIndex();
    if (mark.tailKept()) {
      if (idx > lastIndex()) {
        throw new IllegalStateException("snapshot " + mark.meta() + " marked as keeping the tail,"
            + " but the log ends at " + lastIndex());
      }
      int drop = (int) Math.max(0, Math.min(entries.size(), idx - firstKnownIndex() + 1));
      entries.subList(0, drop).clear();
      unknownEnd = Math.max(unknownEnd, idx);
    } else {
      entries.clear();
      unknownEnd = idx;
    }
    snapshot = mark.meta();
    snapshotGen = mark.generation();
    snapshotRecordSegment = segment;
  }

  private long firstKnownIndex() { return Math.max(snapshot.lastIndex(), unknownEnd) + 1; }

  /** Throws if entries whose contents were compacted away are still part of the log. */
  void checkComplete() {
    if (unknownEnd > snapshot.lastIndex()) {
      throw new IllegalStateException("entries " + (snapshot.lastIndex() + 1) + ".." + unknownEnd
          + " are in the log but their segments are missing");
    }
  }

  HardState hardState() { return hardState; }
  long snapshotGen() { return snapshotGen; }
  SnapshotMeta snapshot() { return snapshot; }
  long snapshotRecordSegment() { return snapshotRecordSegment; }
  List<LogEntry> entries() { return entries; }
}
