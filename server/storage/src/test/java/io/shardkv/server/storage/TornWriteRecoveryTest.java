package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the middle of writing leaves a torn tail: the log file ends inside a record. These
 * tests cut the log at every byte offset inside its last records and demand recovery to the last
 * whole call, after which the log continues normally.
 */
class TornWriteRecoveryTest {
  private static final long BIG_SEGMENTS = FileRaftStorage.DEFAULT_SEGMENT_SIZE;

  @TempDir Path tmp;

  @Test
  void cuttingTheLogAtEveryByteOfTheLastRecordsRecoversToTheLastWholeRecord() {
    Path dir = tmp.resolve("source");
    List<LogEntry> written = new ArrayList<>();
    List<Long> endOfCall = new ArrayList<>(); // file size after the flush of entry i+1
    Path segment;
    try (FileRaftStorage s = TestDirs.open(dir, BIG_SEGMENTS)) {
      s.load();
      segment = TestDirs.segments(dir).get(0);
      endOfCall.add(size(segment));
      for (int i = 1; i <= 12; i++) {
        LogEntry e = CrashWorkload.entry(i, 1, 9 * i);
        s.append(List.of(e));
        s.flush();
        written.add(e);
        endOfCall.add(size(segment));
      }
    }
    byte[] full = TestDirs.read(segment);
    List<Integer> recordEnds = SegmentScan.of(full, full.length).records().stream()
        .map(r -> r.offset() + r.encodedSize()).toList();
    long from = endOfCall.get(endOfCall.size() - 4);
    int round = 0;
    for (int cut = (int) from; cut <= full.length; cut++, round++) {
      Path copy = tmp.resolve("cut-" + cut);
      TestDirs.write(copy.resolve(segment.getFileName()), full, cut);
      int whole = 0;
      while (whole + 1 < endOfCall.size() && endOfCall.get(whole + 1) <= cut) whole++;

      Recovered r = recover(copy, segment);
      assertEquals(written.subList(0, whole), r.state().entries(), "cut at byte " + cut);
      int c = cut;
      long lastWholeRecordEnd = recordEnds.stream().filter(e -> e <= c).mapToLong(e -> e).max().orElseThrow();
      assertEquals(lastWholeRecordEnd, r.size(), "the torn tail is cut off the file, back to the end of the last whole record");
      if (round % 9 == 0) appendingAfterRecoveryContinuesTheLog(copy, whole);
      TestDirs.deleteRecursively(copy);
    }
  }

  @Test
  void anAppendCallCutAnywhereInsideItsRecordsIsDroppedAsAWhole() {
    Path dir = tmp.resolve("source");
    Path segment;
    long before;
    long callEnd;
    try (FileRaftStorage s = TestDirs.open(dir, BIG_SEGMENTS)) {
      s.load();
      s.append(List.of(CrashWorkload.entry(1, 1, 10)));
      s.flush();
      segment = TestDirs.segments(dir).get(0);
      before = size(segment);
      List<LogEntry> call = new ArrayList<>();
      for (int i = 2; i <= 6; i++) call.add(CrashWorkload.entry(i, 1, 30));
      s.append(call);
      s.flush();
      callEnd = size(segment); // then the batch's DURABLE claim and the call's 5 records
    }
    byte[] full = TestDirs.read(segment);
    for (long cut = before; cut < callEnd; cut++) {
      Path copy = tmp.resolve("cut-" + cut);
      TestDirs.write(copy.resolve(segment.getFileName()), full, (int) cut);
      Recovered r = recover(copy, segment);
      assertEquals(1, r.state().lastIndex(), "cut at byte " + cut + " must drop the whole 5-entry call");
      long claimKept = cut >= before + Records.DURABLE_SIZE ? Records.DURABLE_SIZE : 0; // a whole record
      assertEquals(before + claimKept, r.size(), "cut at byte " + cut);
      TestDirs.deleteRecursively(copy);
    }
    assertEquals(6, TestDirs.load(dir, BIG_SEGMENTS).lastIndex());
  }

  @Test
  void aSegmentWhoseHeaderWasTornIsDeletedAndTheLogEndsInThePreviousSegment() {
    Path dir = tmp.resolve("source");
    long lastInFirstSegment = 0;
    try (FileRaftStorage s = TestDirs.open(dir, 4096)) {
      s.load();
      s.setHardState(new HardState(1, 1));
      for (int i = 1; TestDirs.segments(dir).size() < 2; i++) {
        s.append(List.of(CrashWorkload.entry(i, 1, 300)));
        s.flush();
        if (TestDirs.segments(dir).size() == 1) lastInFirstSegment = i;
      }
    }
    Path second = TestDirs.segments(dir).get(1);
    byte[] full = TestDirs.read(second);
    int headerSize = WalRecord.HEADER_SIZE + 42;
    for (int cut = 0; cut < headerSize; cut++) {
      Path copy = tmp.resolve("cut-" + cut);
      TestDirs.copy(dir, copy);
      TestDirs.write(copy.resolve(second.getFileName()), full, cut);
      PersistedState s = TestDirs.load(copy, 4096);
      assertEquals(lastInFirstSegment, s.lastIndex(), "header cut at byte " + cut);
      assertEquals(new HardState(1, 1), s.hardState());
      assertFalse(Files.exists(copy.resolve(second.getFileName())), "torn segment deleted");
      if (cut % 8 == 0) appendingAfterRecoveryContinuesTheLog(copy, lastInFirstSegment);
      TestDirs.deleteRecursively(copy);
    }
  }

  /** The recovered state, and the segment's size right after recovery (before close adds its claim). */
  private record Recovered(PersistedState state, long size) {}

  private static Recovered recover(Path dir, Path segment) {
    try (FileRaftStorage s = new FileRaftStorage(dir, NioStorageFiles.INSTANCE, BIG_SEGMENTS, false)) {
      PersistedState state = s.load();
      return new Recovered(state, size(dir.resolve(segment.getFileName())));
    }
  }

  private static void appendingAfterRecoveryContinuesTheLog(Path dir, long lastIndex) {
    LogEntry next = CrashWorkload.entry(lastIndex + 1, 2, 77);
    try (FileRaftStorage s = TestDirs.open(dir, 4096)) {
      s.load();
      s.append(List.of(next));
      s.flush();
    }
    PersistedState again = TestDirs.load(dir, 4096);
    assertEquals(lastIndex + 1, again.lastIndex());
    assertTrue(again.entries().contains(next));
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
