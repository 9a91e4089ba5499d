package io.shardkv.server.raft;

/**
 * Identifies a state machine snapshot (Raft paper §7): it replaces every log entry up to and
 * including {@code lastIndex}, the last of which had term {@code lastTerm}.
 * {@link #NONE} ({@code 0, 0}) means "no snapshot".
 *
 * <p>{@code membership} is the group's configuration in effect at {@code lastIndex} (Raft thesis
 * §4 / Fig. 13's "last config": a snapshot replaces the config entries it covers, so it must carry
 * the latest of them). {@code null} means the seed configuration ({@link RaftConfig#members()}, all
 * voters): that is what every snapshot written before membership changes existed means, and a node
 * records {@code null} whenever the configuration equals the seed, so groups that never change
 * membership keep writing the old formats (snapshot file version 1, InstallSnapshot type 7).
 */
public record SnapshotMeta(long lastIndex, long lastTerm, Membership membership) {
  public static final SnapshotMeta NONE = new SnapshotMeta(0, 0);

  /** A snapshot with the seed configuration (see the class comment). */
  public SnapshotMeta(long lastIndex, long lastTerm) { this(lastIndex, lastTerm, null); }

  public SnapshotMeta {
    if (lastIndex < 0 || lastTerm < 0) {
      throw new IllegalArgumentException("negative snapshot index/term: " + lastIndex + "/" + lastTerm);
    }
    if ((lastIndex == 0) != (lastTerm == 0)) {
      throw new IllegalArgumentException("snapshot index and term must both be 0 or both be >= 1");
    }
  }

  /** As before membership existed when {@code membership} is null (trace lines and digests stay the same). */
  @Override
  public String toString() {
    return "SnapshotMeta[lastIndex=" + lastIndex + ", lastTerm=" + lastTerm
        + (membership == null ? "" : ", membership=" + membership) + "]";
  }

  @Override
  public int hashCode() {
    int h = 31 * Long.hashCode(lastIndex) + Long.hashCode(lastTerm);
    return membership == null ? h : 31 * h + membership.hashCode();
  }
}
