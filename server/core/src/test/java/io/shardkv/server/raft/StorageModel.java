package io.shardkv.server.raft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reference model of {@link RaftStorage} semantics, in plain memory: what state each sequence of
 * mutating calls must produce. Tests replay the same calls on a real storage and on this model and
 * compare, and use {@link History} to check that a crash left a state allowed by the durability
 * contract (the last flushed state followed by a prefix of the later calls).
 */
public final class StorageModel {
  private HardState hardState = HardState.INITIAL;
  private SnapshotMeta snapshot = SnapshotMeta.NONE;
  private byte[] snapshotData = new byte[0];
  private final ArrayList<LogEntry> entries = new ArrayList<>();

  public StorageModel() {}

  public static StorageModel of(PersistedState s) {
    StorageModel m = new StorageModel();
    m.hardState = s.hardState();
    m.snapshot = s.snapshot();
    m.snapshotData = s.snapshotData();
    m.entries.addAll(s.entries());
    return m;
  }

  public StorageModel copy() {
    StorageModel m = new StorageModel();
    m.hardState = hardState;
    m.snapshot = snapshot;
    m.snapshotData = snapshotData;
    m.entries.addAll(entries);
    return m;
  }

  public HardState hardState() { return hardState; }
  public SnapshotMeta snapshot() { return snapshot; }
  public List<LogEntry> entries() { return entries; }

  public long lastIndex() {
    return entries.isEmpty() ? snapshot.lastIndex() : entries.get(entries.size() - 1).index();
  }

  /** Term at {@code index} if the model holds it (entry or snapshot point), else -1. */
  public long termAt(long index) {
    if (index == snapshot.lastIndex()) return snapshot.lastTerm();
    long first = snapshot.lastIndex() + 1;
    if (index < first || index > lastIndex()) return -1;
    return entries.get((int) (index - first)).term();
  }

  public void apply(Call c) {
    if (c instanceof Call.SetHardState s) {
      hardState = s.state();
    } else if (c instanceof Call.Append a) {
      entries.addAll(a.entries());
    } else if (c instanceof Call.Truncate t) {
      long first = snapshot.lastIndex() + 1;
      int keep = (int) Math.max(0, t.fromIndex() - first);
      if (keep < entries.size()) entries.subList(keep, entries.size()).clear();
    } else if (c instanceof Call.SaveSnapshot s) {
      long idx = s.meta().lastIndex();
      if (termAt(idx) == s.meta().lastTerm()) {
        long first = snapshot.lastIndex() + 1;
        int drop = (int) Math.min(entries.size(), Math.max(0, idx - first + 1));
        entries.subList(0, drop).clear();
      } else {
        entries.clear();
      }
      snapshot = s.meta();
      snapshotData = s.data();
    }
  }

  /** Null if {@code s} equals this model, else a description of the first difference. */
  public String difference(PersistedState s) {
    if (!s.hardState().equals(hardState)) return "hard state " + s.hardState() + " != " + hardState;
    if (!s.snapshot().equals(snapshot)) return "snapshot " + s.snapshot() + " != " + snapshot;
    if (!Arrays.equals(s.snapshotData(), snapshotData)) return "snapshot data differs";
    if (s.entries().size() != entries.size()) {
      return "log has " + s.entries().size() + " entries (last " + s.lastIndex() + "), expected "
          + entries.size() + " (last " + lastIndex() + ")";
    }
    for (int i = 0; i < entries.size(); i++) {
      if (!s.entries().get(i).equals(entries.get(i))) {
        return "entry " + s.entries().get(i) + " != " + entries.get(i);
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "Model{" + hardState + ", " + snapshot + ", last " + lastIndex() + "}";
  }

  /** A mutating {@link RaftStorage} call, replayable on a storage and on the model. */
  public sealed interface Call {
    void applyTo(RaftStorage storage);

    record SetHardState(HardState state) implements Call {
      public void applyTo(RaftStorage s) { s.setHardState(state); }
    }

    record Append(List<LogEntry> entries) implements Call {
      public void applyTo(RaftStorage s) { s.append(entries); }
    }

    record Truncate(long fromIndex) implements Call {
      public void applyTo(RaftStorage s) { s.truncateFrom(fromIndex); }
    }

    record SaveSnapshot(SnapshotMeta meta, byte[] data) implements Call {
      public void applyTo(RaftStorage s) { s.saveSnapshot(meta, data); }
    }
  }

  /**
   * The calls since the last successful flush on top of the model at that flush: the set of
   * states a crash may legally leave (contract point 2).
   */
  public static final class History {
    private StorageModel durable;
    private StorageModel current;
    private final List<Call> sinceFlush = new ArrayList<>();

    public History(StorageModel start) {
      durable = start.copy();
      current = start.copy();
    }

    /** Records a call that the storage accepted. */
    public void called(Call c) {
      current.apply(c);
      sinceFlush.add(c);
    }

    /** Records that flush() returned: everything so far is durable. */
    public void flushed() {
      durable = current.copy();
      sinceFlush.clear();
    }

    public StorageModel current() { return current; }

    /** Number of calls a crash may have lost. */
    public int unflushedCalls() { return sinceFlush.size(); }

    /**
     * Returns how many of the unflushed calls {@code recovered} reflects, or throws an
     * AssertionError describing why it is not the durable state followed by any prefix of them.
     */
    public int checkRecovered(PersistedState recovered) {
      StorageModel m = durable.copy();
      StringBuilder diffs = new StringBuilder("\n  flushed state: " + m.difference(recovered));
      if (m.difference(recovered) == null) return 0;
      for (int i = 0; i < sinceFlush.size(); i++) {
        m.apply(sinceFlush.get(i));
        String d = m.difference(recovered);
        if (d == null) return i + 1;
        diffs.append("\n  after ").append(sinceFlush.get(i)).append(": ").append(d);
      }
      throw new AssertionError("recovered state is not the flushed state plus a prefix of the "
          + sinceFlush.size() + " later calls. Differences:" + diffs);
    }

    /** After a crash and recovery, continue from the recovered state. */
    public void restartFrom(PersistedState recovered) {
      durable = StorageModel.of(recovered);
      current = durable.copy();
      sinceFlush.clear();
    }
  }
}
