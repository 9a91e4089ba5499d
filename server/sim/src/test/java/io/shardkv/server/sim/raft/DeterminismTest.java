package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.*;

import io.shardkv.server.sim.FaultKind;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** A seed is a complete description of a run: same seed, same digest; another seed, another run. */
class DeterminismTest {

  static RaftSimulation.Scenario scenario(long seed) {
    return new RaftSimulation.Scenario(RaftSimOptions.defaults(seed, 5).withSnapshotEvery(20), 5_000,
        EnumSet.allOf(FaultKind.class), 60, 10_000);
  }

  @Test
  void sameSeedTwiceGivesTheSameDigestAndSummary() {
    RaftSimulation.Result a = new RaftSimulation(scenario(77)).run();
    RaftSimulation.Result b = new RaftSimulation(scenario(77)).run();
    assertTrue(a.passed(), () -> a.failure().getMessage());
    assertEquals(a.digest(), b.digest());
    assertEquals(a.events(), b.events());
    assertEquals(a.messagesSent(), b.messagesSent());
    assertEquals(a.faultsInjected(), b.faultsInjected());
    assertTrue(a.events() > 3_000, "suspiciously few events: " + a.events());
  }

  @Test
  void differentSeedsGiveDifferentRuns() {
    RaftSimulation.Result a = new RaftSimulation(scenario(77)).run();
    RaftSimulation.Result b = new RaftSimulation(scenario(78)).run();
    assertNotEquals(a.digest(), b.digest());
  }

  @Test
  void tracingDoesNotChangeTheRun() {
    RaftSimulation.Result plain = new RaftSimulation(scenario(79)).run();
    RaftSimulation.Result traced = new RaftSimulation(scenario(79).withTrace(true)).run();
    assertEquals(plain.digest(), traced.digest());
    assertFalse(traced.traceLines().isEmpty(), "tracing produced no lines");
    assertTrue(plain.traceLines().isEmpty());
  }

  @Test
  void runsInParallelThreadsMatchSequentialRuns() throws Exception {
    String sequential = new RaftSimulation(scenario(80)).run().digest();
    String[] parallel = new String[2];
    Thread t1 = new Thread(() -> parallel[0] = new RaftSimulation(scenario(80)).run().digest());
    Thread t2 = new Thread(() -> parallel[1] = new RaftSimulation(scenario(81)).run().digest());
    t1.start();
    t2.start();
    t1.join();
    t2.join();
    assertEquals(sequential, parallel[0]);
  }
}
