package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.StorageException;
import io.shardkv.server.raft.StorageModel;
import io.shardkv.server.raft.StorageModel.Call;
import io.shardkv.server.storage.FaultInjectingFiles.Fault;
import io.shardkv.server.storage.FaultInjectingFiles.Op;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery's torn-tail rule with durability claims (docs/storage.md, "Recovery", step 4): a bad
 * record in the last segment is cut as a torn tail unless a valid record written after it claims
 * ({@link RecordType#DURABLE}) that the segment was durable beyond it; then it is corruption and
 * the node refuses to start.
 *
 * <ul>
 *   <li>A power cut that loses an earlier page of an unforced (never acknowledged) write and keeps
 *       a later one leaves a bad record followed by valid ones: cut, and the node starts.</li>
 *   <li>Damage to a record that a later claim says was forced: refused, naming file, offset and
 *       the claiming record.</li>
 *   <li>A record torn at the very end: cut, as always.</li>
 *   <li>The limit: after a crash, nothing can claim the last batch durable, so damage inside it is
 *       cut like a torn write; after a clean close the closing claim covers it and it is refused.</li>
 * </ul>
 */
class WalRecoveryTest {
  private static final long SEGMENT_SIZE = 1 << 20;
  private static final int PAGE = 4096;

  @TempDir Path tmp;

  private static void call(FileRaftStorage s, StorageModel.History h, Call c) {
    c.applyTo(s);
    h.called(c);
  }

  /**
   * Entries 1..10 flushed (forced); then entries 11..50 (300 bytes each, about 13 KiB: several
   * pages) written, but the fdatasync fails: the process dies with that batch unforced.
   */
  private StorageModel.History writeAnUnforcedBatch(Path dir, FaultInjectingFiles files) {
    FileRaftStorage s = new FileRaftStorage(dir, files, SEGMENT_SIZE, true);
    StorageModel.History h = new StorageModel.History(StorageModel.of(s.load()));
    call(s, h, new Call.SetHardState(new HardState(1, 1)));
    for (int i = 1; i <= 10; i++) call(s, h, new Call.Append(List.of(CrashWorkload.entry(i, 1, 300))));
    s.flush();
    h.flushed();
    for (int i = 11; i <= 50; i++) call(s, h, new Call.Append(List.of(CrashWorkload.entry(i, 1, 300))));
    files.failAt(Op.FORCE, 1, Fault.EIO);
    assertThrows(StorageException.class, s::flush);
    s.close(); // a failed storage writes nothing more: as if the process died here
    return h;
  }

  @Test
  void aHoleInTheUnforcedTailFollowedByValidRecordsIsCutAndTheNodeStarts() throws Exception {
    for (int page = 0; page < 3; page++) {
      Path dir = tmp.resolve("hole-" + page);
      FaultInjectingFiles files = new FaultInjectingFiles();
      StorageModel.History h = writeAnUnforcedBatch(dir, files);
      assertEquals(1, files.powerCutLosingOneUnit(PAGE, page), "the power cut loses page " + page + " of the tail");
      Path segment = TestDirs.segments(dir).get(0);
      byte[] holed = TestDirs.read(segment);
      SegmentScan scan = SegmentScan.of(holed, holed.length);
      assertFalse(scan.clean());
      assertTrue(scan.validRecordAfterBad(), "valid records follow the hole: the rule before claims refused this");

      PersistedState recovered = TestDirs.load(dir, SEGMENT_SIZE);
      h.checkRecovered(recovered); // the flushed state plus a prefix of the later calls
      assertTrue(recovered.lastIndex() >= 10 && recovered.lastIndex() < 50,
          "page " + page + ": cut at the hole, last index " + recovered.lastIndex());
      assertEquals(scan.badOffset(), sizeOf(segment) - Records.DURABLE_SIZE,
          "cut at the bad record (recovery's close then adds its closing claim)");

      try (FileRaftStorage s = TestDirs.open(dir, SEGMENT_SIZE)) { // and the log continues
        s.load();
        s.append(List.of(CrashWorkload.entry(recovered.lastIndex() + 1, 2, 10)));
        s.flush();
      }
      assertEquals(recovered.lastIndex() + 1, TestDirs.load(dir, SEGMENT_SIZE).lastIndex());
    }
  }

  /** Three flushed batches (entries 1..10, 11..20, 21..30) and the directory as a crash leaves it. */
  private Path threeFlushedBatches(boolean closeCleanly) {
    Path dir = tmp.resolve("source");
    Path image = tmp.resolve(closeCleanly ? "closed" : "crashed");
    FileRaftStorage s = TestDirs.open(dir, SEGMENT_SIZE);
    s.load();
    for (int b = 0; b < 3; b++) {
      for (int i = 1; i <= 10; i++) s.append(List.of(CrashWorkload.entry(b * 10 + i, 1, 40)));
      s.flush();
    }
    if (!closeCleanly) TestDirs.copy(dir, image); // everything forced, no closing claim: a kill -9
    s.close();
    if (closeCleanly) TestDirs.copy(dir, image);
    TestDirs.deleteRecursively(dir);
    return image;
  }

  private static SegmentScan.Located entryRecord(List<SegmentScan.Located> records, long index) {
    return records.stream().filter(r -> r.type() == RecordType.ENTRY && r.index() == index).findFirst().orElseThrow();
  }

  private static SegmentScan.Located highestClaimAfter(List<SegmentScan.Located> records, int offset) {
    return records.stream().filter(r -> r.type() == RecordType.DURABLE && r.offset() > offset)
        .max(java.util.Comparator.comparingLong(SegmentScan.Located::index)).orElseThrow();
  }

  @Test
  void aBadRecordInTheForcedRegionFollowedByAValidRecordIsRefusedWithAClearMessage() {
    Path dir = threeFlushedBatches(false);
    Path segment = TestDirs.segments(dir).get(0);
    byte[] bytes = TestDirs.read(segment);
    List<SegmentScan.Located> records = SegmentScan.of(bytes, bytes.length).records();
    SegmentScan.Located victim = entryRecord(records, 5); // in the first batch
    SegmentScan.Located claim = highestClaimAfter(records, victim.offset()); // the third batch's
    assertTrue(claim.index() > victim.offset(), "later batches claim the first one durable");

    TestDirs.putByte(segment, victim.offset() + 30, (byte) (bytes[victim.offset() + 30] ^ 0x10));
    StorageException e = assertThrows(StorageException.class, () -> TestDirs.load(dir, SEGMENT_SIZE));
    String m = e.getMessage();
    assertTrue(m.contains(segment.getFileName() + " is corrupt at byte offset " + victim.offset() + ":"), m);
    assertTrue(m.contains("durability record written later at byte offset " + claim.offset()), m);
    assertTrue(m.contains("on disk up to byte " + claim.index() + ","), m);
    assertTrue(m.contains("Refusing to start") && m.contains("rejoin from its peers"), m);
    assertEquals(bytes.length, sizeOf(segment), "nothing was cut");
  }

  @Test
  void aTornLastRecordIsCut() {
    Path dir = threeFlushedBatches(false);
    Path segment = TestDirs.segments(dir).get(0);
    byte[] bytes = TestDirs.read(segment);
    SegmentScan.Located last = entryRecord(SegmentScan.of(bytes, bytes.length).records(), 30);
    TestDirs.write(segment, bytes, last.offset() + last.encodedSize() - 3);
    PersistedState s = TestDirs.load(dir, SEGMENT_SIZE);
    assertEquals(29, s.lastIndex());
  }

  /**
   * The limit of the rule, pinned down: after a crash nothing claims the last batch durable (it may
   * never have been), so a damaged record inside it followed by valid ones is cut like a torn write
   * (docs/storage.md, "Why damage in the last batch is treated as torn"). After a clean close the
   * closing claim covers every record, and the same damage is refused.
   */
  @Test
  void damageInTheLastBatchIsCutAfterACrashButRefusedAfterACleanClose() {
    for (boolean closed : new boolean[] {false, true}) {
      Path dir = threeFlushedBatches(closed);
      Path segment = TestDirs.segments(dir).get(0);
      byte[] bytes = TestDirs.read(segment);
      SegmentScan.Located victim = entryRecord(SegmentScan.of(bytes, bytes.length).records(), 25);
      TestDirs.putByte(segment, victim.offset() + 30, (byte) (bytes[victim.offset() + 30] ^ 0x10));
      if (closed) {
        StorageException e = assertThrows(StorageException.class, () -> TestDirs.load(dir, SEGMENT_SIZE));
        assertTrue(e.getMessage().contains("byte offset " + victim.offset() + ":"), e.getMessage());
      } else {
        PersistedState s = TestDirs.load(dir, SEGMENT_SIZE);
        assertEquals(24, s.lastIndex(), "cut at the damaged record of the unclaimed last batch");
      }
      TestDirs.deleteRecursively(dir);
    }
  }

  @Test
  void aClaimNeverExceedsWhatWasForcedWhenItsBatchWasWritten() {
    Path dir = tmp.resolve("n");
    List<Long> batchEnds = new java.util.ArrayList<>();
    try (FileRaftStorage s = TestDirs.open(dir, SEGMENT_SIZE)) {
      s.load();
      batchEnds.add(sizeOf(TestDirs.segments(dir).get(0))); // the header, forced at creation
      for (int b = 0; b < 4; b++) {
        s.append(List.of(CrashWorkload.entry(b + 1, 1, 100)));
        s.flush();
        batchEnds.add(sizeOf(TestDirs.segments(dir).get(0)));
      }
    }
    byte[] bytes = TestDirs.read(TestDirs.segments(dir).get(0));
    List<Long> claims = SegmentScan.of(bytes, bytes.length).records().stream()
        .filter(r -> r.type() == RecordType.DURABLE).map(SegmentScan.Located::index).toList();
    // Each batch claims exactly what the previous flush forced; close adds the claim of the last.
    assertEquals(batchEnds, claims);
  }

  private static long sizeOf(Path p) {
    try {
      return java.nio.file.Files.size(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
