package io.shardkv.server.replica;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.kv.KvStateMachine;
import io.shardkv.server.shardctrler.CtrlCodec;
import io.shardkv.server.shardctrler.CtrlCommand;
import io.shardkv.server.shardctrler.CtrlOp;
import io.shardkv.server.shardctrler.CtrlResult;
import io.shardkv.server.shardctrler.ShardCtrlerStateMachine;
import io.shardkv.server.shardkv.ShardKvCodec;
import io.shardkv.server.shardkv.ShardKvCommand;
import io.shardkv.server.shardkv.ShardKvStateMachine;
import io.shardkv.server.shardkv.ShardScan;
import io.shardkv.server.statemachine.ReplicatedStateMachine;

/**
 * The three services ShardKV hosts. Client request bytes are, for all of them, the service's own
 * command encoding: {@link KvCodec} commands for the KV store and shard groups (a shard group wraps
 * them in {@link ShardKvCommand.ClientOp} for its log), {@link CtrlCodec} commands for the config
 * center. Gets, scan pages ({@link ShardScan}) and queries are reads (ReadIndex, no log entry);
 * everything else is proposed.
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

  /** A shard group (see {@link ShardMigrator} for what its leader does besides serving). */
  public static HostedService shardGroup(ShardKvStateMachine sm) {
    return new HostedService() {
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
    };
  }
}
