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
 */
public record HostOptions(int requestTimeoutTicks, long snapshotThresholdBytes, boolean synchronousFlush,
                          int migrationIntervalTicks, boolean traceEnabled) {
  public HostOptions {
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

  /** 100 ticks per request, no snapshots, flush via the environment, migrate every 5 ticks, no trace. */
  public static HostOptions defaults() {
    return new HostOptions(100, 0, false, 5, false);
  }

  public HostOptions withRequestTimeoutTicks(int ticks) {
    return new HostOptions(ticks, snapshotThresholdBytes, synchronousFlush, migrationIntervalTicks, traceEnabled);
  }

  public HostOptions withSnapshotThresholdBytes(long bytes) {
    return new HostOptions(requestTimeoutTicks, bytes, synchronousFlush, migrationIntervalTicks, traceEnabled);
  }

  public HostOptions withSynchronousFlush(boolean on) {
    return new HostOptions(requestTimeoutTicks, snapshotThresholdBytes, on, migrationIntervalTicks, traceEnabled);
  }

  public HostOptions withMigrationIntervalTicks(int ticks) {
    return new HostOptions(requestTimeoutTicks, snapshotThresholdBytes, synchronousFlush, ticks, traceEnabled);
  }

  public HostOptions withTrace(boolean on) {
    return new HostOptions(requestTimeoutTicks, snapshotThresholdBytes, synchronousFlush, migrationIntervalTicks, on);
  }
}
