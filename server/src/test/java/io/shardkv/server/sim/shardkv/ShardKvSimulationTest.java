package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.Verdict;
import io.shardkv.server.sim.FaultKind;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ShardKvSimulationTest {

  private static String describe(ShardKvSimulation.Result r) {
    return "seed " + r.seed() + ": ok=" + r.opsOk() + " fail=" + r.opsFailed() + " info=" + r.opsInfo()
        + " verdict=" + r.verdict() + " joins=" + r.joins() + " leaves=" + r.leaves() + " moves=" + r.moves()
        + " faults=" + r.faultsInjected() + " wall=" + r.wallNanos() / 1_000_000 + "ms"
        + (r.failure() == null ? "" : "\nFAILURE: " + r.failure().getMessage() + "\n"
        + String.join("\n", r.recentEvents().subList(Math.max(0, r.recentEvents().size() - 60), r.recentEvents().size())));
  }

  @Test
  void mixedFaultsWithReconfigurationsKeepTheHistoryLinearizable() {
    for (long seed = 1; seed <= 3; seed++) {
      ShardKvSimulation.Result r = new ShardKvSimulation(ShardKvSimOptions.defaults(seed)
          .withFaults(8_000, EnumSet.allOf(FaultKind.class), true)).run();
      System.out.println(describe(r));
      assertNull(r.failure(), describe(r));
      assertEquals(Verdict.LINEARIZABLE, r.verdict(), describe(r));
      assertTrue(r.opsOk() > 100, describe(r));
    }
  }

  @Test
  void sameSeedGivesTheSameDigest() {
    ShardKvSimOptions o = ShardKvSimOptions.defaults(42).withFaults(3_000, EnumSet.allOf(FaultKind.class), true);
    ShardKvSimulation.Result a = new ShardKvSimulation(o).run();
    ShardKvSimulation.Result b = new ShardKvSimulation(o).run();
    assertEquals(a.digest(), b.digest());
    assertEquals(a.events(), b.events());
  }
}
