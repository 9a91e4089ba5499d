package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.*;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SimDiskTest {

  private static LogEntry entry(long index, long term) {
    return new LogEntry(index, term, EntryKind.COMMAND, new byte[] {(byte) index});
  }

  private static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) out.add(entry(i, term));
    return out;
  }

  @Test
  void freshDiskLoadsEmptyState() {
    assertEquals(PersistedState.EMPTY.hardState(), new SimDisk("d").open().load().hardState());
    assertEquals(0, new SimDisk("d").open().load().lastIndex());
  }

  @Test
  void flushedWritesSurviveACrash() {
    SimDisk disk = new SimDisk("d");
    RaftStorage s = disk.open();
    s.load();
    s.setHardState(new HardState(3, 1));
    s.append(entries(1, 5, 3));
    s.flush();
    disk.crash(new SimRandom(1));
    PersistedState p = disk.open().load();
    assertEquals(new HardState(3, 1), p.hardState());
    assertEquals(entries(1, 5, 3), p.entries());
  }

  @Test
  void crashKeepsTheFlushedStatePlusAPrefixOfLaterCallsAndEveryPrefixCanHappen() {
    // Calls after the flush: c1 hardState(5), c2 truncateFrom(3), c3 append(3..4 @5), c4 hardState(6).
    List<PersistedState> prefixes = new ArrayList<>();
    prefixes.add(new PersistedState(new HardState(4, 0), SnapshotMeta.NONE, new byte[0], entries(1, 4, 4)));
    prefixes.add(new PersistedState(new HardState(5, 2), SnapshotMeta.NONE, new byte[0], entries(1, 4, 4)));
    prefixes.add(new PersistedState(new HardState(5, 2), SnapshotMeta.NONE, new byte[0], entries(1, 2, 4)));
    List<LogEntry> overwritten = new ArrayList<>(entries(1, 2, 4));
    overwritten.addAll(entries(3, 4, 5));
    prefixes.add(new PersistedState(new HardState(5, 2), SnapshotMeta.NONE, new byte[0], overwritten));
    prefixes.add(new PersistedState(new HardState(6, -1), SnapshotMeta.NONE, new byte[0], overwritten));

    TreeSet<Integer> seen = new TreeSet<>();
    for (long seed = 0; seed < 200; seed++) {
      SimDisk disk = new SimDisk("d");
      RaftStorage s = disk.open();
      s.load();
      s.setHardState(new HardState(4, 0));
      s.append(entries(1, 4, 4));
      s.flush();
      s.setHardState(new HardState(5, 2));
      s.truncateFrom(3);
      s.append(entries(3, 4, 5));
      s.setHardState(new HardState(6, HardState.NO_VOTE));
      assertEquals(4, disk.unflushedCalls());
      int kept = disk.crash(new SimRandom(seed));
      seen.add(kept);
      PersistedState p = disk.open().load();
      PersistedState expected = prefixes.get(kept);
      assertEquals(expected.hardState(), p.hardState(), "seed " + seed + " kept " + kept);
      assertEquals(expected.entries(), p.entries(), "seed " + seed + " kept " + kept);
    }
    assertEquals(new TreeSet<>(List.of(0, 1, 2, 3, 4)), seen, "every prefix length should occur");
  }

  @Test
  void writesAreVisibleBeforeFlushToTheSameIncarnation() {
    SimDisk disk = new SimDisk("d");
    RaftStorage s = disk.open();
    s.load();
    s.append(entries(1, 3, 1));
    assertEquals(3, s.lastIndex());
    assertEquals(0, disk.durableState().lastIndex());
    s.flush();
    assertEquals(3, disk.durableState().lastIndex());
  }

  @Test
  void snapshotCompactsAMatchingPrefixAndDiscardsAMismatchingLog() {
    SimDisk disk = new SimDisk("d");
    RaftStorage s = disk.open();
    s.load();
    s.append(entries(1, 10, 2));
    s.saveSnapshot(new SnapshotMeta(6, 2), new byte[] {42});
    assertEquals(10, s.lastIndex());
    s.flush();
    assertEquals(entries(7, 10, 2), disk.durableState().entries());
    s.saveSnapshot(new SnapshotMeta(8, 3), new byte[] {43});
    s.flush();
    PersistedState p = disk.durableState();
    assertEquals(List.of(), p.entries());
    assertEquals(new SnapshotMeta(8, 3), p.snapshot());
    assertEquals(8, p.lastIndex());
    assertArrayEquals(new byte[] {43}, p.snapshotData());
  }

  @Test
  void contractViolationsAreRejectedWithAClearMessage() {
    SimDisk disk = new SimDisk("disk of n1");
    RaftStorage s = disk.open();
    IllegalStateException early = assertThrows(IllegalStateException.class, () -> s.append(entries(1, 1, 1)));
    assertTrue(early.getMessage().contains("before load()"), early.getMessage());
    s.load();
    assertThrows(IllegalStateException.class, s::load);
    s.append(entries(1, 3, 1));
    IllegalArgumentException gap = assertThrows(IllegalArgumentException.class, () -> s.append(entries(5, 5, 1)));
    assertTrue(gap.getMessage().contains("disk of n1") && gap.getMessage().contains("index 4"), gap.getMessage());
    s.saveSnapshot(new SnapshotMeta(2, 1), new byte[0]);
    assertThrows(IllegalArgumentException.class, () -> s.truncateFrom(2));
  }

  @Test
  void aCrashedIncarnationCanNoLongerTouchTheDisk() {
    SimDisk disk = new SimDisk("d");
    RaftStorage old = disk.open();
    old.load();
    disk.crash(new SimRandom(0));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> old.setHardState(new HardState(1, 0)));
    assertTrue(e.getMessage().contains("crashed incarnation"), e.getMessage());
    assertThrows(IllegalStateException.class, old::flush);
    RaftStorage fresh = disk.open();
    fresh.load();
    fresh.setHardState(new HardState(1, 0));
  }
}
