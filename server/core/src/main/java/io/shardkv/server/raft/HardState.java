package io.shardkv.server.raft;

/**
 * The per-node state Raft requires on stable storage besides the log (Raft paper Fig. 2,
 * "Persistent state on all servers"): the latest term seen and the candidate voted for in it.
 *
 * @param term     current term, {@code >= 0}
 * @param votedFor node id voted for in {@code term}, or {@link #NO_VOTE}
 */
public record HardState(long term, int votedFor) {
  public static final int NO_VOTE = -1;
  public static final HardState INITIAL = new HardState(0, NO_VOTE);

  public HardState {
    if (term < 0) throw new IllegalArgumentException("term must be >= 0: " + term);
  }
}
