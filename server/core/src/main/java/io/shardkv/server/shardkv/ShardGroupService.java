package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.kv.DedupTable;
import io.shardkv.server.kv.SessionClock;
import io.shardkv.server.replica.HostedService;
import io.shardkv.server.statemachine.ReplicatedStateMachine;

/**
 * A shard group as a {@link HostedService}: serves the KV requests of the shards it owns, and on the
 * host's lifecycle hooks drives config polling and shard migration ({@link ShardMigrator}). Client
 * request bytes are {@link KvCodec} commands, wrapped in {@link ShardKvCommand.ClientOp} for the log,
 * or {@link ShardScan} page queries; gets and scan pages are reads (ReadIndex, no log entry).
 *
 * <p>Inputs from outside the group ({@link #onGroupMessage}, {@link #onConfigFetched}) run as inputs
 * of the host's Ready loop, like every other input; before {@link #attach} they are ignored.
 */
public final class ShardGroupService implements HostedService {
  private final ShardKvStateMachine sm;
  private final ShardGroupOutputs out;
  private final int migrationIntervalTicks;
  private Host host;
  private ShardMigrator migrator;

  /**
   * @param migrationIntervalTicks how often the leader re-runs the migration planner (config poll,
   *                               pulls, GC requests); ≥ 1
   */
  public ShardGroupService(ShardKvStateMachine sm, ShardGroupOutputs out, int migrationIntervalTicks) {
    if (migrationIntervalTicks < 1) {
      throw new IllegalArgumentException("migrationIntervalTicks must be >= 1, got " + migrationIntervalTicks);
    }
    this.sm = sm;
    this.out = out;
    this.migrationIntervalTicks = migrationIntervalTicks;
  }

  @Override
  public ReplicatedStateMachine stateMachine() {
    return sm;
  }

  @Override
  public Admission admit(byte[] request) {
    if (ShardScan.isQuery(request)) {
      try {
        ShardScan.decodeQuery(request);
        return new Admission.Read(); // a scan page is a read: ReadIndex, no log entry
      } catch (DecodeException e) {
        return new Admission.Reject(ShardScan.encodePage(ShardScan.Page.of(Status.BAD_REQUEST, e.getMessage())));
      }
    }
    KvCommand cmd;
    try {
      cmd = KvCodec.decodeCommand(request);
    } catch (DecodeException e) {
      return new Admission.Reject(KvCodec.encodeResult(new KvResult(Status.BAD_REQUEST, e.getMessage())));
    }
    if (!cmd.op().isWrite()) {
      return new Admission.Read();
    }
    // Not served here now: answer WRONG_GROUP at once (definite); the apply-time check still
    // decides for proposals that pass this early filter.
    if (!sm.servesShard(sm.currentConfig().shardOfKey(cmd.op().key()))) {
      return new Admission.Reject(KvCodec.encodeResult(KvResult.of(Status.WRONG_GROUP)));
    }
    return new Admission.Propose(ShardKvCodec.encode(new ShardKvCommand.ClientOp(cmd)));
  }

  @Override
  public byte[] read(byte[] request) {
    if (ShardScan.isQuery(request)) {
      return ShardScan.encodePage(sm.scan(ShardScan.decodeQuery(request)));
    }
    KvOp op = KvCodec.decodeCommand(request).op();
    return KvCodec.encodeResult(sm.read(op.key()));
  }

  @Override
  public String traceState() {
    return sm.traceSummary();
  }

  @Override
  public byte[] stamped(byte[] logCommand, long leaderMillis, long idleMillis) {
    return ShardKvCodec.stamp(logCommand, new SessionClock.Stamp(leaderMillis, idleMillis));
  }

  @Override
  public DedupTable.Counts sessionCounts() {
    return sm.sessionCounts();
  }

  @Override
  public String traceSuffix() {
    return migrator == null ? "" : " mseq=" + migrator.migrationSeq();
  }

  // ------------------------------------------------------------------ lifecycle hooks

  @Override
  public void attach(Host host) {
    this.host = host;
    this.migrator = new ShardMigrator(host, sm, out);
  }

  /** The leader re-runs the planner every {@code migrationIntervalTicks} ticks. */
  @Override
  public void onTick(long ticks) {
    if (ticks % migrationIntervalTicks == 0 && host.isLeader()) {
      migrator.onSchedule();
    }
  }

  @Override
  public void onApplied(byte[] command, byte[] result) {
    migrator.onApplied(command, result);
  }

  /** A new leader plans at once instead of waiting for the next interval. */
  @Override
  public void onBecameLeader() {
    migrator.onSchedule();
  }

  // ------------------------------------------------------------------ inputs from outside the group

  /** A migration message from another group's server. */
  public void onGroupMessage(String fromServer, MigrationRpc message) {
    if (host == null) {
      return;
    }
    host.input(() -> migrator.onGroupMessage(fromServer, message));
  }

  /** The answer to {@link ShardGroupOutputs#fetchConfig(int)} (null: none; ignored). */
  public void onConfigFetched(ShardConfig config) {
    if (host == null || config == null) {
      return;
    }
    host.input(() -> migrator.onConfigFetched(config));
  }
}
