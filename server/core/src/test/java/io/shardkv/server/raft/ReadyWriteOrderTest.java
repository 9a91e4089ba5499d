package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The storage rule "term before entries" (RaftStorage contract point 4): a crash may keep any prefix
 * of the storage calls a Ready issues before its flush, so {@link Ready#writeTo} must order them such
 * that every prefix is a state a {@link RaftNode} can start from. Each test builds a follower, makes
 * it learn a higher term together with entries or a snapshot of that term (the situation of
 * {@code sim raft} seed 108377, seed 35606 since the random streams are hash(seed, label)), records the calls of the Ready, and starts a node from every prefix.
 */
class ReadyWriteOrderTest {
  private static final List<Integer> MEMBERS = List.of(1, 2, 3);

  @Test
  void everyPrefixOfAFollowersWritesIsStartableWhenItLearnsATermWithEntries() {
    PersistedState before = state(new HardState(3, HardState.NO_VOTE), SnapshotMeta.NONE, entries(1, 3, 3));
    RaftNode follower = node(before);
    follower.step(new RaftMessage.AppendEntries(2, 1, 4, 3, 3, entries(4, 5, 4), 3));
    List<StorageModel.Call> calls = callsOf(follower.ready());

    assertTrue(calls.size() >= 2, "the Ready writes the new term and the entries: " + calls);
    assertEveryPrefixStarts(before, calls);
  }

  @Test
  void everyPrefixIsStartableWhenTheNewTermAlsoTruncatesAConflictingSuffix() {
    List<LogEntry> log = new ArrayList<>(entries(1, 2, 2));
    log.addAll(entries(3, 4, 3)); // indexes 3..4 of term 3, to be overwritten by term 5's leader
    PersistedState before = state(new HardState(3, 1), SnapshotMeta.NONE, log);
    RaftNode follower = node(before);
    follower.step(new RaftMessage.AppendEntries(2, 1, 5, 2, 2, entries(3, 4, 5), 2));
    List<StorageModel.Call> calls = callsOf(follower.ready());

    assertTrue(calls.stream().anyMatch(c -> c instanceof StorageModel.Call.Truncate), "truncates: " + calls);
    assertEveryPrefixStarts(before, calls);
  }

  @Test
  void everyPrefixIsStartableWhenTheNewTermComesWithASnapshot() {
    PersistedState before = state(new HardState(2, HardState.NO_VOTE), SnapshotMeta.NONE, entries(1, 2, 2));
    RaftNode follower = node(before);
    byte[] data = "snapshot".getBytes(StandardCharsets.UTF_8);
    follower.step(new RaftMessage.InstallSnapshot(2, 1, 4, 10, 4, 0, data, true));
    Ready rd = follower.ready();
    assertNotNull(rd.snapshotToPersist(), "the follower installs the leader's snapshot");
    List<StorageModel.Call> calls = callsOf(rd);

    assertEveryPrefixStarts(before, calls);
  }

  @Test
  void theHardStateIsTheFirstCall() {
    RaftNode follower = node(state(new HardState(3, HardState.NO_VOTE), SnapshotMeta.NONE, entries(1, 3, 3)));
    follower.step(new RaftMessage.AppendEntries(2, 1, 4, 3, 3, entries(4, 5, 4), 3));
    List<StorageModel.Call> calls = callsOf(follower.ready());

    assertEquals(new StorageModel.Call.SetHardState(new HardState(4, HardState.NO_VOTE)), calls.get(0));
  }

  /** The check above can fail: the order used before the fix leaves an unstartable prefix. */
  @Test
  void entriesBeforeTheHardStateWouldLeaveAStateNoNodeCanStartFrom() {
    PersistedState before = state(new HardState(3, HardState.NO_VOTE), SnapshotMeta.NONE, entries(1, 3, 3));
    StorageModel crashed = StorageModel.of(before);
    crashed.apply(new StorageModel.Call.Append(entries(4, 5, 4))); // kept; the hard state call was lost

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> node(persisted(crashed)));
    assertTrue(e.getMessage().contains("above the persisted current term"), e.getMessage());
  }

  private static void assertEveryPrefixStarts(PersistedState before, List<StorageModel.Call> calls) {
    for (int keep = 0; keep <= calls.size(); keep++) {
      StorageModel m = StorageModel.of(before);
      for (StorageModel.Call c : calls.subList(0, keep)) m.apply(c);
      PersistedState crashed = persisted(m);
      int k = keep;
      assertDoesNotThrow(() -> node(crashed), "crash keeping " + k + " of " + calls);
      long lastTerm = m.lastIndex() == 0 ? 0 : m.termAt(m.lastIndex());
      assertTrue(lastTerm <= m.hardState().term(), "crash keeping " + k + ": log ends in term " + lastTerm
          + " above the hard state " + m.hardState());
    }
  }

  /** The calls {@link Ready#persistTo} makes, in order (the flush last, not recorded). */
  private static List<StorageModel.Call> callsOf(Ready rd) {
    List<StorageModel.Call> calls = new ArrayList<>();
    int[] flushes = {0};
    rd.persistTo(new RaftStorage() {
      public PersistedState load() { throw new UnsupportedOperationException(); }
      public void setHardState(HardState s) { calls.add(new StorageModel.Call.SetHardState(s)); }
      public void append(List<LogEntry> e) { calls.add(new StorageModel.Call.Append(List.copyOf(e))); }
      public void truncateFrom(long i) { calls.add(new StorageModel.Call.Truncate(i)); }
      public void saveSnapshot(SnapshotMeta m, byte[] d) { calls.add(new StorageModel.Call.SaveSnapshot(m, d)); }
      public long lastIndex() { throw new UnsupportedOperationException(); }
      public void flush() { flushes[0]++; }
      public void close() { }
    });
    assertEquals(1, flushes[0], "one flush, after the writes");
    return calls;
  }

  private static RaftNode node(PersistedState s) {
    return new RaftNode(RaftConfig.of(0, 1, MEMBERS), s, bound -> 0, TraceSink.NONE);
  }

  private static PersistedState persisted(StorageModel m) {
    return new PersistedState(m.hardState(), m.snapshot(), new byte[0], m.entries());
  }

  private static PersistedState state(HardState h, SnapshotMeta snap, List<LogEntry> log) {
    return new PersistedState(h, snap, new byte[0], log);
  }

  private static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(new LogEntry(i, term, EntryKind.COMMAND, ("v" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }
}
