package io.shardkv.server.replica;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.kv.KvStateMachine;
import io.shardkv.server.kv.DedupTable;
import io.shardkv.server.kv.SessionClock;
import io.shardkv.server.configcenter.ConfigCenterCodec;
import io.shardkv.server.configcenter.ConfigCenterCommand;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.configcenter.ConfigCenterResult;
import io.shardkv.server.configcenter.ConfigCenterStateMachine;
import io.shardkv.server.statemachine.ReplicatedStateMachine;

/**
 * The two services ShardKV hosts besides the shard group (which is {@code shardkv.ShardGroupService},
 * next to its migrations). Client request bytes are the service's own command encoding:
 * {@link KvCodec} commands for the KV store, {@link ConfigCenterCodec} commands for the config center.
 * Gets and queries are reads (ReadIndex, no log entry); everything else is proposed.
 */
public final class Services {
  private Services() {}

  /** The unsharded replicated KV store. */
  public static HostedService kv(KvStateMachine sm) {
    return new HostedService() {
      @Override
      public ReplicatedStateMachine stateMachine() {
        return sm;
      }

      @Override
      public Admission admit(byte[] request) {
        KvCommand cmd;
        try {
          cmd = KvCodec.decodeCommand(request);
        } catch (DecodeException e) {
          return new Admission.Reject(KvCodec.encodeResult(new KvResult(Status.BAD_REQUEST, e.getMessage())));
        }
        return cmd.op().isWrite() ? new Admission.Propose(request) : new Admission.Read();
      }

      @Override
      public byte[] read(byte[] request) {
        String key = KvCodec.decodeCommand(request).op().key();
        String v = sm.read(key);
        return KvCodec.encodeResult(v == null ? KvResult.of(Status.NOT_FOUND) : new KvResult(Status.OK, v));
      }

      @Override
      public byte[] stamped(byte[] logCommand, long leaderMillis, long idleMillis) {
        return KvCodec.stamp(logCommand, new SessionClock.Stamp(leaderMillis, idleMillis));
      }

      @Override
      public DedupTable.Counts sessionCounts() {
        return sm.data().dedup().counts();
      }
    };
  }

  /** The config center. */
  public static HostedService configCenter(ConfigCenterStateMachine sm) {
    return new HostedService() {
      @Override
      public ReplicatedStateMachine stateMachine() {
        return sm;
      }

      @Override
      public Admission admit(byte[] request) {
        ConfigCenterCommand cmd;
        try {
          cmd = ConfigCenterCodec.decodeCommand(request);
        } catch (DecodeException e) {
          return new Admission.Reject(ConfigCenterCodec.encodeResult(ConfigCenterResult.bad(e.getMessage())));
        }
        return cmd.op().isWrite() ? new Admission.Propose(request) : new Admission.Read();
      }

      @Override
      public byte[] read(byte[] request) {
        ConfigCenterOp.Query q = (ConfigCenterOp.Query) ConfigCenterCodec.decodeCommand(request).op();
        return ConfigCenterCodec.encodeResult(new ConfigCenterResult(Status.OK, sm.query(q.num()), null));
      }

      @Override
      public String traceState() {
        return "applied=" + sm.lastAppliedIndex() + " config=" + sm.latest().num();
      }

      @Override
      public byte[] stamped(byte[] logCommand, long leaderMillis, long idleMillis) {
        return ConfigCenterCodec.stamp(logCommand, new SessionClock.Stamp(leaderMillis, idleMillis));
      }

      @Override
      public DedupTable.Counts sessionCounts() {
        return sm.sessionCounts();
      }
    };
  }

}
