package io.shardkv.server.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * A state machine snapshot: its identity and its bytes (Raft paper §7). Value-based equality,
 * including the bytes. Callers must not mutate {@code data}.
 */
public record Snapshot(SnapshotMeta meta, byte[] data) {
  public Snapshot {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(data, "data");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s && meta.equals(s.meta) && Arrays.equals(data, s.data);
  }

  @Override
  public int hashCode() { return 31 * meta.hashCode() + Arrays.hashCode(data); }

  @Override
  public String toString() {
    return "Snapshot{" + meta.lastIndex() + "@" + meta.lastTerm() + " " + data.length + "B}";
  }
}
