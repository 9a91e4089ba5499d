package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.StorageException;
import io.shardkv.server.raft.StorageModel;
import io.shardkv.server.raft.StorageModel.Call;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash at each step of writing a snapshot (force WAL, create temp file, write, force, rename,
 * force directory, delete the old file, delete covered segments): the process dies at file
 * operation k of the flush, for every k, and recovery must see either the old snapshot or the new
 * one with the log that belongs to it, never a mix, and never lose what was flushed before.
 */
class SnapshotCrashPointTest {
  private static final long SEGMENT_SIZE = 4096;
  private static final byte[] OLD = "old snapshot".getBytes();
  private static final byte[] NEW = "new snapshot, longer".getBytes();

  @TempDir Path tmp;

  @Test
  void aCrashAtAnyStepOfSavingASnapshotLeavesTheOldOrTheNewSnapshotNeverAMix() {
    crashAtEveryStep(false, -1);
  }

  /**
   * The same with a power cut instead of a process crash: what was written but not forced is lost,
   * and file creations and renames not followed by a directory fsync are undone.
   */
  @Test
  void aPowerCutAtAnyStepOfSavingASnapshotLeavesTheOldOrTheNewSnapshotNeverAMix() {
    crashAtEveryStep(true, -1);
  }

  /**
   * A power cut that loses a middle part of the unforced tail and keeps what follows (a disk
   * writing back a write's 512-byte sectors out of order): the first or second sector of each
   * file's unforced tail is lost. Never acknowledged, so recovery cuts it (docs/storage.md,
   * "Torn tail") and the node starts, with the old or the new snapshot, never a mix.
   */
  @Test
  void aPowerCutLosingAMiddleSectorOfTheUnforcedTailAtAnyStepStillRecovers() {
    int holesFollowedByValidRecords = 0;
    for (int sector = 0; sector < 2; sector++) holesFollowedByValidRecords += crashAtEveryStep(true, sector);
    assertTrue(holesFollowedByValidRecords > 0, "some holes left valid records after them (the case this covers)");
  }

  /**
   * Crashes at every step; {@code holeSector} >= 0 makes the power cut lose that 512-byte unit of
   * the unforced tails. Returns how many crashes left a bad record followed by valid ones.
   */
  private int crashAtEveryStep(boolean powerCut, int holeSector) {
    int holesFollowedByValidRecords = 0;
    // Dry run: which file operations does the flush perform?
    Path dry = tmp.resolve("dry" + holeSector);
    FaultInjectingFiles counting = new FaultInjectingFiles();
    runScenario(dry, counting, -1);
    int steps = flushSteps;
    assertTrue(counting.log.stream().anyMatch(s -> s.startsWith("RENAME")), counting.log.toString());
    assertTrue(counting.log.stream().anyMatch(s -> s.startsWith("DELETE wal-")),
        "the scenario should delete covered segments: " + counting.log);

    TreeSet<Long> seenSnapshots = new TreeSet<>();
    for (int k = 1; k <= steps; k++) {
      Path dir = tmp.resolve("crash-" + holeSector + "-at-" + k);
      FaultInjectingFiles files = new FaultInjectingFiles();
      StorageModel.History history = runScenario(dir, files, k);
      assertTrue(files.fired(), "step " + k + " (" + counting.log.get(k - 1) + ") was reached");
      if (powerCut) {
        try {
          if (holeSector < 0) files.powerCut();
          else files.powerCutLosingOneUnit(512, holeSector);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        List<Path> segments = TestDirs.segments(dir);
        byte[] last = TestDirs.read(segments.get(segments.size() - 1));
        SegmentScan scan = SegmentScan.of(last, last.length);
        if (!scan.clean() && scan.validRecordAfterBad()) holesFollowedByValidRecords++;
      }
      PersistedState recovered = TestDirs.load(dir, SEGMENT_SIZE);
      history.checkRecovered(recovered); // flushed state plus a prefix of the calls: no mix
      long snap = recovered.snapshot().lastIndex();
      assertArrayEquals(snap == 10 ? OLD : NEW, recovered.snapshotData(), "step " + k);
      seenSnapshots.add(snap);
      assertTrue(TestDirs.segments(dir).size() >= 1);
      try (var names = Files.list(dir)) {
        assertTrue(names.noneMatch(p -> p.toString().endsWith(".tmp")), "temp file left at step " + k);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    assertEquals(new TreeSet<>(List.of(10L, 35L)), seenSnapshots,
        "crashes before the snapshot is durable show the old one, later ones the new one");
    return holesFollowedByValidRecords;
  }

  /**
   * Base state (flushed, no faults): entries 1..30, snapshot at 10. Then: entries 31..60 across
   * segment boundaries, snapshot at 35, entries 61..65, a new term; one flush that fails at file
   * operation {@code failAt} (counted from the start of that flush), or succeeds if -1.
   */
  /** File operations of the dry run's flush. */
  private int flushSteps;

  private StorageModel.History runScenario(Path dir, FaultInjectingFiles files, int failAt) {
    FileRaftStorage s = new FileRaftStorage(dir, files, SEGMENT_SIZE, true);
    StorageModel.History h = new StorageModel.History(StorageModel.of(s.load()));
    List<Call> base = new ArrayList<>();
    for (int i = 1; i <= 30; i++) base.add(new Call.Append(List.of(CrashWorkload.entry(i, 1, 100))));
    base.add(new Call.SaveSnapshot(new SnapshotMeta(10, 1), OLD));
    for (Call c : base) {
      c.applyTo(s);
      h.called(c);
    }
    s.flush();
    h.flushed();

    List<Call> calls = new ArrayList<>();
    for (int i = 31; i <= 60; i++) calls.add(new Call.Append(List.of(CrashWorkload.entry(i, 1, 100))));
    calls.add(new Call.SaveSnapshot(new SnapshotMeta(35, 1), NEW));
    for (int i = 61; i <= 65; i++) calls.add(new Call.Append(List.of(CrashWorkload.entry(i, 2, 50))));
    calls.add(new Call.SetHardState(new HardState(2, 1)));
    for (Call c : calls) {
      c.applyTo(s);
      h.called(c);
    }
    files.resetCount();
    if (failAt < 0) {
      s.flush();
      h.flushed();
      flushSteps = files.log.size(); // not the closing claim that close() adds
    } else {
      files.failAt(null, failAt, FaultInjectingFiles.Fault.EIO);
      assertThrows(StorageException.class, s::flush);
    }
    s.close(); // the process dies here: nothing else is written
    return h;
  }
}
