package io.shardkv.server.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvData;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.shardctrler.CtrlCodec;
import io.shardkv.server.shardctrler.CtrlCommand;
import io.shardkv.server.shardctrler.CtrlOp;
import io.shardkv.server.shardctrler.CtrlResult;
import io.shardkv.server.shardctrler.ShardCtrlerStateMachine;
import io.shardkv.server.shardkv.ShardKvCodec;
import io.shardkv.server.shardkv.ShardKvCommand;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every command and result decodes to exactly what was encoded. */
class CodecRoundTripTest {
  @Test
  void kvCommandsAndResultsRoundTrip() {
    for (KvOp op : List.of(new KvOp.Get(""), new KvOp.Put("k", ""), new KvOp.Append("ключ", "𝄞"),
        new KvOp.Cas("k", null, "v"), new KvOp.Cas("k", "", "v"), new KvOp.Delete("k"))) {
      KvCommand c = new KvCommand(Long.MIN_VALUE, Long.MAX_VALUE, op);
      assertEquals(c, KvCodec.decodeCommand(KvCodec.encodeCommand(c)));
    }
    for (Status s : Status.values()) {
      for (String v : new String[] {null, "", "value"}) {
        KvResult r = new KvResult(s, v);
        assertEquals(r, KvCodec.decodeResult(KvCodec.encodeResult(r)));
      }
    }
  }

  @Test
  void configCenterCommandsAndResultsRoundTrip() {
    for (CtrlOp op : List.of(new CtrlOp.Join(Map.of(1, List.of("a:1", "b:2"), 9, List.of())),
        new CtrlOp.Leave(List.of(3, 1)), new CtrlOp.Move(63, 2), new CtrlOp.Query(-1))) {
      CtrlCommand c = new CtrlCommand(5, 6, op);
      assertEquals(c, CtrlCodec.decodeCommand(CtrlCodec.encodeCommand(c)));
    }
    ShardCtrlerStateMachine sm = new ShardCtrlerStateMachine();
    sm.execute(new CtrlCommand(1, 1, new CtrlOp.Join(Map.of(4, List.of("x")))));
    for (CtrlResult r : List.of(new CtrlResult(Status.OK, sm.latest(), null), CtrlResult.ok(),
        CtrlResult.bad("no such gid"))) {
      assertEquals(r, CtrlCodec.decodeResult(CtrlCodec.encodeResult(r)));
    }
  }

  @Test
  void shardGroupCommandsRoundTrip() {
    ShardCtrlerStateMachine sm = new ShardCtrlerStateMachine(16);
    sm.execute(new CtrlCommand(1, 1, new CtrlOp.Join(Map.of(4, List.of("x"), 5, List.of("y")))));
    KvData d = new KvData();
    d.execute(new KvCommand(1, 1, new KvOp.Put("a", "b")));
    d.execute(new KvCommand(2, 7, new KvOp.Cas("a", "zz", "c")));
    for (ShardKvCommand c : List.of(
        new ShardKvCommand.ClientOp(new KvCommand(1, 2, new KvOp.Append("k", "v"))),
        new ShardKvCommand.NewConfig(sm.latest()),
        new ShardKvCommand.InstallShard(1, 15, d),
        new ShardKvCommand.InstallShard(2, 0, new KvData()),
        new ShardKvCommand.DeleteShard(1, 15),
        new ShardKvCommand.ShardGcDone(1, 15))) {
      assertEquals(c, ShardKvCodec.decode(ShardKvCodec.encode(c)));
    }
  }
}
