package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.Verdict;
import io.shardkv.server.sim.FaultKind;
import io.shardkv.server.sim.SeedSweep;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The linearizable variants: whole-cluster runs whose client history is checked with the kv model.
 * {@code -Dshardkv.sim.seeds=A..B} widens the mixed-fault sweep.
 */
class ShardKvSimulationTest {

  static String describe(ShardKvSimulation.Result r) {
    return "seed " + r.seed() + ": ok=" + r.opsOk() + " fail=" + r.opsFailed() + " info=" + r.opsInfo()
        + " verdict=" + r.verdict() + " joins=" + r.joins() + " leaves=" + r.leaves() + " moves=" + r.moves()
        + " faults=" + r.faultsInjected()
        + (r.failure() == null ? "" : "\nFAILURE: " + r.failure().getMessage() + "\n"
        + String.join("\n", r.recentEvents().subList(Math.max(0, r.recentEvents().size() - 60), r.recentEvents().size())));
  }

  private static void assertPasses(ShardKvSimOptions o) {
    ShardKvSimulation.Result r = new ShardKvSimulation(o).run();
    assertNull(r.failure(), describe(r));
    assertEquals(Verdict.LINEARIZABLE, r.verdict(), describe(r));
    assertTrue(r.opsOk() > 50, describe(r));
  }

  @Test
  void mixedFaultsWithReconfigurationsKeepTheHistoryLinearizable() {
    String range = System.getProperty("shardkv.sim.seeds", "1..2");
    List<ShardKvSimulation.Result> results = SeedSweep.run(SeedSweep.Range.parse(range), 1,
        s -> new ShardKvSimulation(ShardKvSimOptions.defaults(s)
            .withFaults(6_000, EnumSet.allOf(FaultKind.class), true)).run());
    for (ShardKvSimulation.Result r : results) {
      assertNull(r.failure(), describe(r));
      assertEquals(Verdict.LINEARIZABLE, r.verdict(), describe(r));
      assertTrue(r.opsOk() > 100, describe(r));
    }
  }

  @Test
  void concurrentClientsDuringJoinsLeavesAndMovesAreLinearizable() {
    assertPasses(ShardKvSimOptions.defaults(101).withFaults(5_000, EnumSet.noneOf(FaultKind.class), true));
  }

  @Test
  void unreliableNetworkWithReconfigurationsIsLinearizable() {
    assertPasses(ShardKvSimOptions.defaults(102).withFaults(5_000,
        EnumSet.of(FaultKind.DROP, FaultKind.DUP, FaultKind.REORDER, FaultKind.DELAY), true)
        .withUnreliableClients(true));
  }

  @Test
  void manyPartitionsAndCrashesWithoutReconfigurationAreLinearizable() {
    assertPasses(ShardKvSimOptions.defaults(103).withFaults(5_000,
        EnumSet.of(FaultKind.PARTITION, FaultKind.CRASH, FaultKind.PAUSE), false));
  }

  @Test
  void notShardedGroupUnderCrashesAndADelayingReorderingDroppingNetworkIsLinearizable() {
    assertPasses(ShardKvSimOptions.defaults(104).withLayout(1, 5, 8).withFaults(5_000,
        EnumSet.of(FaultKind.CRASH, FaultKind.DELAY, FaultKind.REORDER, FaultKind.DROP), false)
        .withUnreliableClients(true));
  }

  @Test
  void fourGroupsFifteenClientsOnThreeHotKeysOverUnreliableClientLinksAreLinearizable() {
    // Seed 103 once made the admin start a query while its slow initial join was still running.
    assertPasses(ShardKvSimOptions.defaults(103).withLayout(4, 3, 15).withShardsAndKeys(16, 3)
        .withFaults(8_000, EnumSet.allOf(FaultKind.class), true).withUnreliableClients(true));
  }

  @Test
  void wholeGroupOutagesLeaveSomeOpsIndefiniteAndTheHistoryStaysLinearizable() {
    // A seed whose crashes take a whole group down long enough (seed 2 until issue 10 re-derived the
    // random streams as hash(seed, label); then seed 1; seed 3 since asynchronous storage writes
    // changed every run's timing — issue 13).
    ShardKvSimulation.Result r = new ShardKvSimulation(ShardKvSimOptions.defaults(3)
        .withFaults(10_000, EnumSet.of(FaultKind.CRASH), true)).run();
    assertNull(r.failure(), describe(r));
    assertEquals(Verdict.LINEARIZABLE, r.verdict(), describe(r));
    assertTrue(r.opsInfo() > 0, "this seed has an outage long enough to leave writes indefinite: " + describe(r));
  }

  @Test
  void sameSeedGivesTheSameDigestAndOtherSeedsDiffer() {
    ShardKvSimOptions o = ShardKvSimOptions.defaults(42).withFaults(2_000, EnumSet.allOf(FaultKind.class), true);
    ShardKvSimulation.Result a = new ShardKvSimulation(o).run();
    ShardKvSimulation.Result b = new ShardKvSimulation(o).run();
    ShardKvSimulation.Result c = new ShardKvSimulation(o.withSeed(43)).run();
    assertEquals(a.digest(), b.digest());
    assertEquals(a.events(), b.events());
    assertNotEquals(a.digest(), c.digest());
  }
}
