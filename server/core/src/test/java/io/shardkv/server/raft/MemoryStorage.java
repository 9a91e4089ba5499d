package io.shardkv.server.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * Test double of {@link RaftStorage} that obeys its contract: mutations are visible at once but
 * durable only after {@link #flush()}; {@link #crash()} throws away everything not flushed.
 */
final class MemoryStorage implements RaftStorage {
  private record Image(HardState hard, SnapshotMeta snap, byte[] snapData, List<LogEntry> log) {
    Image copy() { return new Image(hard, snap, snapData, new ArrayList<>(log)); }
  }

  private Image durable;
  private Image current;
  int flushes;

  MemoryStorage() { this(PersistedState.EMPTY); }

  MemoryStorage(PersistedState initial) {
    durable = new Image(initial.hardState(), initial.snapshot(), initial.snapshotData(),
        new ArrayList<>(initial.entries()));
    current = durable.copy();
  }

  @Override
  public PersistedState load() {
    return new PersistedState(current.hard, current.snap, current.snapData, current.log);
  }

  @Override
  public void setHardState(HardState state) {
    current = new Image(state, current.snap, current.snapData, current.log);
  }

  @Override
  public void append(List<LogEntry> entries) {
    long expect = lastIndex() + 1;
    for (LogEntry e : entries) {
      if (e.index() != expect) {
        throw new IllegalArgumentException("append: expected index " + expect + " but got " + e);
      }
      expect++;
    }
    current.log.addAll(entries);
  }

  @Override
  public void truncateFrom(long fromIndex) {
    if (fromIndex <= current.snap.lastIndex()) {
      throw new IllegalArgumentException("truncateFrom(" + fromIndex + ") at or below snapshot " + current.snap);
    }
    current.log.removeIf(e -> e.index() >= fromIndex);
  }

  @Override
  public void saveSnapshot(SnapshotMeta meta, byte[] data) {
    boolean matching = current.log.stream()
        .anyMatch(e -> e.index() == meta.lastIndex() && e.term() == meta.lastTerm());
    List<LogEntry> tail = new ArrayList<>();
    if (matching) {
      for (LogEntry e : current.log) if (e.index() > meta.lastIndex()) tail.add(e);
    }
    current = new Image(current.hard, meta, data, tail);
  }

  @Override
  public long lastIndex() {
    return current.log.isEmpty() ? current.snap.lastIndex() : current.log.get(current.log.size() - 1).index();
  }

  @Override
  public void flush() {
    durable = current.copy();
    flushes++;
  }

  /** Simulates a crash: only flushed state survives. */
  void crash() { current = durable.copy(); }

  @Override
  public void close() { }
}
