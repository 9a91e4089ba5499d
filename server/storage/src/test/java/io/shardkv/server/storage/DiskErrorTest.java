package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.StorageException;
import io.shardkv.server.raft.StorageModel;
import io.shardkv.server.raft.StorageModel.Call;
import io.shardkv.server.storage.FaultInjectingFiles.Fault;
import io.shardkv.server.storage.FaultInjectingFiles.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Disk errors (ENOSPC, EIO) injected through the file layer at each kind of operation: the storage
 * fails with a message naming the operation, the directory and the cause; it stays failed; and
 * reopening the directory shows everything flushed before the error, intact.
 */
class DiskErrorTest {
  private static final long SEGMENT_SIZE = 4096;

  @TempDir Path tmp;

  static List<Arguments> faults() {
    List<Arguments> list = new ArrayList<>();
    for (Fault f : Fault.values()) {
      for (Op op : List.of(Op.WRITE, Op.FORCE, Op.CREATE, Op.RENAME, Op.DELETE, Op.SYNC_DIR)) {
        list.add(Arguments.of(op, f));
      }
    }
    return list;
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("faults")
  void aDiskErrorDuringFlushFailsTheStorageForGoodAndKeepsWhatWasDurable(Op op, Fault fault) {
    Path dir = tmp.resolve("node");
    FaultInjectingFiles files = new FaultInjectingFiles();
    FileRaftStorage s = new FileRaftStorage(dir, files, SEGMENT_SIZE, true);
    StorageModel.History h = new StorageModel.History(StorageModel.of(s.load()));
    for (int i = 1; i <= 40; i++) call(s, h, new Call.Append(List.of(CrashWorkload.entry(i, 1, 100))));
    call(s, h, new Call.SetHardState(new HardState(1, 1)));
    s.flush();
    h.flushed();

    // One flush that writes, forces, rolls segments, writes a snapshot and deletes covered files.
    for (int i = 41; i <= 80; i++) call(s, h, new Call.Append(List.of(CrashWorkload.entry(i, 1, 100))));
    call(s, h, new Call.SaveSnapshot(new SnapshotMeta(70, 1), new byte[] {7}));
    call(s, h, new Call.SetHardState(new HardState(2, HardState.NO_VOTE)));
    files.failAt(op, 1, fault);
    StorageException e = assertThrows(StorageException.class, s::flush);
    assertTrue(files.fired());
    assertTrue(e.getMessage().contains(fault.text), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("must stop"), e.getMessage());

    // Failed for good, even though the file layer works again.
    assertThrows(StorageException.class, s::flush);
    assertThrows(StorageException.class, () -> s.append(List.of(CrashWorkload.entry(81, 2, 1))));
    assertThrows(StorageException.class, () -> s.setHardState(new HardState(3, 1)));
    assertThrows(StorageException.class, () -> s.truncateFrom(75));
    assertThrows(StorageException.class, () -> s.saveSnapshot(new SnapshotMeta(75, 1), new byte[0]));
    assertThrows(StorageException.class, s::lastIndex);
    s.close();

    PersistedState recovered = TestDirs.load(dir, SEGMENT_SIZE);
    h.checkRecovered(recovered); // includes everything flushed before the error
    assertTrue(recovered.lastIndex() >= 40);
  }

  @ParameterizedTest(name = "{1} on {0}, then power cut")
  @MethodSource("faults")
  void aDiskErrorFollowedByAPowerCutStillKeepsWhatWasDurable(Op op, Fault fault) throws Exception {
    Path dir = tmp.resolve("node");
    FaultInjectingFiles files = new FaultInjectingFiles();
    FileRaftStorage s = new FileRaftStorage(dir, files, SEGMENT_SIZE, true);
    StorageModel.History h = new StorageModel.History(StorageModel.of(s.load()));
    for (int i = 1; i <= 40; i++) call(s, h, new Call.Append(List.of(CrashWorkload.entry(i, 1, 100))));
    call(s, h, new Call.SaveSnapshot(new SnapshotMeta(20, 1), new byte[] {2}));
    s.flush();
    h.flushed();
    for (int i = 41; i <= 80; i++) call(s, h, new Call.Append(List.of(CrashWorkload.entry(i, 1, 100))));
    call(s, h, new Call.SaveSnapshot(new SnapshotMeta(70, 1), new byte[] {7}));
    files.failAt(op, 1, fault);
    assertThrows(StorageException.class, s::flush);
    s.close();
    files.powerCut();
    h.checkRecovered(TestDirs.load(dir, SEGMENT_SIZE));
  }

  @Test
  void aReadErrorDuringRecoveryIsAClearErrorAndAHealthyRetrySucceeds() {
    Path dir = tmp.resolve("node");
    try (FileRaftStorage s = TestDirs.open(dir, SEGMENT_SIZE)) {
      s.load();
      s.append(List.of(CrashWorkload.entry(1, 1, 10)));
      s.flush();
    }
    FaultInjectingFiles files = new FaultInjectingFiles().failAt(Op.READ, 1, Fault.EIO);
    FileRaftStorage s = new FileRaftStorage(dir, files, SEGMENT_SIZE, false);
    StorageException e = assertThrows(StorageException.class, s::load);
    assertTrue(e.getMessage().contains("Input/output error") && e.getMessage().contains(dir.toString()),
        e.getMessage());
    assertThrows(StorageException.class, s::flush);
    assertEquals(1, TestDirs.load(dir, SEGMENT_SIZE).lastIndex());
  }

  @Test
  void aMissingDataDirectoryIsAClearErrorUnlessCreationIsAsked() {
    Path dir = tmp.resolve("does-not-exist");
    StorageException e = assertThrows(StorageException.class,
        () -> new FileRaftStorage(dir, NioStorageFiles.INSTANCE, SEGMENT_SIZE, false).load());
    assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("does not exist"),
        e.getMessage());
    assertEquals(0, new FileRaftStorage(dir, NioStorageFiles.INSTANCE, SEGMENT_SIZE, true).load().lastIndex());
  }

