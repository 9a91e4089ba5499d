package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftSnapshotTest {

  private static List<String> commands(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) out.add("command-" + i);
    return out;
  }

  @Test
  void snapshotCompactsTheInMemoryLogAndIsPersistedThroughTheNextReady() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    for (String s : commands(0, 10)) c.propose(1, s);
    c.settle();
    RaftNode n = c.node(1);
    n.snapshotTaken(8, "state@8".getBytes(StandardCharsets.UTF_8));
    assertEquals(new SnapshotMeta(8, 1), n.snapshotMeta());
    assertNull(n.entry(8), "compacted");
    assertNotNull(n.entry(9));
    assertEquals(-1, n.termAt(7));
    assertEquals(1, n.termAt(8), "the snapshot remembers the term of its last entry");
    Ready rd = n.ready();
    assertEquals(new Snapshot(new SnapshotMeta(8, 1), "state@8".getBytes(StandardCharsets.UTF_8)), rd.snapshotToPersist());
    assertNull(rd.snapshotToApply(), "the application's own snapshot is not applied back");
    rd.persistTo(c.storages.get(1));
    n.advance(rd);
    PersistedState stored = c.storages.get(1).load();
    assertEquals(new SnapshotMeta(8, 1), stored.snapshot());
    assertEquals(List.of(9L, 10L, 11L), stored.entries().stream().map(LogEntry::index).toList());
  }

  @Test
  void snapshotBeyondTheAppliedIndexIsRefusedWithAClearMessage() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(1);
    c.electLeader(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.node(1).snapshotTaken(5, new byte[0]));
    assertTrue(e.getMessage().contains("applied index 1"), e.getMessage());
  }

  @Test
  void followerBehindTheCompactedPrefixReceivesTheSnapshotInChunksThenCatchesUp() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withSnapshotChunkBytes(16));
    c.electLeader(1);
    c.settle();
    c.isolated.add(3);
    List<String> expected = commands(0, 12);
    for (String s : expected) c.propose(1, s);
    c.settle();
    c.takeSnapshot(1);
    byte[] data = InMemoryRaftCluster.encode(expected);
    assertEquals(13, c.node(1).snapshotMeta().lastIndex());
    c.propose(1, "after");
    c.isolated.clear();
    c.tickAll(20);
    List<RaftMessage.InstallSnapshot> chunks = c.sentOf(RaftMessage.InstallSnapshot.class, 1, 3);
    int expectedChunks = (data.length + 15) / 16;
    assertEquals(expectedChunks, chunks.size(), "one message per chunk, no retransmission on a clean network");
    for (int i = 0; i < chunks.size(); i++) {
      assertEquals(16L * i, chunks.get(i).offset());
      assertEquals(i == chunks.size() - 1, chunks.get(i).done());
    }
    List<String> all = new ArrayList<>(expected);
    all.add("after");
    assertEquals(all, c.machines.get(3));
    assertEquals(new SnapshotMeta(13, 1), c.node(3).snapshotMeta());
    PersistedState stored = c.storages.get(3).load();
    assertArrayEquals(data, stored.snapshotData());
    assertEquals(List.of(14L), stored.entries().stream().map(LogEntry::index).toList());
  }

  @Test
  void snapshotChunksLostOnTheWayAreResent() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withSnapshotChunkBytes(8));
    c.electLeader(1);
    c.settle();
    c.isolated.add(3);
    for (String s : commands(0, 6)) c.propose(1, s);
    c.settle();
    c.takeSnapshot(1);
    c.isolated.clear();
    int[] seen = {0};
    c.dropIf = m -> m instanceof RaftMessage.InstallSnapshot && ++seen[0] % 3 == 0; // lose every third chunk
    c.tickAll(100);
    assertEquals(commands(0, 6), c.machines.get(3));
    assertEquals(c.node(1).commitIndex(), c.node(3).commitIndex());
  }

  @Test
  void restartLoadsSnapshotAndLogTailWithCommitAndAppliedAtTheSnapshot() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    for (String s : commands(0, 5)) c.propose(1, s);
    c.settle();
    c.takeSnapshot(2);
    c.propose(1, "tail");
    c.settle();
    c.crash(2);
    c.restart(2);
    RaftNode n = c.node(2);
    assertEquals(new SnapshotMeta(6, 1), n.snapshotMeta());
    assertEquals(6, n.commitIndex());
    assertEquals(6, n.appliedIndex());
    assertEquals(7, n.lastIndex());
    assertEquals(commands(0, 5), c.machines.get(2), "state machine restored from the snapshot alone");
    c.settle();
    List<String> all = commands(0, 5);
    all.add("tail");
    assertEquals(all, c.machines.get(2));
  }

  @Test
  void logLengthStaysBoundedWhenSnapshotsAreTakenInTime() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3);
    c.electLeader(1);
    for (int i = 0; i < 200; i++) {
      c.propose(1, "v" + i);
      if (i % 20 == 19) {
        c.settle();
        for (int id = 1; id <= 3; id++) c.takeSnapshot(id);
      }
    }
    c.settle();
    for (int id = 1; id <= 3; id++) {
      assertTrue(c.storages.get(id).load().entries().size() <= 25, "log tail of node " + id);
      assertEquals(200, c.machines.get(id).size());
    }
  }

  @Test
  void snapshotWhoseLastEntryTheFollowerAlreadyHoldsOnlyAdvancesItsCommitAndKeepsItsLog() {
    // Fig. 13 step 6: "if existing log entry has same index and term as snapshot's last included
    // entry, retain log entries following it".
    List<LogEntry> log = new ArrayList<>();
    for (int i = 1; i <= 5; i++) log.add(new LogEntry(i, 1, EntryKind.COMMAND, new byte[] {(byte) i}));
    PersistedState s = new PersistedState(new HardState(1, HardState.NO_VOTE), SnapshotMeta.NONE, new byte[0], log);
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), s, b -> 0, TraceSink.NONE);
    n.step(new RaftMessage.InstallSnapshot(2, 1, 1, 3, 1, 0, new byte[] {9}, true));
    Ready rd = n.ready();
    assertNull(rd.snapshotToPersist());
    assertNull(rd.snapshotToApply());
    assertEquals(3, rd.committedEntries().size(), "entries 1..3 are applied from the log instead");
    assertEquals(List.of(new RaftMessage.InstallSnapshotResponse(1, 2, 1, 3, 1, true)), rd.messagesAfterPersist());
    n.advance(rd);
    assertEquals(5, n.lastIndex());
    assertEquals(3, n.commitIndex());
  }

  @Test
  void installedSnapshotReplacesAConflictingLogAndIsAppliedBeforeLaterEntries() {
    List<LogEntry> log = List.of(new LogEntry(1, 1, EntryKind.COMMAND, new byte[] {1}),
        new LogEntry(2, 1, EntryKind.COMMAND, new byte[] {2}));
    PersistedState s = new PersistedState(new HardState(2, HardState.NO_VOTE), SnapshotMeta.NONE, new byte[0], log);
    MemoryStorage storage = new MemoryStorage(s);
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), storage.load(), b -> 0, TraceSink.NONE);
    n.step(new RaftMessage.InstallSnapshot(2, 1, 3, 4, 2, 0, new byte[] {7, 7}, false));
    Ready first = n.ready();
    assertEquals(List.of(new RaftMessage.InstallSnapshotResponse(1, 2, 3, 4, 2, false)), first.messagesAfterPersist());
    first.persistTo(storage);
    n.advance(first);
    n.step(new RaftMessage.InstallSnapshot(2, 1, 3, 4, 2, 2, new byte[] {8}, true));
    Ready rd = n.ready();
    Snapshot expected = new Snapshot(new SnapshotMeta(4, 2), new byte[] {7, 7, 8});
    assertEquals(expected, rd.snapshotToPersist());
    assertEquals(expected, rd.snapshotToApply());
    assertEquals(List.of(), rd.committedEntries());
    rd.persistTo(storage);
    n.advance(rd);
    assertEquals(new SnapshotMeta(4, 2), storage.load().snapshot());
    assertEquals(List.of(), storage.load().entries(), "the conflicting log is gone from storage");
    assertEquals(4, n.commitIndex());
    assertEquals(4, n.appliedIndex());
    assertEquals(4, n.lastIndex());
  }

  @Test
  void outOfOrderSnapshotChunkIsAnsweredWithTheOffsetTheFollowerExpects() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), PersistedState.EMPTY, b -> 0, TraceSink.NONE);
    n.step(new RaftMessage.InstallSnapshot(2, 1, 1, 4, 1, 8, new byte[] {1}, false));
    Ready rd = n.ready();
    assertEquals(List.of(new RaftMessage.InstallSnapshotResponse(1, 2, 1, 4, 0, false)), rd.messagesAfterPersist());
    n.advance(rd);
  }
}
