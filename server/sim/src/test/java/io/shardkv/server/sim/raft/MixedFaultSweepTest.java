package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.*;

import io.shardkv.server.sim.FaultKind;
import io.shardkv.server.sim.SeedSweep;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The mixed-fault scenario (all fault kinds, snapshots, crashes with unsynced writes lost) over many
 * seeds: every safety invariant on every step, liveness after the faults stop, every proposal
 * committed (with leadership transfers requested every 1-3 s), every confirmed ReadIndex read covering all writes committed before it. 200 seeds by default; {@code -Dshardkv.sim.seeds=A..B} runs another range (e.g.
 * {@code 1..5000}), {@code -Dshardkv.sim.sweep.seconds=N} changes the faulty period.
 */
class MixedFaultSweepTest {

  @Test
  void everySeedKeepsSafetyAndRecoversAfterFaultsStop() {
    SeedSweep.Range range = SeedSweep.Range.parse(System.getProperty("shardkv.sim.seeds", "1..200"));
    long faultMs = Math.round(Double.parseDouble(System.getProperty("shardkv.sim.sweep.seconds", "3")) * 1000);
    RaftSimulation.Scenario base = new RaftSimulation.Scenario(
        RaftSimOptions.defaults(0, 5).withSnapshotEvery(20), faultMs, EnumSet.allOf(FaultKind.class), 40, 10_000, true);
    int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    long t0 = System.nanoTime();
    List<RaftSimulation.Result> results = SeedSweep.run(range, threads, s -> new RaftSimulation(base.withSeed(s)).run());
    double minutes = (System.nanoTime() - t0) / 60e9;
    System.out.printf(java.util.Locale.ROOT, "mixed-fault sweep: %d seeds in %.2f min (%.0f seeds/minute)%n",
        results.size(), minutes, results.size() / minutes);
    List<String> failures = results.stream().filter(r -> !r.passed())
        .map(r -> r.failure().getMessage() + "\n  replay: bin/shardkv sim raft --seed " + r.seed() + " --nodes 5 --time "
            + faultMs / 1000.0 + " --faults all --proposals 40 --snapshot-every 20 --liveness-seconds 10 --transfers")
        .collect(Collectors.toList());
    assertTrue(failures.isEmpty(), failures.size() + " of " + results.size() + " seeds failed:\n" + String.join("\n", failures));
    long injected = results.stream().mapToLong(r -> r.faultsInjected().values().stream().mapToLong(Integer::longValue).sum()).sum();
    assertTrue(injected > results.size() * 5L, "the nemesis injected only " + injected + " faults");
    long reads = results.stream().mapToLong(RaftSimulation.Result::readsConfirmed).sum();
    assertTrue(reads > results.size() * 3L, "only " + reads + " ReadIndex reads were confirmed and checked");
  }

  @Test
  void aDriverThatAcknowledgesBeforeFlushingIsCaughtBySomeSeed() {
    // The checker's own test: a broken driver (acks sent before the slow flush) must be caught.
    RaftSimulation.Scenario broken = new RaftSimulation.Scenario(
        RaftSimOptions.defaults(0, 3).withAckBeforeFlushBug(20, 60).withSnapshotEvery(20), 4_000,
        EnumSet.of(FaultKind.CRASH), 40, 10_000);
    List<RaftSimulation.Result> results = SeedSweep.run(new SeedSweep.Range(1, 60), 1,
        s -> new RaftSimulation(broken.withSeed(s)).run());
    List<String> caught = results.stream().filter(r -> !r.passed()).map(r -> r.failure().invariant()).toList();
    System.out.println("ack-before-flush bug caught by " + caught.size() + " of 60 seeds: " + caught);
    assertFalse(caught.isEmpty(), "no seed caught acknowledgements sent before the flush");
  }
}
