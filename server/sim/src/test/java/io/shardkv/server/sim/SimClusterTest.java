package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.*;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.RaftStorage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster host, nemesis and disk together, on a toy node ("max gossip"): each node sometimes
 * bumps a counter, persists it as its hard-state term, and only after the flush (10 ms later, an
 * event of its own) announces it to the others, who adopt larger values the same way.
 * Its invariant — the simulator's "nothing acknowledged durable is lost" in miniature — is that a
 * value a node announced is never above what its disk holds after a crash.
 */
class SimClusterTest {

  /** A fully wired toy world. */
  static final class ToyWorld implements SimCluster.ProcessFactory<Long> {
    final SimScheduler loop = new SimScheduler();
    final TraceDigest digest = new TraceDigest();
    final SimRandom random;
    final SimNetwork<Long> network;
    final SimCluster<Long> cluster;
    final SimDisk[] disks;
    final long[] announced;
    final List<String> violations = new ArrayList<>();

    ToyWorld(long seed, int nodes) {
      random = new SimRandom(seed);
      network = new SimNetwork<>(loop, random.fork("net"), digest, nodes, v -> Long.toString(v), v -> 8);
      disks = new SimDisk[nodes];
      announced = new long[nodes];
      for (int n = 0; n < nodes; n++) disks[n] = new SimDisk("disk of n" + n);
      cluster = new SimCluster<>(loop, random.fork("cluster"), digest, network, 10, this);
      cluster.startAll();
    }

    @Override
    public SimCluster.Process<Long> start(int node, int incarnation) {
      RaftStorage storage = disks[node].open();
      long recovered = storage.load().hardState().term();
      if (recovered < announced[node]) {
        violations.add("n" + node + " announced " + announced[node] + " but recovered " + recovered);
      }
      SimRandom r = random.fork("n" + node + "/" + incarnation);
      return new SimCluster.Process<Long>() {
        long value = recovered;
        boolean flushing;

        @Override public void tick() {
          if (r.chance(0.05)) adopt(value + 1);
        }

        @Override public void receive(int from, Long v) {
          if (v > value) adopt(v);
        }

        private void adopt(long v) {
          value = v;
          storage.setHardState(new HardState(v, HardState.NO_VOTE));
          if (flushing) return;
          flushing = true;
          cluster.later(node, 10, () -> {
            storage.flush();
            flushing = false;
            announced[node] = Math.max(announced[node], value);
            digest.record(loop.now(), "n" + node, "announce", Long.toString(value));
            for (int p = 0; p < network.nodes(); p++) if (p != node) network.send(node, p, value);
          });
        }
      };
    }

    @Override
    public void crashed(int node) {
      disks[node].crash(random);
    }
  }

  @Test
  void crashBetweenWriteAndFlushLosesTheFlushAndTheAnnouncement() {
    ToyWorld w = new ToyWorld(1, 1);
    SimCluster.Process<Long> p = w.cluster.process(0);
    p.receive(0, 5L);
    w.loop.runUntil(5);
    w.cluster.crash(0);
    w.loop.runUntil(100);
    assertEquals(0, w.announced[0], "the flush event of the crashed incarnation must not run");
    w.cluster.restart(0);
    assertTrue(w.violations.isEmpty(), w.violations.toString());
  }

  @Test
  void pausedNodeQueuesMessagesAndProcessesThemOnResume() {
    ToyWorld w = new ToyWorld(2, 2);
    w.cluster.pause(1);
    w.network.send(0, 1, 1000L);
    w.loop.runUntil(50);
    assertEquals(0, w.announced[1], "a paused node must not process its messages");
    w.cluster.resume(1);
    w.loop.runUntil(100);
    assertTrue(w.announced[1] >= 1000, "after resume the queued message is processed");
  }

  @Test
  void messagesToACrashedNodeAreLostNotQueued() {
    // A seed in which n0 announces nothing of its own while n1 is down, so the one message sent here
    // is the only one dropped (seed 3 until issue 10 re-derived the random streams, now seed 1).
    ToyWorld w = new ToyWorld(1, 2);
    w.cluster.crash(1);
    w.network.send(0, 1, 1000L);
    w.loop.runUntil(50);
    w.cluster.restart(1);
    w.loop.runUntil(60);
    assertTrue(w.announced[1] < 1000);
    assertEquals(1, w.network.dropped());
  }

  @Test
  void announcedValuesSurviveCrashesUnderEveryFault() {
    for (long seed = 0; seed < 20; seed++) {
      ToyWorld w = new ToyWorld(seed, 5);
      Nemesis nemesis = new Nemesis(w.loop, w.random.fork("nemesis"), w.digest, w.network, w.cluster,
          EnumSet.allOf(FaultKind.class), Nemesis.Timing.defaults(5));
      nemesis.start();
      w.loop.runUntil(20_000);
      nemesis.stop();
      w.loop.runUntil(22_000);
      assertTrue(w.violations.isEmpty(), "seed " + seed + ": " + w.violations);
      assertTrue(nemesis.injected().get(FaultKind.CRASH) > 0, "seed " + seed + " injected no crash");
      assertTrue(nemesis.totalInjected() > 20, "seed " + seed + " injected only " + nemesis.injected());
      for (int n = 0; n < 5; n++) assertTrue(w.cluster.isUp(n) && !w.cluster.isPaused(n));
    }
  }

  @Test
  void sameSeedReplaysTheSameDigestAndOtherSeedsDiffer() {
    assertEquals(runDigest(42), runDigest(42));
    assertNotEquals(runDigest(42), runDigest(43));
  }

  private static String runDigest(long seed) {
    ToyWorld w = new ToyWorld(seed, 5);
    Nemesis nemesis = new Nemesis(w.loop, w.random.fork("nemesis"), w.digest, w.network, w.cluster,
        EnumSet.allOf(FaultKind.class), Nemesis.Timing.defaults(5));
    nemesis.start();
    w.loop.runUntil(10_000);
    nemesis.stop();
    return w.digest.hex();
  }
}
