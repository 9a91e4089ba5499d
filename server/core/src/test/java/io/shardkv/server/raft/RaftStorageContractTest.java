package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.StorageModel.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link RaftStorage} contract as executable specification. Every implementation (the file
 * storage, the simulator's disk) subclasses this and supplies a fresh storage and a crash.
 *
 * <p>A crash may keep any prefix of the calls made since the last flush (contract point 2), so
 * after a crash these tests accept exactly the states {@link StorageModel.History} allows, and
 * otherwise demand equality with {@link StorageModel}.
 */
public abstract class RaftStorageContractTest {

  /** A storage over fresh, empty durable state; {@code load()} not yet called. */
  protected abstract RaftStorage newStorage();

  /**
   * Crashes {@code storage} (no flush: unflushed calls may be lost, as by {@code kill -9} or power
   * loss) and returns a new storage over the same durable state, {@code load()} not yet called.
   */
  protected abstract RaftStorage crashAndReopen(RaftStorage storage);

  private RaftStorage storage;
  private StorageModel.History history;

  @BeforeEach
  void openFreshStorage() {
    storage = newStorage();
    PersistedState s = storage.load();
    history = new StorageModel.History(StorageModel.of(s));
  }

  @AfterEach
  void closeStorage() {
    if (storage != null) storage.close();
  }

  // --- helpers: every call goes to the storage and to the model --------------------------------

  private void call(Call c) {
    c.applyTo(storage);
    history.called(c);
  }

  private void setHardState(long term, int votedFor) { call(new Call.SetHardState(new HardState(term, votedFor))); }

  private void append(long fromIndex, long toIndex, long term) { call(new Call.Append(entries(fromIndex, toIndex, term))); }

  private void truncateFrom(long index) { call(new Call.Truncate(index)); }

  private void saveSnapshot(long index, long term, byte[] data) {
    call(new Call.SaveSnapshot(new SnapshotMeta(index, term), data));
  }

  private void flush() {
    storage.flush();
    history.flushed();
  }

  /** Crashes, reopens, checks the recovered state is allowed, returns it. */
  private PersistedState crash() {
    storage = crashAndReopen(storage);
    PersistedState s = storage.load();
    history.checkRecovered(s);
    history.restartFrom(s);
    return s;
  }

  /** Flushes, crashes, and demands that exactly the model's state comes back. */
  private PersistedState flushCrashAndExpectModel() {
    flush();
    StorageModel expected = history.current().copy();
    PersistedState s = crash();
    String diff = expected.difference(s);
    assertEquals(null, diff, "state after flush and crash");
    return s;
  }

  static List<LogEntry> entries(long fromIndex, long toIndex, long term) {
    List<LogEntry> list = new ArrayList<>();
    for (long i = fromIndex; i <= toIndex; i++) list.add(entry(i, term, 16));
    return list;
  }

  /** An entry whose payload depends on index and term, so misplaced entries are visible. */
  static LogEntry entry(long index, long term, int size) {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) data[i] = (byte) (index * 31 + term * 7 + i);
    return new LogEntry(index, term, EntryKind.COMMAND, data);
  }

  // --- the contract ---------------------------------------------------------------------------

  @Test
  void freshStorageLoadsEmptyState() {
    PersistedState s = crash();
    assertEquals(HardState.INITIAL, s.hardState());
    assertEquals(SnapshotMeta.NONE, s.snapshot());
    assertEquals(0, s.snapshotData().length);
    assertTrue(s.entries().isEmpty());
    assertEquals(0, storage.lastIndex());
  }

  @Test
  void flushedHardStateSurvivesCrash() {
    setHardState(3, 2);
    PersistedState s = flushCrashAndExpectModel();
    assertEquals(new HardState(3, 2), s.hardState());
    setHardState(4, HardState.NO_VOTE);
    assertEquals(new HardState(4, HardState.NO_VOTE), flushCrashAndExpectModel().hardState());
  }

  @Test
  void flushedEntriesSurviveCrashWithExactKindsAndPayloads() {
    call(new Call.Append(List.of(
        new LogEntry(1, 1, EntryKind.NOOP, new byte[0]),
        entry(2, 1, 0),
        entry(3, 1, 1),
        entry(4, 1, 100_000),
        entry(5, 2, 7))));
    PersistedState s = flushCrashAndExpectModel();
    assertEquals(5, s.entries().size());
    assertEquals(EntryKind.NOOP, s.entries().get(0).kind());
    assertArrayEquals(entry(4, 1, 100_000).data(), s.entries().get(3).data());
    assertEquals(5, storage.lastIndex());
  }

  @Test
  void appendsAfterRecoveryContinueTheRecoveredLog() {
    append(1, 10, 1);
    flushCrashAndExpectModel();
    append(11, 20, 2);
    PersistedState s = flushCrashAndExpectModel();
    assertEquals(20, s.lastIndex());
  }

  @Test
  void appendRejectsAnEntryThatDoesNotFollowTheLastIndex() {
    append(1, 3, 1);
    assertThrows(IllegalArgumentException.class, () -> storage.append(entries(5, 5, 1)));
    assertThrows(IllegalArgumentException.class, () -> storage.append(entries(3, 3, 1)));
    assertThrows(IllegalArgumentException.class,
        () -> storage.append(List.of(entry(4, 1, 1), entry(6, 1, 1))));
    assertEquals(3, storage.lastIndex());
    flushCrashAndExpectModel();
  }

  @Test
  void truncateFromRemovesTheSuffixDurably() {
    append(1, 10, 1);
    flush();
    truncateFrom(6);
    assertEquals(5, storage.lastIndex());
    PersistedState s = flushCrashAndExpectModel();
    assertEquals(5, s.lastIndex());
  }

  @Test
  void truncateThenAppendReplacesAConflictingSuffix() {
    append(1, 10, 1);
    flush();
    truncateFrom(4);
    append(4, 12, 2);
    PersistedState s = flushCrashAndExpectModel();
    assertEquals(12, s.lastIndex());
    assertEquals(1, s.entries().get(2).term());
    assertEquals(2, s.entries().get(3).term());
  }

  @Test
  void truncateBeyondTheLastIndexChangesNothing() {
    append(1, 3, 1);
    truncateFrom(4);
    assertEquals(3, storage.lastIndex());
    flushCrashAndExpectModel();
  }

  @Test
  void truncateAtOrBelowTheSnapshotIndexIsRejected() {
    append(1, 10, 1);
    saveSnapshot(5, 1, new byte[] {1});
    assertThrows(IllegalArgumentException.class, () -> storage.truncateFrom(5));
    assertThrows(IllegalArgumentException.class, () -> storage.truncateFrom(1));
    flushCrashAndExpectModel();
  }

  @Test
  void snapshotMatchingAnEntryKeepsTheEntriesAfterIt() {
    append(1, 10, 1);
    saveSnapshot(6, 1, new byte[] {6, 6});
    assertEquals(10, storage.lastIndex());
    PersistedState s = flushCrashAndExpectModel();
    assertEquals(new SnapshotMeta(6, 1), s.snapshot());
    assertArrayEquals(new byte[] {6, 6}, s.snapshotData());
    assertEquals(7, s.entries().get(0).index());
    assertEquals(10, s.lastIndex());
  }

  @Test
  void snapshotWithATermTheLogDoesNotHoldDiscardsTheWholeTail() {
    append(1, 10, 1);
    saveSnapshot(6, 2, new byte[] {9});
    assertEquals(6, storage.lastIndex());
    PersistedState s = flushCrashAndExpectModel();
    assertTrue(s.entries().isEmpty());
    assertEquals(6, s.lastIndex());
  }

  @Test
  void snapshotBeyondTheLastIndexDiscardsTheTailAndTheLogContinuesAfterIt() {
    append(1, 3, 1);
    saveSnapshot(50, 4, new byte[] {5});
    assertEquals(50, storage.lastIndex());
    append(51, 55, 4);
    PersistedState s = flushCrashAndExpectModel();
    assertEquals(51, s.entries().get(0).index());
    assertEquals(55, s.lastIndex());
  }

  @Test
  void newerSnapshotReplacesTheOlderOne() {
    append(1, 20, 1);
    saveSnapshot(5, 1, new byte[] {1});
    flushCrashAndExpectModel();
    saveSnapshot(15, 1, new byte[] {2, 2});
    PersistedState s = flushCrashAndExpectModel();
    assertEquals(new SnapshotMeta(15, 1), s.snapshot());
    assertArrayEquals(new byte[] {2, 2}, s.snapshotData());
    assertEquals(16, s.entries().get(0).index());
  }

  @Test
  void snapshotAtTheLastIndexLeavesAnEmptyTailThatAppendsContinue() {
    append(1, 8, 1);
    saveSnapshot(8, 1, new byte[] {8});
    assertEquals(8, storage.lastIndex());
    append(9, 9, 2);
    PersistedState s = flushCrashAndExpectModel();
    assertEquals(9, s.lastIndex());
  }

  @Test
  void unflushedCallsSurviveACrashOnlyAsAPrefix() {
    append(1, 5, 1);
    setHardState(1, 1);
    flush();
    append(6, 8, 1);
    setHardState(2, HardState.NO_VOTE);
    truncateFrom(7);
    append(7, 9, 2);
    saveSnapshot(6, 1, new byte[] {3});
    crash(); // checks the recovered state is the flushed one plus a prefix of the five calls
    assertTrue(storage.lastIndex() >= 5);
  }

  @Test
  void randomCallSequencesMatchTheModelAcrossManyCrashes() {
    Random rnd = new Random(20261125);
    for (int round = 0; round < 40; round++) {
      int calls = 1 + rnd.nextInt(30);
      for (int c = 0; c < calls; c++) {
        randomCall(rnd);
        if (rnd.nextInt(4) == 0) flush();
      }
      if (rnd.nextBoolean()) {
        flush();
        StorageModel expected = history.current().copy();
        assertEquals(null, expected.difference(crash()), "round " + round);
      } else {
        crash();
      }
      assertEquals(history.current().lastIndex(), storage.lastIndex());
    }
  }

  private void randomCall(Random rnd) {
    StorageModel m = history.current();
    long last = m.lastIndex();
    long term = Math.max(1, m.hardState().term());
    int choice = rnd.nextInt(10);
    if (choice < 5) {
      append(last + 1, last + 1 + rnd.nextInt(8), term);
    } else if (choice < 7) {
      setHardState(term + rnd.nextInt(2), rnd.nextInt(3) - 1);
    } else if (choice < 9) {
      long lo = m.snapshot().lastIndex() + 1;
      if (last >= lo) {
        long from = lo + rnd.nextInt((int) (last - lo + 1));
        truncateFrom(from);
        append(from, from + rnd.nextInt(4), term + 1);
        setHardState(term + 1, HardState.NO_VOTE);
      }
    } else {
      long lo = m.snapshot().lastIndex() + 1;
      long idx = lo + rnd.nextInt((int) (last - lo + 3));
      long t = m.termAt(idx) > 0 && rnd.nextInt(4) > 0 ? m.termAt(idx) : term + 1;
      byte[] data = new byte[rnd.nextInt(64)];
      rnd.nextBytes(data);
      saveSnapshot(idx, t, data);
    }
  }
}
