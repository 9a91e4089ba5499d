package io.shardkv.server.replica;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.kv.KvStateMachine;
import io.shardkv.server.shardctrler.CtrlCodec;
import io.shardkv.server.shardctrler.CtrlCommand;
import io.shardkv.server.shardctrler.CtrlOp;
import io.shardkv.server.shardctrler.CtrlResult;
import io.shardkv.server.shardctrler.ShardCtrlerStateMachine;
import io.shardkv.server.statemachine.ReplicatedStateMachine;

/**
 * The two services ShardKV hosts besides the shard group (which is {@code shardkv.ShardGroupService},
 * next to its migrations). Client request bytes are the service's own command encoding:
 * {@link KvCodec} commands for the KV store, {@link CtrlCodec} commands for the config center.
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
    };
  }

  /** The config center. */
  public static HostedService controller(ShardCtrlerStateMachine sm) {
    return new HostedService() {
      @Override
      public ReplicatedStateMachine stateMachine() {
        return sm;
      }

      @Override
      public Admission admit(byte[] request) {
        CtrlCommand cmd;
        try {
          cmd = CtrlCodec.decodeCommand(request);
        } catch (DecodeException e) {
          return new Admission.Reject(CtrlCodec.encodeResult(CtrlResult.bad(e.getMessage())));
        }
        return cmd.op().isWrite() ? new Admission.Propose(request) : new Admission.Read();
      }

      @Override
      public byte[] read(byte[] request) {
        CtrlOp.Query q = (CtrlOp.Query) CtrlCodec.decodeCommand(request).op();
        return CtrlCodec.encodeResult(new CtrlResult(Status.OK, sm.query(q.num()), null));
      }

      @Override
      public String traceState() {
        return "applied=" + sm.lastAppliedIndex() + " config=" + sm.latest().num();
      }
    };
  }

}
