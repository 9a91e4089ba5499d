package io.shardkv.server.raft;

/**
 * Identifies a state machine snapshot (Raft paper §7): it replaces every log entry up to and
 * including {@code lastIndex}, the last of which had term {@code lastTerm}.
 * {@link #NONE} ({@code 0, 0}) means "no snapshot".
 */
public record SnapshotMeta(long lastIndex, long lastTerm) {
  public static final SnapshotMeta NONE = new SnapshotMeta(0, 0);

  public SnapshotMeta {
    if (lastIndex < 0 || lastTerm < 0) {
      throw new IllegalArgumentException("negative snapshot index/term: " + lastIndex + "/" + lastTerm);
    }
    if ((lastIndex == 0) != (lastTerm == 0)) {
      throw new IllegalArgumentException("snapshot index and term must both be 0 or both be >= 1");
    }
  }
}
