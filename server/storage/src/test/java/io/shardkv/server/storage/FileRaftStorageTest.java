package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.SnapshotMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of {@link FileRaftStorage} beyond the shared contract: how it uses the disk. */
class FileRaftStorageTest {
  @TempDir Path tmp;

  @Test
  void oneFlushOfManyAppendsIssuesOneWriteAndOneFdatasync() {
    FaultInjectingFiles files = new FaultInjectingFiles();
    FileRaftStorage s = new FileRaftStorage(tmp.resolve("n"), files, 1 << 20, true);
    s.load();
    for (int i = 1; i <= 200; i++) s.append(List.of(CrashWorkload.entry(i, 1, 100)));
    s.setHardState(new HardState(1, 1));
    files.resetCount();
    s.flush();
    assertEquals(List.of("WRITE wal-00000000000000000001.log", "FORCE wal-00000000000000000001.log"),
        files.log);
    s.close();
  }

  /** The recovery summary's record count (issue 11, item 4): every record the WAL holds, header included. */
  @Test
  void recoveryCountsTheWalRecordsItRead() {
    Path dir = tmp.resolve("n");
    FileRaftStorage s = TestDirs.open(dir, 1 << 20);
    s.load();
    assertEquals(0, s.recoveredRecords(), "a new directory holds no record");
    for (int i = 1; i <= 20; i++) s.append(List.of(CrashWorkload.entry(i, 1, 10)));
    s.setHardState(new HardState(1, 1));
    s.flush();
    s.close();
    FileRaftStorage again = TestDirs.open(dir, 1 << 20);
    again.load();
    assertEquals(1 + 1 + 20 + 1 + 1, again.recoveredRecords(),
        "segment header, the batch's DURABLE claim, 20 ENTRY records, one HARD_STATE, the closing claim");
    again.append(List.of(CrashWorkload.entry(21, 1, 10), CrashWorkload.entry(22, 1, 10)));
    again.flush();
    again.close();
    FileRaftStorage third = TestDirs.open(dir, 1 << 20);
    third.load();
    assertEquals(24 + 1 + 2 + 1, third.recoveredRecords(),
        "an append call of two entries is two records, after its batch's claim; then the closing claim");
    third.close();
  }

  @Test
  void aFlushWithNothingNewDoesNotTouchTheDisk() {
    FaultInjectingFiles files = new FaultInjectingFiles();
    FileRaftStorage s = new FileRaftStorage(tmp.resolve("n"), files, 1 << 20, true);
    s.load();
    s.append(List.of(CrashWorkload.entry(1, 1, 10)));
    s.flush();
    files.resetCount();
    s.flush();
    assertEquals(List.of(), files.log);
    s.close();
  }

  @Test
  void aNewSegmentIsCreatedDurablyBeforeRecordsGoIntoIt() {
    FaultInjectingFiles files = new FaultInjectingFiles();
    FileRaftStorage s = new FileRaftStorage(tmp.resolve("n"), files, 4096, true);
    s.load();
    for (int i = 1; i <= 50; i++) s.append(List.of(CrashWorkload.entry(i, 1, 100)));
    files.resetCount();
    s.flush();
    List<String> expectedStart = List.of("WRITE wal-00000000000000000001.log",
        "FORCE wal-00000000000000000001.log", "CREATE wal-00000000000000000002.log",
        "WRITE wal-00000000000000000002.log", "FORCE wal-00000000000000000002.log", "SYNC_DIR n",
        "WRITE wal-00000000000000000002.log");
    assertEquals(expectedStart, files.log.subList(0, expectedStart.size()));
    s.close();
  }

  @Test
  void segmentsCoveredByADurableSnapshotAreDeletedAndTheRestKept() {
    Path dir = tmp.resolve("n");
    FileRaftStorage s = TestDirs.open(dir, 4096);
    s.load();
    for (int i = 1; i <= 200; i++) {
      s.append(List.of(CrashWorkload.entry(i, 1, 100)));
      if (i % 10 == 0) s.flush();
    }
    int before = TestDirs.segments(dir).size();
    assertTrue(before >= 5, "segments: " + before);
    s.saveSnapshot(new SnapshotMeta(150, 1), new byte[] {1});
    s.flush();
    int after = TestDirs.segments(dir).size();
    assertTrue(after < before, before + " -> " + after);
    s.close();
    PersistedState p = TestDirs.load(dir, 4096);
    assertEquals(151, p.entries().get(0).index());
    assertEquals(200, p.lastIndex());
  }

  @Test
  void onlyTheCurrentSnapshotFileIsKept() throws Exception {
    Path dir = tmp.resolve("n");
    try (FileRaftStorage s = TestDirs.open(dir, 4096)) {
      s.load();
      for (int i = 1; i <= 30; i++) s.append(List.of(CrashWorkload.entry(i, 1, 10)));
      for (int snap = 5; snap <= 25; snap += 5) {
        s.saveSnapshot(new SnapshotMeta(snap, 1), new byte[] {(byte) snap});
        s.flush();
      }
    }
    try (var names = Files.list(dir)) {
      assertEquals(List.of(SnapshotFiles.name(5)),
          names.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("snapshot-")).toList());
    }
  }

  @Test
  void aLogLargerThanManySegmentsRecoversExactly() {
    Path dir = tmp.resolve("n");
    List<LogEntry> written = new ArrayList<>();
    try (FileRaftStorage s = TestDirs.open(dir, 8192)) {
      s.load();
      for (int i = 1; i <= 2000; i++) {
        LogEntry e = CrashWorkload.entry(i, 1 + i / 500, i % 300);
        s.append(List.of(e));
        written.add(e);
        if (i % 100 == 0) s.flush();
      }
      s.flush();
    }
    assertTrue(TestDirs.segments(dir).size() > 20);
    assertEquals(written, TestDirs.load(dir, 8192).entries());
    assertFalse(written.isEmpty());
  }
}
