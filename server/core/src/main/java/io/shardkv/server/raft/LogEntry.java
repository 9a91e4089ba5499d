package io.shardkv.server.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Raft log entry (Raft paper §5.3). Immutable; {@code data} is never mutated after construction
 * and callers must not mutate the array they pass in or get back.
 *
 * <p>Invariants: {@code index >= 1}, {@code term >= 1}. Equality and hash are by value (including
 * the bytes of {@code data}), so entries can be compared across nodes by the simulator's invariants
 * and hash the same on every JVM run.
 */
public final class LogEntry {
  private final long index;
  private final long term;
  private final EntryKind kind;
  private final byte[] data;

  public LogEntry(long index, long term, EntryKind kind, byte[] data) {
    if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
    if (term < 1) throw new IllegalArgumentException("term must be >= 1: " + term);
    this.index = index;
    this.term = term;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.data = Objects.requireNonNull(data, "data");
  }

  public long index() { return index; }
  public long term() { return term; }
  public EntryKind kind() { return kind; }
  /** The payload; do not mutate. Empty for {@link EntryKind#NOOP}. */
  public byte[] data() { return data; }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof LogEntry)) return false;
    LogEntry e = (LogEntry) o;
    return index == e.index && term == e.term && kind == e.kind && Arrays.equals(data, e.data);
  }

  @Override
  public int hashCode() {
    // kind.ordinal(), not kind.hashCode(): enum hash codes are identity hashes and vary per JVM run.
    int h = Long.hashCode(index);
    h = 31 * h + Long.hashCode(term);
    h = 31 * h + kind.ordinal();
    return 31 * h + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "LogEntry{" + index + "@" + term + " " + kind + " " + data.length + "B}";
  }
}
