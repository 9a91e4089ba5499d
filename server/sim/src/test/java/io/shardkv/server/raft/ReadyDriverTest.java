package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.sim.SimDisk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one Ready loop ({@link ReadyDriver}) with asynchronous storage writes, as a specification:
 * the order of its effects on storage, network and application; the node keeps taking input while
 * a flush is in flight; acknowledgements and votes wait for the flush covering them, heartbeat
 * answers (ReadIndex) do not; a leader counts its own append only once durable; a Ready written
 * during a flush may truncate what that flush carries; a storage failure stops the driver. Mostly
 * follower 1 of {1,2,3} receiving the term-1 leader 2's messages.
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
    @Override public void apply(Ready rd) {
      if (!rd.committedEntries().isEmpty()) events.add("apply " + rd.committedEntries().size() + " entries");
    }
  };
  private final ReadyDriver.Transport transport = m -> events.add("send " + m.getClass().getSimpleName());
  private final List<Throwable> stopped = new ArrayList<>();
  private final ReadyDriver.Hooks hooks = new ReadyDriver.Hooks() {
    @Override public void stopped(Throwable cause) { stopped.add(cause); }
  };
  /** Batches handed to the asynchronous flusher, oldest first. */
  private final List<RaftStorage.FlushBatch> requested = new ArrayList<>();

  private static LogEntry entry(long index, long term, String data) {
    return new LogEntry(index, term, EntryKind.COMMAND, data.getBytes(StandardCharsets.UTF_8));
  }

  private static RaftMessage appendFromLeader(long commit) {
    return new RaftMessage.AppendEntries(2, 1, 1, 0, 0, List.of(entry(1, 1, "a"), entry(2, 1, "b")), commit);
  }

  private void completeFlush(ReadyDriver driver) {
    requested.remove(0).sync();
    driver.onFlushed();
  }

  @Test
  void withAnInlineFlushTheWritesAreFlushedThenAcknowledgedAndTheDurableCommittedEntryApplied() {
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, applier, null, hooks);
    driver.input(() -> raft.step(appendFromLeader(1)));

    assertEquals(List.of("write hard state term 1", "write 2 entries", "flush", "send AppendEntriesResponse",
        "apply 1 entries"), events, "entry 1 is applied only once committed and durable here");
    assertFalse(raft.hasReady(), "advanced: nothing left to do");
    assertEquals(1, raft.appliedIndex());
    assertEquals(2, raft.durableIndex());
  }

  @Test
  void whileTheFlushIsInFlightInputsRunAndHeartbeatsAreAnsweredButTheAckWaits() {
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, applier, requested::add, hooks);
    driver.input(() -> raft.step(new RaftMessage.Heartbeat(2, 1, 1, 0, 7)));
    assertEquals(List.of("write hard state term 1"), events, "the new term is not durable: no answer yet");
    completeFlush(driver);
    assertEquals(List.of("write hard state term 1", "flush", "send HeartbeatResponse"), events);
    events.clear();

    driver.input(() -> raft.step(appendFromLeader(1)));
    assertEquals(List.of("write 2 entries"), events, "written, not flushed, not acknowledged");
    assertTrue(driver.awaitingFlush());
    assertEquals(1, requested.size());

    // A ReadIndex confirmation round reaches the follower during the flush: it is answered at once.
    driver.input(() -> raft.step(new RaftMessage.Heartbeat(2, 1, 1, 1, 8)));
    assertEquals(List.of("write 2 entries", "send HeartbeatResponse"), events,
        "the heartbeat answer promises only the (durable) term: it does not wait for the entries' flush");
    assertEquals(0, raft.appliedIndex(), "entry 1 is committed but not durable here: not applied yet");

    completeFlush(driver);
    assertEquals(List.of("write 2 entries", "send HeartbeatResponse", "flush", "send AppendEntriesResponse",
        "apply 1 entries"), events);
    assertFalse(driver.awaitingFlush());
    assertThrows(IllegalStateException.class, driver::onFlushed, "no flush in flight");
  }

  @Test
  void writesMadeDuringAFlushGoIntoTheNextBatchAndTheirAcksWaitForIt() {
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, applier, requested::add, hooks);
    driver.input(() -> raft.step(new RaftMessage.AppendEntries(2, 1, 1, 0, 0, List.of(entry(1, 1, "a")), 0)));
    driver.input(() -> raft.step(new RaftMessage.AppendEntries(2, 1, 1, 1, 1, List.of(entry(2, 1, "b")), 0)));
    assertEquals(1, requested.size(), "one flush at a time: entry 2 waits for the next batch");
    assertTrue(driver.hasUnflushedWrites());
    assertEquals(2, driver.heldMessages());

    completeFlush(driver);
    assertEquals(1, events.stream().filter(e -> e.startsWith("send")).count(), "only entry 1's ack");
    assertEquals(1, raft.durableIndex());
    assertEquals(1, requested.size(), "the second batch was started at once");
    completeFlush(driver);
    assertEquals(2, events.stream().filter(e -> e.startsWith("send")).count());
    assertEquals(2, raft.durableIndex());
  }

  @Test
  void acknowledgementsHeldForOneFlushLeaveAsOneMessageWithTheHighestMatch() {
    List<RaftMessage> sent = new ArrayList<>();
    ReadyDriver driver = new ReadyDriver(raft, storage, sent::add, applier, requested::add, hooks);
    driver.input(() -> raft.step(new RaftMessage.AppendEntries(2, 1, 1, 0, 0, List.of(entry(1, 1, "a")), 0)));
    // Three more pipelined appends arrive while the first batch syncs, each in its own Ready.
    for (int i = 2; i <= 4; i++) {
      long prev = i - 1;
      LogEntry e = entry(i, 1, "e" + i);
      driver.input(() -> raft.step(new RaftMessage.AppendEntries(2, 1, 1, prev, 1, List.of(e), 0)));
    }
    assertEquals(List.of(), sent, "nothing is acknowledged before its flush");
    assertEquals(2, driver.heldMessages(), "one ack for the batch in flight, one for everything written since");

    completeFlush(driver);
    assertEquals(List.of(new RaftMessage.AppendEntriesResponse(1, 2, 1, true, 1, 0, 0, 0)), sent);
    completeFlush(driver);
    assertEquals(List.of(new RaftMessage.AppendEntriesResponse(1, 2, 1, true, 1, 0, 0, 0),
        new RaftMessage.AppendEntriesResponse(1, 2, 1, true, 4, 0, 0, 0)), sent,
        "the acks of entries 2, 3 and 4 are one message: the last covers the others");
    assertEquals(4, raft.durableIndex());
  }

  @Test
  void aReadyWrittenDuringAFlushMayTruncateWhatThatFlushCarries() {
    SimDisk disk = new SimDisk("disk of n1");
    RaftStorage s = disk.open();
    RaftNode node = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), s.load(), b -> 0, TraceSink.NONE);
    List<RaftMessage> sent = new ArrayList<>();
    ReadyDriver driver = new ReadyDriver(node, s, sent::add, rd -> { }, requested::add, ReadyDriver.NO_HOOKS);
    driver.input(() -> node.step(new RaftMessage.AppendEntries(2, 1, 1, 0, 0, List.of(entry(1, 1, "a"), entry(2, 1, "b")), 0)));
    // Leader 3 of term 2 overwrites index 2 while the batch appending 1@1, 2@1 is in flight.
    driver.input(() -> node.step(new RaftMessage.AppendEntries(3, 1, 2, 1, 1, List.of(entry(2, 2, "c")), 0)));
    assertEquals(List.of(), sent);

    completeFlush(driver);
    assertEquals(List.of("1@1", "2@1"), durableLog(disk), "exactly the first batch is durable");
    assertEquals(1, sent.size(), "the term-1 ack, true of the durable state, left");
    RaftMessage.AppendEntriesResponse ack = assertInstanceOf(RaftMessage.AppendEntriesResponse.class, sent.get(0));
    assertEquals(2, ack.to());
    assertEquals(0, node.durableIndex(), "the mark 2@1 was overwritten: stale, not counted");

    completeFlush(driver);
    assertEquals(List.of("1@1", "2@2"), durableLog(disk));
    assertEquals(new HardState(2, HardState.NO_VOTE), disk.durableState().hardState());
    assertEquals(2, sent.size());
    assertEquals(3, sent.get(1).to());
    assertEquals(2, node.durableIndex());
  }

  private static List<String> durableLog(SimDisk disk) {
    return disk.durableState().entries().stream().map(e -> e.index() + "@" + e.term()).toList();
  }

  @Test
  void aLeaderCountsItsOwnAppendTowardsCommitOnlyOnceItIsDurable() {
    RaftNode alone = new RaftNode(RaftConfig.of(0, 1, List.of(1)), memory.load(), b -> 0, TraceSink.NONE);
    ReadyDriver driver = new ReadyDriver(alone, storage, m -> { }, rd -> { }, requested::add, hooks);
    for (int t = 0; t < 100 && alone.role() != Role.LEADER; t++) {
      driver.input(alone::tick);
      while (!requested.isEmpty()) completeFlush(driver);
    }
    assertEquals(Role.LEADER, alone.role());
    long before = alone.commitIndex();
    ProposeResult.Accepted acc = assertInstanceOf(ProposeResult.Accepted.class, alone.propose(new byte[] {1}));
    driver.pump();
    assertTrue(driver.awaitingFlush());
    assertEquals(before, alone.commitIndex(), "a group of one: its own append is the quorum, but not yet durable");

    completeFlush(driver);
    assertEquals(acc.index(), alone.commitIndex());
    assertEquals(acc.index(), alone.appliedIndex());
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
  void aCommittedEntryTheApplierCannotApplyStopsTheDriverInsteadOfBeingSkipped() {
    ReadyDriver.Applier failing = rd -> {
      if (!rd.committedEntries().isEmpty()) throw new IllegalArgumentException("unknown command format");
    };
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, failing, null, hooks);
    driver.input(() -> raft.step(appendFromLeader(1)));

    assertEquals(1, stopped.size(), "reported, so the process can stop (fail-stop)");
    assertTrue(stopped.get(0).getMessage().contains("1/1..1/1"), stopped.get(0).getMessage());
    assertTrue(driver.stopped());
    assertEquals(0, raft.appliedIndex(), "the entry is not counted as applied");
    boolean[] ran = {false};
    driver.input(() -> ran[0] = true);
    assertFalse(ran[0], "later inputs are ignored: the replica never applies past the entry");
  }

  @Test
  void aFailedAsynchronousFlushNeverReleasesTheHeldAck() {
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, applier, requested::add, hooks);
    driver.input(() -> raft.step(appendFromLeader(1)));
    driver.onFlushFailed(new StorageException("disk full"));
    assertTrue(driver.stopped());
    assertTrue(events.stream().noneMatch(e -> e.startsWith("send")), events.toString());
  }

  @Test
  void theUnsafeDriverAcknowledgesBeforeTheFlush() {
    ReadyDriver driver = new ReadyDriver(raft, storage, transport, applier, requested::add, hooks).unsafeAckingBeforeFlush();
    driver.input(() -> raft.step(appendFromLeader(1)));

    assertEquals(List.of("send AppendEntriesResponse", "write hard state term 1", "write 2 entries"), events);
  }
}
