package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.StorageException;
import io.shardkv.server.raft.StorageModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flipped bit anywhere in the stored data is detected; the storage never serves corrupted data.
 *
 * <p>Rule under test: a flip inside any record except the very last one of the log makes
 * {@code load()} refuse with a {@link StorageException} naming the file and the byte offset of the
 * damaged record (every byte of the first and last three records of each segment is tried, and
 * every 5th byte in between; every byte with {@code -Dshardkv.storage.exhaustive=true}). The log
 * was closed cleanly, so its last record is the closing durability claim, which covers every record
 * before it: a flip in any of them is refused even in the last batch. A flip inside the last record
 * itself is indistinguishable from a write torn by a crash (no valid record follows it), so that
 * record is cut off like a torn tail and the state is unchanged; docs/storage.md ("Why damage in the
 * last batch is treated as torn") explains why this is the only sound choice without redundancy.
 */
class BitFlipDetectionTest {
  private static final long SEGMENT_SIZE = 4096;
  /** Every STRIDE-th byte between the first and last records; 1 with -Dshardkv.storage.exhaustive. */
  private static final int STRIDE = Boolean.getBoolean("shardkv.storage.exhaustive") ? 1 : 5;

  @TempDir Path tmp;
  private Path source;

  @BeforeEach
  void writeALogWithEveryRecordType() {
    source = tmp.resolve("source");
    try (FileRaftStorage s = TestDirs.open(source, SEGMENT_SIZE)) {
      s.load();
      s.setHardState(new HardState(1, 2));
      for (int i = 1; i <= 120; i++) {
        s.append(List.of(CrashWorkload.entry(i, 1, 24)));
        if (i % 10 == 0) s.flush();
      }
      s.saveSnapshot(new SnapshotMeta(20, 1), new byte[] {1, 2, 3, 4, 5});
      s.truncateFrom(115);
      s.setHardState(new HardState(2, HardState.NO_VOTE));
      s.append(List.of(CrashWorkload.entry(115, 2, 5), CrashWorkload.entry(116, 2, 6)));
      s.flush();
    }
    assertTrue(TestDirs.segments(source).size() >= 2, "test needs at least two segments");
  }

  @Test
  void aFlipInAnyRecordButTheLastIsRefusedNamingFileAndOffset() {
    PersistedState intact = TestDirs.load(source, SEGMENT_SIZE);
    List<Path> segments = TestDirs.segments(source);
    int refused = 0;
    int cutAsTorn = 0;
    for (int si = 0; si < segments.size(); si++) {
      Path seg = segments.get(si);
      byte[] original = TestDirs.read(seg);
      SegmentScan scan = SegmentScan.of(original, original.length);
      assertTrue(scan.clean());
      List<SegmentScan.Located> records = scan.records();
      boolean lastSegment = si == segments.size() - 1;
      int lastRecordStart = records.get(records.size() - 1).offset();
      PersistedState withoutLastRecord = lastSegment ? loadCut(seg, lastRecordStart) : null;
      Path copy = tmp.resolve("flip");
      TestDirs.copy(source, copy);
      for (int pos = 0; pos < original.length; pos++) {
        if (!everyByte(records, pos, original.length) && pos % STRIDE != 0) continue;
        Path target = copy.resolve(seg.getFileName());
        TestDirs.putByte(target, pos, (byte) (original[pos] ^ (1 << (pos % 8))));
        if (lastSegment && pos >= lastRecordStart) {
          PersistedState s = TestDirs.load(copy, SEGMENT_SIZE);
          assertEquals(null, StorageModel.of(withoutLastRecord).difference(s),
              "flip at " + pos + " in the last record: treated as a torn tail");
          cutAsTorn++;
          TestDirs.write(target, original, original.length); // recovery cut the file: restore it
        } else {
          int recordStart = startOfRecordContaining(records, pos);
          StorageException e = assertThrows(StorageException.class,
              () -> TestDirs.load(copy, SEGMENT_SIZE), "flip at " + seg.getFileName() + ":" + pos);
          assertTrue(e.getMessage().contains(seg.getFileName().toString()), e.getMessage());
          assertTrue(e.getMessage().contains("byte offset " + recordStart + ":"),
              "flip at " + pos + " should be reported at record offset " + recordStart + ": "
                  + e.getMessage());
          assertTrue(e.getMessage().contains("Refusing to start"), e.getMessage());
          refused++;
        }
        TestDirs.putByte(target, pos, original[pos]); // undo
      }
      TestDirs.deleteRecursively(copy);
    }
    assertTrue(refused > 400 && cutAsTorn > 10, refused + " refused, " + cutAsTorn + " cut");
    assertEquals(null, StorageModel.of(intact).difference(TestDirs.load(source, SEGMENT_SIZE)));
  }

  @Test
  void aFlipAnywhereInTheSnapshotFileIsRefusedNamingTheFile() {
    Path snap = source.resolve(SnapshotFiles.name(1));
    byte[] original = TestDirs.read(snap);
    Path copy = tmp.resolve("snapflip");
    TestDirs.copy(source, copy);
    for (int pos = 0; pos < original.length; pos++) {
      Path target = copy.resolve(snap.getFileName());
      TestDirs.putByte(target, pos, (byte) (original[pos] ^ (1 << (pos % 8))));
      StorageException e = assertThrows(StorageException.class, () -> TestDirs.load(copy, SEGMENT_SIZE),
          "snapshot flip at " + pos);
      assertTrue(e.getMessage().contains(snap.getFileName().toString()), e.getMessage());
      TestDirs.putByte(target, pos, original[pos]);
    }
  }

  @Test
  void theRecoveredLogHoldsTheWrittenEntriesWhenNothingIsDamaged() {
    PersistedState s = TestDirs.load(source, SEGMENT_SIZE);
    assertEquals(new SnapshotMeta(20, 1), s.snapshot());
    assertEquals(new HardState(2, HardState.NO_VOTE), s.hardState());
    assertEquals(116, s.lastIndex());
    LogEntry e21 = s.entries().get(0);
    assertEquals(CrashWorkload.entry(21, 1, 24), e21);
  }

  private PersistedState loadCut(Path segment, int length) {
    Path copy = tmp.resolve("cut-last-record");
    TestDirs.copy(source, copy);
    TestDirs.write(copy.resolve(segment.getFileName()), TestDirs.read(segment), length);
    PersistedState s = TestDirs.load(copy, SEGMENT_SIZE);
    TestDirs.deleteRecursively(copy);
    return s;
  }

  /**
   * Every byte of the first three and last three records of a segment is flipped; elsewhere
   * every STRIDE-th byte, which still hits every field of the record layout many times.
   */
  private static boolean everyByte(List<SegmentScan.Located> records, int pos, int size) {
    int n = records.size();
    int headEnd = records.size() > 3 ? records.get(3).offset() : size;
    int tailStart = records.get(Math.max(0, n - 3)).offset();
    return pos < headEnd || pos >= tailStart;
  }

  private static int startOfRecordContaining(List<SegmentScan.Located> records, int pos) {
    int start = 0;
    for (SegmentScan.Located r : records) if (r.offset() <= pos) start = r.offset();
    return start;
  }
}
