package io.shardkv.server.kv;

/**
 * The replicated clock that client sessions expire by (Raft thesis §6.3): time is what the log says
 * it is, never what a replica's own clock says, so every replica expires the same sessions at the
 * same log index and apply stays a deterministic function of the log.
 *
 * <p>The leader that proposes a client write stamps it with a {@link Stamp}: its own clock (wall
 * milliseconds in a real server, virtual milliseconds in the simulator) and the idle limit it is
 * configured with. The state machine advances its clock to {@code max(clock, stamp)}, so log time
 * never goes backwards across leader changes, restarts or a leader whose clock is behind; a leader
 * whose clock is ahead moves it forward for everybody (sessions then expire early — a liveness cost,
 * see docs/sessions.md for why exactly-once still holds). Unstamped commands (logs written before
 * session expiry existed, or with it switched off) neither advance the clock nor expire anything.
 * Carrying the idle limit in the stamp, not in each replica's configuration, keeps replicas with
 * different settings from diverging.
 */
public final class SessionClock {
  /**
   * What a leader puts on a client write.
   *
   * @param leaderMillis the proposing leader's clock, in milliseconds
   * @param idleMillis   a session idle for longer than this (in log time) expires; 0 = never
   */
  public record Stamp(long leaderMillis, long idleMillis) {
    public Stamp {
      if (idleMillis < 0) {
        throw new IllegalArgumentException("session idle limit must be >= 0 (0 = never expire), got " + idleMillis);
      }
    }
  }

  private long now;

  /** Log time: the largest leader stamp applied so far (0 before the first). */
  public long now() {
    return now;
  }

  /** Advances log time to {@code max(now, stamp.leaderMillis())}; returns the new log time. */
  public long advance(Stamp stamp) {
    now = Math.max(now, stamp.leaderMillis());
    return now;
  }

  /** Sets log time from a snapshot. */
  public void restore(long logTime) {
    now = logTime;
  }
}