  @Test
  void aDataDirectoryThatIsAFileIsAClearError() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    StorageException e = assertThrows(StorageException.class,
        () -> new FileRaftStorage(file, NioStorageFiles.INSTANCE, SEGMENT_SIZE, true).load());
    assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
  }

  @Test
  void anUnreadableDataDirectoryIsAClearError() {
    Path dir = tmp.resolve("node");
    try (FileRaftStorage s = TestDirs.open(dir, SEGMENT_SIZE)) {
      s.load();
    }
    FaultInjectingFiles files = new FaultInjectingFiles().failAt(Op.LIST, 1, Fault.EACCES);
    StorageException e = assertThrows(StorageException.class,
        () -> new FileRaftStorage(dir, files, SEGMENT_SIZE, false).load());
    assertTrue(e.getMessage().contains("cannot read data directory " + dir), e.getMessage());
    assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
  }

  @Test
  void anUnwritableDataDirectoryIsAClearError() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("node"));
    FaultInjectingFiles files = new FaultInjectingFiles().failAt(Op.CREATE, 1, Fault.EACCES);
    StorageException e = assertThrows(StorageException.class,
        () -> new FileRaftStorage(dir, files, SEGMENT_SIZE, false).load());
    assertTrue(e.getMessage().contains("Permission denied") && e.getMessage().contains(dir.toString()),
        e.getMessage());
  }

  @Test
  void aMissingSegmentInTheMiddleIsRefused() throws Exception {
    Path dir = tmp.resolve("node");
    try (FileRaftStorage s = TestDirs.open(dir, SEGMENT_SIZE)) {
      s.load();
      for (int i = 1; i <= 120; i++) s.append(List.of(CrashWorkload.entry(i, 1, 100)));
      s.flush();
    }
    List<Path> segs = TestDirs.segments(dir);
    assertTrue(segs.size() >= 3);
    Files.delete(segs.get(1));
    StorageException e = assertThrows(StorageException.class, () -> TestDirs.load(dir, SEGMENT_SIZE));
    assertTrue(e.getMessage().contains(segs.get(1).getFileName() + " is missing"), e.getMessage());
  }

  @Test
  void aMissingSnapshotFileIsRefused() throws Exception {
    Path dir = tmp.resolve("node");
    try (FileRaftStorage s = TestDirs.open(dir, SEGMENT_SIZE)) {
      s.load();
      for (int i = 1; i <= 10; i++) s.append(List.of(CrashWorkload.entry(i, 1, 10)));
      s.saveSnapshot(new SnapshotMeta(5, 1), new byte[] {5});
      s.append(List.of(CrashWorkload.entry(11, 1, 10)));
      s.flush();
    }
    Files.delete(dir.resolve(SnapshotFiles.name(1)));
    StorageException e = assertThrows(StorageException.class, () -> TestDirs.load(dir, SEGMENT_SIZE));
    assertTrue(e.getMessage().contains(SnapshotFiles.name(1)) && e.getMessage().contains("missing"),
        e.getMessage());
  }

  @Test
  void aSecondStorageOnTheSameDirectoryIsRefusedUntilTheFirstIsClosed() {
    Path dir = tmp.resolve("node");
    FileRaftStorage first = TestDirs.open(dir, SEGMENT_SIZE);
    first.load();
    StorageException e = assertThrows(StorageException.class, () -> TestDirs.load(dir, SEGMENT_SIZE));
    assertTrue(e.getMessage().contains("in use"), e.getMessage());
    first.close();
    assertEquals(0, TestDirs.load(dir, SEGMENT_SIZE).lastIndex());
  }

  private static void call(FileRaftStorage s, StorageModel.History h, Call c) {
    c.applyTo(s);
    h.called(c);
  }
}
