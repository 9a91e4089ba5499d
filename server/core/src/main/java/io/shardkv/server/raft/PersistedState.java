package io.shardkv.server.raft;

import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link RaftStorage} held durably when it was loaded: the hard state, the latest
 * snapshot (meta {@link SnapshotMeta#NONE} and empty data when there is none), and the log entries
 * that follow the snapshot, contiguous and in index order, starting at {@code snapshot.lastIndex()+1}.
 */
public record PersistedState(HardState hardState, SnapshotMeta snapshot, byte[] snapshotData,
                             List<LogEntry> entries) {
  public static final PersistedState EMPTY =
      new PersistedState(HardState.INITIAL, SnapshotMeta.NONE, new byte[0], List.of());

  public PersistedState {
    Objects.requireNonNull(hardState, "hardState");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(snapshotData, "snapshotData");
    entries = List.copyOf(entries);
    long expect = snapshot.lastIndex() + 1;
    for (LogEntry e : entries) {
      if (e.index() != expect) {
        throw new IllegalArgumentException("log not contiguous after snapshot " + snapshot
            + ": expected index " + expect + " but found " + e);
      }
      expect++;
    }
  }

  /** Index of the last entry, or the snapshot's last index when the tail is empty. */
  public long lastIndex() {
    return entries.isEmpty() ? snapshot.lastIndex() : entries.get(entries.size() - 1).index();
  }
}
