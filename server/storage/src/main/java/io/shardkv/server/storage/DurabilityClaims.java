package io.shardkv.server.storage;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * What the writer knows about the durability of the open WAL segment, and the {@link
 * RecordType#DURABLE} claims it writes from that (docs/storage.md, "Torn tail"). Physical state of
 * {@link FileRaftStorage}: used by the batch being synced (the flusher thread), by {@code load()}
 * before any batch and by {@code close()} after the last one.
 *
 * <p>Invariant (what recovery relies on): a claim "durable up to X" is written into a segment only
 * when bytes {@code [0, X)} of that segment are durable — forced, or held by commit-journal records
 * that a completed journal force covers (replay restores them before recovery reads the segment).
 * So a claim never covers bytes a crash can still damage; in particular a batch written while the
 * previous one is still being made durable (pipelining, or a journal force still to come) claims
 * only what was durable when it was written.
 */
final class DurabilityClaims {
  /** Bytes {@code [0, durableEnd)} of the open segment are known durable. */
  private long durableEnd;
  /** The highest claim in the open segment. */
  private long claimed;
  /** The end of the open segment's last record that is not a claim. */
  private long dataEnd;
  /** Journaled writes not yet known durable: {journal record sequence, segment end after the write}. */
  private final ArrayDeque<long[]> journalPending = new ArrayDeque<>();

  /** A segment just created holds only its header, forced. */
  void newSegment(long headerEnd) {
    forced(headerEnd);
    claimed = headerEnd;
    dataEnd = headerEnd;
  }

  /** The recovered last segment, forced by {@code load()}: its size, highest claim and data end. */
  void recovered(long size, long claim, long recoveredDataEnd) {
    forced(size);
    claimed = claim;
    dataEnd = recoveredDataEnd;
  }

  /** The open segment was forced at {@code size}: everything written to it is durable. */
  void forced(long size) {
    durableEnd = size;
    journalPending.clear();
  }

  /**
   * Stamps the DURABLE record at the start of {@code chunk} (the room {@code FileRaftStorage}
   * reserves at the start of every sealed write) with what is durable now, before the chunk is
   * written at the end of the segment.
   */
  void stamp(byte[] chunk, CommitJournal journal) {
    long claim = durableEnd(journal);
    Records.durable(claim).encodeTo(ByteBuffer.wrap(chunk, 0, Records.DURABLE_SIZE));
    claimed = Math.max(claimed, claim);
  }

  /** A stamped chunk was written; the segment now ends at {@code end}. */
  void written(long end) {
    dataEnd = end;
  }

  /** The write that ended the segment at {@code end} is durable once the journal forced record {@code seq}. */
  void journaled(long seq, long end) {
    journalPending.add(new long[] {seq, end});
  }

  /**
   * The closing claim's record, or null if none is due: on close, with everything written forced,
   * one more claim covers the whole segment, so that after a clean stop damage to any record is
   * refused as corruption rather than cut as a torn tail. None is due when no record follows the
   * last claim (a close right after load, or a second close) or the segment is not forced.
   */
  ByteBuffer closingClaim() {
    if (claimed >= dataEnd || durableEnd < dataEnd) return null;
    ByteBuffer b = ByteBuffer.allocate(Records.DURABLE_SIZE);
    Records.durable(durableEnd).encodeTo(b);
    claimed = durableEnd;
    return b.flip();
  }

  /** Bytes of the open segment known durable now (journaled: covered by a completed journal force). */
  private long durableEnd(CommitJournal journal) {
    if (journal != null) {
      long forcedRecords = journal.forcedRecords();
      while (!journalPending.isEmpty() && journalPending.peek()[0] <= forcedRecords) {
        durableEnd = Math.max(durableEnd, journalPending.poll()[1]);
      }
    }
    return durableEnd;
  }
}
