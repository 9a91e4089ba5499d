package io.shardkv.server.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvData;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.configcenter.ConfigCenterCodec;
import io.shardkv.server.configcenter.ConfigCenterCommand;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.configcenter.ConfigCenterResult;
import io.shardkv.server.configcenter.ConfigCenterStateMachine;
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
      if (!s.inLog()) {
        // A wire-only status (e.g. SERVER_ERROR) is never a state machine's answer: refused, not logged.
        assertThrows(IllegalStateException.class, () -> KvCodec.encodeResult(KvResult.of(s)), s.name());
        continue;
      }
      for (String v : new String[] {null, "", "value"}) {
        KvResult r = new KvResult(s, v);
        assertEquals(r, KvCodec.decodeResult(KvCodec.encodeResult(r)));
      }
    }
  }

  @Test
  void configCenterCommandsAndResultsRoundTrip() {
    for (ConfigCenterOp op : List.of(new ConfigCenterOp.Join(Map.of(1, List.of("a:1", "b:2"), 9, List.of())),
        new ConfigCenterOp.Leave(List.of(3, 1)), new ConfigCenterOp.Move(63, 2), new ConfigCenterOp.Query(-1))) {
      ConfigCenterCommand c = new ConfigCenterCommand(5, 6, op);
      assertEquals(c, ConfigCenterCodec.decodeCommand(ConfigCenterCodec.encodeCommand(c)));
    }
    ConfigCenterStateMachine sm = new ConfigCenterStateMachine();
    sm.execute(new ConfigCenterCommand(1, 1, new ConfigCenterOp.Join(Map.of(4, List.of("x")))));
    for (ConfigCenterResult r : List.of(new ConfigCenterResult(Status.OK, sm.latest(), null), ConfigCenterResult.ok(),
        ConfigCenterResult.bad("no such gid"))) {
      assertEquals(r, ConfigCenterCodec.decodeResult(ConfigCenterCodec.encodeResult(r)));
    }
  }

  @Test
  void shardGroupCommandsRoundTrip() {
    ConfigCenterStateMachine sm = new ConfigCenterStateMachine(16);
    sm.execute(new ConfigCenterCommand(1, 1, new ConfigCenterOp.Join(Map.of(4, List.of("x"), 5, List.of("y")))));
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
