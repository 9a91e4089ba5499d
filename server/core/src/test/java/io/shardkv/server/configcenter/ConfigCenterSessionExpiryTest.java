package io.shardkv.server.configcenter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.DedupTable;
import io.shardkv.server.kv.SessionClock;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Admin-client sessions of the config center expire by the log clock too (docs/sessions.md). */
class ConfigCenterSessionExpiryTest {
  private static final long L = 5_000;
  private final ConfigCenterStateMachine sm = new ConfigCenterStateMachine(4);
  private long index;

  private ConfigCenterResult apply(long client, long seq, ConfigCenterOp op, long leaderMillis) {
    byte[] cmd = ConfigCenterCodec.stamp(ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(client, seq, op)),
        new SessionClock.Stamp(leaderMillis, L));
    return ConfigCenterCodec.decodeResult(sm.apply(++index, cmd));
  }

  private static ConfigCenterOp.Join join(int gid) {
    TreeMap<Integer, List<String>> g = new TreeMap<>();
    g.put(gid, List.of("s" + gid));
    return new ConfigCenterOp.Join(g);
  }

  @Test
  void anIdleAdminsRetriedJoinIsRefusedAndCreatesNoSecondConfiguration() {
    assertEquals(Status.OK, apply(1, 1, join(1), 1_000).status());
    assertEquals(Status.OK, apply(2, 1, join(2), 1_000 + L + 1).status());
    int configs = sm.latest().num();
    assertEquals(Status.SESSION_EXPIRED, apply(1, 1, join(1), 1_000 + L + 2).status());
    assertEquals(configs, sm.latest().num());
    assertEquals(new DedupTable.Counts(1, 1), sm.sessionCounts());
  }

  @Test
  void snapshotsCarryLogTimeAndOldUnstampedCommandsStillApply() {
    byte[] plain = ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(3, 1, join(3)));
    assertEquals(Status.OK, ConfigCenterCodec.decodeResult(sm.apply(++index, plain)).status());
    assertEquals(1, sm.takeSnapshot()[0], "no stamp yet: the old snapshot format");
    apply(1, 1, join(1), 1_000);
    apply(2, 1, join(2), 1_000 + L + 1);
    byte[] snap = sm.takeSnapshot();
    assertEquals(2, snap[0]);
    ConfigCenterStateMachine restored = new ConfigCenterStateMachine(4);
    restored.restoreSnapshot(snap);
    assertEquals(sm.logTime(), restored.logTime());
    assertArrayEquals(snap, restored.takeSnapshot());
    assertTrue(restored.sessionCounts().expired() >= 1);
  }
}
