package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one Ready loop ({@link ReadyDriver}) as a specification: the order of its effects on storage,
 * network and application, group commit with an asynchronous flush, and stopping on a storage failure.
 * The scenario: follower 1 of {1,2,3} receives the term-1 leader's AppendEntries with two entries
 * (committed up to index 1), so its Ready writes a hard state and entries and must acknowledge.
 */
class ReadyDriverTest {
  private final List<String> events = new ArrayList<>();
  private final MemoryStorage memory = new MemoryStorage();
  private boolean failFlush;

  private final RaftStorage storage = new RaftStorage() {
    public PersistedState load() { return memory.load(); }
    public void setHardState(HardState s) { events.add("write hard state term " + s.term()); memory.setHardState(s); }
    public void append(List<LogEntry> e) { events.add("write " + e.size() + " entries"); memory.append(e); }
    public void truncateFrom(long i) { events.add("write truncate"); memory.truncateFrom(i); }
    public void saveSnapshot(SnapshotMeta m, byte[] d) { events.add("write snapshot"); memory.saveSnapshot(m, d); }
    public long lastIndex() { return memory.lastIndex(); }
    public void flush() {
      events.add("flush");
      if (failFlush) throw new StorageException("disk full");
      memory.flush();
    }
    public void close() { }
  };

  private final RaftNode raft = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), storage.load(), b -> 0, TraceSink.NONE);
  private final ReadyDriver.Applier applier = new ReadyDriver.Applier() {
    @Override public void apply(Ready rd) { events.add("apply " + rd.committedEntries().size() + " entries"); }
    @Override public void afterAdvance() { events.add("after advance"); }
  };
  private final ReadyDriver.Transport transport = m -> events.add("send " + m.getClass().getSimpleName());
  private final List<Throwable> stopped = new ArrayList<>();
  private final ReadyDriver.Hooks hooks = new ReadyDriver.Hooks() {
    @Override public void stopped(Throwable cause) { stopped.add(cause); }
  };

  private static RaftMessage appendFromLeader(long commit) {
    List<LogEntry> entries = List.of(
        new LogEntry(1, 1, EntryKind.COMMAND, "a".getBytes(StandardCharsets.UTF_8)),
        new LogEntry(2, 1, EntryKind.COMMAND, "b".getBytes(StandardCharsets.UTF_8)));
    return new RaftMessage.AppendEntries(2, 1, 1, 0, 0, entries, commit);
  }

  @Test
  void withAnInlineFlushTheReadyIsWrittenHardStateFirstFlushedThenAcknowledgedAppliedAndAdvanced() {
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, applier, null, hooks);
    driver.input(() -> raft.step(appendFromLeader(1)));

    assertEquals(List.of("write hard state term 1", "write 2 entries", "flush", "send AppendEntriesResponse",
        "apply 1 entries", "after advance"), events);
    assertFalse(raft.hasReady(), "advanced: nothing left to do");
    assertEquals(1, raft.appliedIndex());
  }

  @Test
  void withAnAsynchronousFlushNothingIsAcknowledgedAndNoInputRunsUntilTheFlushIsDone() {
    int[] flushRequests = {0};
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, applier, () -> flushRequests[0]++, hooks);
    driver.input(() -> raft.step(appendFromLeader(1)));
    boolean[] secondRan = {false};
    driver.input(() -> secondRan[0] = true);

    assertEquals(List.of("write hard state term 1", "write 2 entries"), events, "written, not flushed, not sent");
    assertEquals(1, flushRequests[0]);
    assertTrue(driver.awaitingFlush());
    assertFalse(secondRan[0], "inputs wait for the Ready in flight");

    storage.flush();
    driver.onFlushed();

    assertEquals(List.of("write hard state term 1", "write 2 entries", "flush", "send AppendEntriesResponse",
        "apply 1 entries", "after advance"), events);
    assertTrue(secondRan[0], "the queued input ran after the Ready completed");
    assertFalse(driver.awaitingFlush());
    assertThrows(IllegalStateException.class, driver::onFlushed, "no flush was requested");
  }

  @Test
  void aStorageFailureStopsTheDriverBeforeItSpeaksAndLaterInputsAreIgnored() {
    failFlush = true;
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, applier, null, hooks);
    driver.input(() -> raft.step(appendFromLeader(1)));

    assertEquals(List.of("write hard state term 1", "write 2 entries", "flush"), events, "no ack, no apply");
    assertEquals(1, stopped.size());
    assertTrue(driver.stopped());
    boolean[] ran = {false};
    driver.input(() -> ran[0] = true);
    assertFalse(ran[0], "a stopped driver ignores inputs");
  }

  @Test
  void theUnsafeDriverAcknowledgesBeforeTheFlush() {
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, applier, () -> { }, hooks).unsafeAckingBeforeFlush();
    driver.input(() -> raft.step(appendFromLeader(1)));

    assertEquals(List.of("send AppendEntriesResponse", "write hard state term 1", "write 2 entries"), events);
  }
}
