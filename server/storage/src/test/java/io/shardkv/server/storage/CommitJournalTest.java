package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.RaftStorage;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process's commit journal (issue 13): several groups' batches, written to their own segment
 * files without a force, become durable with one journal fdatasync; after a power cut that loses
 * every unforced segment byte, replaying the journal brings back exactly the recorded batches.
 */
class CommitJournalTest {
  @TempDir Path tmp;

  private final FaultInjectingFiles files = new FaultInjectingFiles();

  private FileRaftStorage journaled(Path dir, CommitJournal journal) {
    FileRaftStorage s = new FileRaftStorage(dir, files, 1 << 20, true).journaled(journal);
    s.load();
    return s;
  }

  private static PersistedState reload(Path dir) {
    try (FileRaftStorage r = new FileRaftStorage(dir, NioStorageFiles.INSTANCE, 1 << 20, false)) {
      return r.load();
    }
  }

  private static List<String> log(PersistedState s) {
    return s.entries().stream().map(e -> e.index() + "@" + e.term()).toList();
  }

  private static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> es = new ArrayList<>();
    for (long i = from; i <= to; i++) es.add(CrashWorkload.entry(i, term, 100));
    return es;
  }

  /**
   * The disk as a restart finds it after a power cut: unforced segment bytes lost (the storages
   * stay open, as in a crash), copied with the journal to a fresh server directory.
   */
  private Path crashImage(String... dirs) throws Exception {
    files.powerCut();
    Path image = tmp.resolve("after-crash-" + (++images));
    for (String d : dirs) {
      if (Files.isDirectory(tmp.resolve(d))) TestDirs.copy(tmp.resolve(d), image.resolve(d));
    }
    Files.copy(tmp.resolve(CommitJournal.FILE_NAME), image.resolve(CommitJournal.FILE_NAME));
    return image;
  }

  private int images;

  private long segmentForces() {
    return files.log.stream().filter(l -> l.startsWith("FORCE ")).count();
  }

  @Test
  void oneJournalForceMakesThreeGroupsBatchesDurableAndReplayRestoresThemAfterAPowerCut() throws Exception {
    CommitJournal journal = CommitJournal.open(tmp.resolve(CommitJournal.FILE_NAME));
    List<FileRaftStorage> groups = new ArrayList<>();
    for (int g = 1; g <= 3; g++) groups.add(journaled(tmp.resolve("group-" + g), journal));
    files.resetCount();
    List<RaftStorage.FlushBatch> pass = new ArrayList<>();
    for (int g = 1; g <= 3; g++) {
      FileRaftStorage s = groups.get(g - 1);
      s.setHardState(new HardState(g, g));
      s.append(entries(1, 5 * g, g));
      pass.add(s.prepareFlush());
    }
    for (RaftStorage.FlushBatch b : pass) b.sync();
    assertEquals(0, segmentForces(), "a journaled batch does not force its segment");
    journal.force();
    assertEquals(1, journal.forces(), "one fdatasync for the whole pass");

    // Every segment byte written since the last segment force is gone.
    Path image = crashImage("group-1", "group-2", "group-3");
    Path unreplayed = crashImage("group-1", "group-2", "group-3");
    for (int g = 1; g <= 3; g++) {
      assertTrue(reload(unreplayed.resolve("group-" + g)).entries().isEmpty(), "without replay group " + g + " lost its batch");
    }
    CommitJournal.open(image.resolve(CommitJournal.FILE_NAME)).close(); // the restart: replay
    for (int g = 1; g <= 3; g++) {
      PersistedState p = reload(image.resolve("group-" + g));
      assertEquals(5 * g, p.entries().size(), "group " + g + " after replay");
      assertEquals(new HardState(g, g), p.hardState());
    }
    assertEquals(0, Files.size(image.resolve(CommitJournal.FILE_NAME)), "a replayed journal is emptied");
  }

  @Test
  void aBatchWhoseJournalRecordIsTornIsLostWholeAndTheEarlierOnesStay() throws Exception {
    Path jf = tmp.resolve(CommitJournal.FILE_NAME);
    CommitJournal journal = CommitJournal.open(jf);
    FileRaftStorage s = journaled(tmp.resolve("group-1"), journal);
    s.setHardState(new HardState(1, 1));
    s.append(entries(1, 3, 1));
    s.prepareFlush().sync();
    journal.force();
    long durable = Files.size(jf);
    s.append(entries(4, 6, 1));
    s.prepareFlush().sync(); // recorded, but the power goes before the journal force completes
    Path image = crashImage("group-1");
    Path ij = image.resolve(CommitJournal.FILE_NAME);
    try (FileChannel ch = FileChannel.open(ij, StandardOpenOption.WRITE)) {
      ch.truncate(durable + (Files.size(ij) - durable) / 2); // half of the second record reached the disk
    }
    CommitJournal.open(ij).close();
    assertEquals(List.of("1@1", "2@1", "3@1"), log(reload(image.resolve("group-1"))));
  }

  @Test
  void aClosedStoragesRecordsAreForgottenSoANewStorageInTheSameDirectoryIsNotOverwritten() throws Exception {
    Path jf = tmp.resolve(CommitJournal.FILE_NAME);
    CommitJournal journal = CommitJournal.open(jf);
    Path dir = tmp.resolve("group-2");
    FileRaftStorage old = journaled(dir, journal);
    old.setHardState(new HardState(7, 1));
    old.append(entries(1, 20, 7));
    old.prepareFlush().sync();
    journal.force();
    old.close(); // ctl remove-replica: forced, then forgotten
    Files.move(dir, tmp.resolve("group-2.removed"));
    FileRaftStorage fresh = journaled(dir, journal); // ctl add-replica: the group again, from segment 1
    fresh.setHardState(new HardState(9, 2));
    fresh.append(entries(1, 2, 9));
    fresh.prepareFlush().sync();
    journal.force();
    Path image = crashImage("group-2", "group-2.removed");
    CommitJournal.open(image.resolve(CommitJournal.FILE_NAME)).close();
    assertEquals(List.of("1@9", "2@9"), log(reload(image.resolve("group-2"))), "only the new storage's records were replayed here");
    assertEquals(20, reload(image.resolve("group-2.removed")).entries().size(), "the old one was forced at close");
  }

  @Test
  void replayDoesNotRecreateASegmentThatCompactionDeleted() throws Exception {
    Path jf = tmp.resolve(CommitJournal.FILE_NAME);
    CommitJournal journal = CommitJournal.open(jf);
    Path dir = tmp.resolve("group-1");
    FileRaftStorage s = journaled(dir, journal);
    s.setHardState(new HardState(1, 1));
    s.append(entries(1, 4, 1));
    s.prepareFlush().sync();
    journal.force();
    Path image = crashImage("group-1");
    List<Path> before = TestDirs.segments(image.resolve("group-1"));
    assertFalse(before.isEmpty());
    for (Path p : before) Files.delete(p); // as compaction would, after a durable snapshot
    CommitJournal.open(image.resolve(CommitJournal.FILE_NAME)).close();
    for (Path p : before) assertFalse(Files.exists(p), p + " must not come back");
  }

  @Test
  void aCheckpointForcesTheSegmentsAndEmptiesTheJournal() throws Exception {
    Path jf = tmp.resolve(CommitJournal.FILE_NAME);
    CommitJournal journal = CommitJournal.open(jf);
    FileRaftStorage a = journaled(tmp.resolve("group-1"), journal);
    FileRaftStorage b = journaled(tmp.resolve("group-2"), journal);
    for (FileRaftStorage s : List.of(a, b)) {
      s.setHardState(new HardState(3, 1));
      s.append(entries(1, 8, 3));
      s.prepareFlush().sync();
    }
    journal.force();
    assertTrue(journal.size() > 0);
    a.forceForCheckpoint();
    b.forceForCheckpoint();
    journal.checkpoint();
    assertEquals(0, journal.size());
    assertEquals(0, Files.size(jf));
    Path image = crashImage("group-1", "group-2"); // journal empty: nothing to replay
    assertEquals(8, reload(image.resolve("group-1")).entries().size(), "durable in its own segment now");
    assertEquals(8, reload(image.resolve("group-2")).entries().size());
  }

  @Test
  void flushOfAJournaledStorageForcesTheJournal() throws Exception {
    CommitJournal journal = CommitJournal.open(tmp.resolve(CommitJournal.FILE_NAME));
    FileRaftStorage s = journaled(tmp.resolve("group-1"), journal);
    s.append(entries(1, 2, 1));
    s.flush();
    assertEquals(1, journal.forces());
    Path image = crashImage("group-1");
    CommitJournal.open(image.resolve(CommitJournal.FILE_NAME)).close();
    assertEquals(List.of("1@1", "2@1"), log(reload(image.resolve("group-1"))));
  }

  @Test
  void aPassOfOneBatchForcesItsOwnSegmentAndRecordsNothing() throws Exception {
    CommitJournal journal = CommitJournal.open(tmp.resolve(CommitJournal.FILE_NAME));
    FileRaftStorage s = journaled(tmp.resolve("group-1"), journal);
    s.append(entries(1, 3, 1));
    files.resetCount();
    journal.directPass(true);
    s.prepareFlush().sync();
    assertEquals(1, segmentForces(), "the segment's own fdatasync");
    assertEquals(0, journal.size(), "nothing recorded in the journal");
    journal.force();
    assertEquals(0, journal.forces(), "and no journal fsync");
    Path image = crashImage("group-1");
    assertEquals(List.of("1@1", "2@1", "3@1"), log(reload(image.resolve("group-1"))), "durable without a replay");
  }

  // ---- durability claims with the journal (docs/storage.md, "Torn tail") ----

  private static List<SegmentScan.Located> records(Path segment) {
    byte[] b = TestDirs.read(segment);
    return SegmentScan.of(b, b.length).records();
  }

  private static List<Long> claims(Path segment) {
    return records(segment).stream().filter(r -> r.type() == RecordType.DURABLE).map(SegmentScan.Located::index).toList();
  }

  /**
   * A journaled batch is durable once the journal is forced, not its segment: the next batch claims
   * it, a power cut that then loses a page of it in the segment is repaired by replay, and the
   * same image without the journal is refused rather than silently cut (the claim relies on replay).
   */
  @Test
  void aBatchClaimedDurableThroughTheJournalIsRestoredByReplayAfterAHoleInItsSegment() throws Exception {
    CommitJournal journal = CommitJournal.open(tmp.resolve(CommitJournal.FILE_NAME));
    Path dir = tmp.resolve("group-1");
    FileRaftStorage s = journaled(dir, journal);
    s.append(entries(1, 40, 1)); // about 5 KiB: the first batch spans a page boundary
    s.prepareFlush().sync();
    journal.force();
    long firstBatchEnd = Files.size(TestDirs.segments(dir).get(0));
    s.append(entries(41, 50, 1));
    s.prepareFlush().sync();
    journal.force();
    Path segment = TestDirs.segments(dir).get(0);
    assertEquals(firstBatchEnd, claims(segment).get(1), "the second batch claims the first, durable in the journal");

    assertEquals(1, files.powerCutLosingOneUnit(4096, 0), "a page of the first batch is lost from the segment");
    Path image = tmp.resolve("image");
    TestDirs.copy(dir, image.resolve("group-1"));
    Files.copy(tmp.resolve(CommitJournal.FILE_NAME), image.resolve(CommitJournal.FILE_NAME));
    Path unreplayed = tmp.resolve("unreplayed");
    TestDirs.copy(dir, unreplayed.resolve("group-1"));

    io.shardkv.server.raft.StorageException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.shardkv.server.raft.StorageException.class, () -> reload(unreplayed.resolve("group-1")));
    assertTrue(e.getMessage().contains("durability record written later"), e.getMessage());

    CommitJournal.open(image.resolve(CommitJournal.FILE_NAME)).close(); // the restart: replay
    assertEquals(50, reload(image.resolve("group-1")).entries().size(), "every acknowledged entry is back");
  }

  /**
   * Pipelining: two batches of one storage written before the journal force that makes both
   * durable. The second may not claim the first (it was not durable yet when written); a power
   * cut before the force that loses a page of the first batch and keeps the second is a torn,
   * unacknowledged tail: cut, and the node starts with what the journal made durable before.
   */
  @Test
  void aBatchWrittenBeforeThePreviousOneIsDurableDoesNotClaimIt() throws Exception {
    CommitJournal journal = CommitJournal.open(tmp.resolve(CommitJournal.FILE_NAME));
    Path dir = tmp.resolve("group-1");
    FileRaftStorage s = journaled(dir, journal);
    s.setHardState(new HardState(1, 1));
    s.append(entries(1, 2, 1));
    s.prepareFlush().sync();
    journal.force(); // acknowledged
    long acknowledged = Files.size(TestDirs.segments(dir).get(0));
    s.append(entries(3, 40, 1));
    s.prepareFlush().sync();
    s.append(entries(41, 60, 1));
    s.prepareFlush().sync(); // both written; the journal force that would cover them never happens
    Path segment = TestDirs.segments(dir).get(0);
    assertEquals(List.of(acknowledged, acknowledged), claims(segment).subList(1, 3),
        "neither later batch claims more than the acknowledged one");

    assertEquals(1, files.powerCutLosingOneUnit(4096, 0));
    Path image = crashImage("group-1");
    CommitJournal.open(image.resolve(CommitJournal.FILE_NAME)).close();
    PersistedState p = reload(image.resolve("group-1"));
    assertTrue(p.lastIndex() >= 2 && p.lastIndex() < 60, "cut at the hole: " + p.lastIndex());
    assertEquals(new HardState(1, 1), p.hardState());
  }
}
