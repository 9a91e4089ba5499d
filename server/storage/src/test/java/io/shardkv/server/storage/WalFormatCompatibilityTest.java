package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL file format is a contract: a data directory written by an older build still loads.
 * {@code wal-format-v1/} (test resources; its README lists the calls) was written by the last
 * build that wrote version-1 segments, which carry no durability claims.
 */
class WalFormatCompatibilityTest {
  private static final long SEGMENT_SIZE = 4096;
  private static final String[] FIXTURE = {
      "wal-00000000000000000001.log", "wal-00000000000000000002.log", "snapshot-00000000000000000001.snap"};

  @TempDir Path tmp;
  private Path dir;

  @BeforeEach
  void copyTheFixture() throws Exception {
    dir = Files.createDirectories(tmp.resolve("v1"));
    for (String name : FIXTURE) {
      try (var in = getClass().getResourceAsStream("wal-format-v1/" + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
  }

  private static List<LogEntry> expectedEntries() {
    List<LogEntry> es = new ArrayList<>();
    for (int i = 11; i <= 37; i++) es.add(CrashWorkload.entry(i, 1, 100));
    for (int i = 38; i <= 42; i++) es.add(CrashWorkload.entry(i, 2, 60));
    return es;
  }

  private static short version(Path segment) {
    byte[] b = TestDirs.read(segment);
    return SegmentHeader.fromRecord(SegmentScan.of(b, b.length).records().get(0).record()).version();
  }

  @Test
  void aVersion1DataDirectoryLoadsAndTheLogContinuesInAVersion2Segment() {
    assertEquals(List.of((short) 1, (short) 1), TestDirs.segments(dir).stream().map(WalFormatCompatibilityTest::version).toList());
    byte[] oldSecond = TestDirs.read(TestDirs.segments(dir).get(1));
    try (FileRaftStorage s = TestDirs.open(dir, SEGMENT_SIZE)) {
      PersistedState p = s.load();
      assertEquals(new HardState(2, HardState.NO_VOTE), p.hardState());
      assertEquals(new SnapshotMeta(10, 1), p.snapshot());
      assertArrayEquals("v1 snapshot".getBytes(), p.snapshotData());
      assertEquals(expectedEntries(), p.entries());
      s.append(List.of(CrashWorkload.entry(43, 2, 10)));
      s.flush();
    }
    List<Path> segments = TestDirs.segments(dir);
    assertEquals(3, segments.size(), "new records go to a new segment");
    assertEquals((short) 2, version(segments.get(2)));
    assertArrayEquals(oldSecond, TestDirs.read(segments.get(1)), "the version-1 segment is not appended to");
    List<LogEntry> expected = new ArrayList<>(expectedEntries());
    expected.add(CrashWorkload.entry(43, 2, 10));
    assertEquals(expected, TestDirs.load(dir, SEGMENT_SIZE).entries());
  }

  /** Version 1 segments have no claims: the old rule — cut only if nothing valid follows. */
  @Test
  void aVersion1LastSegmentKeepsTheOldRule() {
    Path last = TestDirs.segments(dir).get(1);
    byte[] bytes = TestDirs.read(last);
    List<SegmentScan.Located> records = SegmentScan.of(bytes, bytes.length).records();
    SegmentScan.Located second = records.get(2);
    TestDirs.putByte(last, second.offset() + 20, (byte) (bytes[second.offset() + 20] ^ 1));
    StorageException e = assertThrows(StorageException.class, () -> TestDirs.load(dir, SEGMENT_SIZE));
    assertTrue(e.getMessage().contains("byte offset " + second.offset() + ": a CRC32C or framing check failed,"
        + " and valid records follow it"), e.getMessage());
    TestDirs.putByte(last, second.offset() + 20, bytes[second.offset() + 20]);

    SegmentScan.Located tail = records.get(records.size() - 1); // the final ENTRY of the 38..42 call
    TestDirs.write(last, bytes, tail.offset() + 7);
    PersistedState s = TestDirs.load(dir, SEGMENT_SIZE);
    assertEquals(37, s.lastIndex(), "the torn call 38..42 is dropped whole");
  }

  @Test
  void aSegmentOfAFutureVersionIsAClearError() {
    Path last = TestDirs.segments(dir).get(1);
    byte[] bytes = TestDirs.read(last);
    WalRecord header = SegmentScan.of(bytes, bytes.length).records().get(0).record();
    byte[] payload = header.payload().clone();
    payload[5] = 9; // version field (after the 4-byte magic), big-endian low byte
    WalRecord future = new WalRecord(header.type(), header.term(), header.index(), payload);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(future.encodedSize());
    future.encodeTo(b);
    byte[] rewritten = bytes.clone();
    System.arraycopy(b.array(), 0, rewritten, 0, b.capacity());
    TestDirs.write(last, rewritten, rewritten.length);
    StorageException e = assertThrows(StorageException.class, () -> TestDirs.load(dir, SEGMENT_SIZE));
    assertTrue(e.getMessage().contains("unsupported WAL format version 9 (this build reads versions 1 to 2)"), e.getMessage());
  }
}
