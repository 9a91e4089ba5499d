package io.shardkv.server.replica;

/**
 * Tunables of a {@link ReplicaHost}; durations are in Raft ticks (the host has no other clock).
 *
 * @param requestTimeoutTicks     a pending client request not answered after this many ticks gets
 *                                {@link ClientReply.Indeterminate}
 * @param snapshotThresholdBytes  take a snapshot once the commands applied since the last snapshot
 *                                exceed this many bytes (0 = never); the 6.824 "maxraftstate"
 * @param synchronousFlush        flush the storage inline in the Ready loop instead of asking the
 *                                environment with {@link ReplicaOutputs#requestFlush()}
 * @param migrationIntervalTicks  shard groups: how often the leader re-runs the migration planner
 *                                (config poll, pulls, GC requests)
 * @param traceEnabled            emit app-layer trace lines through {@link ReplicaOutputs#trace}
 * @param unsafeStaleReads        DELIBERATELY WRONG ({@link PlantedBug#STALE_READS}): every replica answers
 *                                reads from its own applied state at once, without ReadIndex
 * @param unsafeAckBeforeFsync    DELIBERATELY WRONG ({@link PlantedBug#ACK_BEFORE_FSYNC}): the Ready
 *                                driver sends acknowledgements before the WAL write and flush
 * @param sessionIdleMillis       as leader, stamp client writes with the session clock and this idle
 *                                limit (kv.SessionClock, docs/sessions.md); 0 = do not stamp (no expiry,
 *                                and logs/snapshots stay in the formats older builds read)
 */
public record HostOptions(int requestTimeoutTicks, long snapshotThresholdBytes, boolean synchronousFlush,
                          int migrationIntervalTicks, boolean traceEnabled, boolean unsafeStaleReads,
                          boolean unsafeAckBeforeFsync, long sessionIdleMillis) {
  /** Default session idle limit: 10 minutes of log time (docs/sessions.md says why). */
  public static final long DEFAULT_SESSION_IDLE_MILLIS = 10 * 60_000L;

  /** The options before session expiry existed: no stamps. */
  public HostOptions(int requestTimeoutTicks, long snapshotThresholdBytes, boolean synchronousFlush,
                     int migrationIntervalTicks, boolean traceEnabled, boolean unsafeStaleReads,
                     boolean unsafeAckBeforeFsync) {
    this(requestTimeoutTicks, snapshotThresholdBytes, synchronousFlush, migrationIntervalTicks, traceEnabled,
        unsafeStaleReads, unsafeAckBeforeFsync, 0);
  }

  public HostOptions {
    if (sessionIdleMillis < 0) {
      throw new IllegalArgumentException("sessionIdleMillis must be >= 0 (0 = sessions never expire), got "
          + sessionIdleMillis);
    }
    if (requestTimeoutTicks < 1) {
      throw new IllegalArgumentException("requestTimeoutTicks must be >= 1, got " + requestTimeoutTicks);
    }
    if (snapshotThresholdBytes < 0) {
      throw new IllegalArgumentException("snapshotThresholdBytes must be >= 0 (0 = never), got "
          + snapshotThresholdBytes);
    }
    if (migrationIntervalTicks < 1) {
      throw new IllegalArgumentException("migrationIntervalTicks must be >= 1, got " + migrationIntervalTicks);
    }
  }

  /**
   * 100 ticks per request, no snapshots, flush via the environment, migrate every 5 ticks, no trace,
   * sessions expire after {@link #DEFAULT_SESSION_IDLE_MILLIS}.
   */
  public static HostOptions defaults() {
    return new HostOptions(100, 0, false, 5, false, false, false, DEFAULT_SESSION_IDLE_MILLIS);
  }

  public HostOptions withSessionIdleMillis(long millis) {
    return new HostOptions(requestTimeoutTicks, snapshotThresholdBytes, synchronousFlush, migrationIntervalTicks, traceEnabled,
        unsafeStaleReads, unsafeAckBeforeFsync, millis);
  }

  public HostOptions withRequestTimeoutTicks(int ticks) {
    return new HostOptions(ticks, snapshotThresholdBytes, synchronousFlush, migrationIntervalTicks, traceEnabled, unsafeStaleReads, unsafeAckBeforeFsync, sessionIdleMillis);
  }

  public HostOptions withSnapshotThresholdBytes(long bytes) {
    return new HostOptions(requestTimeoutTicks, bytes, synchronousFlush, migrationIntervalTicks, traceEnabled, unsafeStaleReads, unsafeAckBeforeFsync, sessionIdleMillis);
  }

  public HostOptions withSynchronousFlush(boolean on) {
    return new HostOptions(requestTimeoutTicks, snapshotThresholdBytes, on, migrationIntervalTicks, traceEnabled, unsafeStaleReads, unsafeAckBeforeFsync, sessionIdleMillis);
  }

  public HostOptions withMigrationIntervalTicks(int ticks) {
    return new HostOptions(requestTimeoutTicks, snapshotThresholdBytes, synchronousFlush, ticks, traceEnabled, unsafeStaleReads, unsafeAckBeforeFsync, sessionIdleMillis);
  }

  public HostOptions withTrace(boolean on) {
    return new HostOptions(requestTimeoutTicks, snapshotThresholdBytes, synchronousFlush, migrationIntervalTicks, on, unsafeStaleReads, unsafeAckBeforeFsync, sessionIdleMillis);
  }

  /** The deliberately broken switches of {@link PlantedBug} that live in the host (both false by default). */
  public HostOptions withUnsafe(boolean staleReads, boolean ackBeforeFsync) {
    return new HostOptions(requestTimeoutTicks, snapshotThresholdBytes, synchronousFlush, migrationIntervalTicks, traceEnabled,
        staleReads, ackBeforeFsync, sessionIdleMillis);
  }
}
