package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a paused node sees when it resumes: every source's input in that source's order (a TCP
 * connection keeps its order), but the sources interleaved as the seed says — like a process after
 * SIGCONT whose threads and selector read several sockets in no promised order. Before this rule the
 * backlog ran in global arrival order, so a resumed leader always handled the newer leader's
 * heartbeat before a client's later request, and the simulator could not see the window a
 * clock-trusting lease read falls into ({@code sim shardkv --unsafe lease-reads}, seed 11 with
 * {@code --faults partition,pause}).
 */
class SimClusterResumeOrderTest {

  /** Three senders (n0, n1 and a client endpoint 7 reaching n2 through the host) and n2 paused. */
  private static final class Recorder implements SimCluster.ProcessFactory<String> {
    final SimScheduler loop = new SimScheduler();
    final TraceDigest digest = new TraceDigest();
    final SimNetwork<String> network;
    final SimCluster<String> cluster;
    final List<String> seen = new ArrayList<>();

    Recorder(long seed) {
      SimRandom random = new SimRandom(seed);
      network = new SimNetwork<>(loop, random.fork("net"), digest, 3, v -> v, String::length);
      cluster = new SimCluster<>(loop, random.fork("cluster"), digest, network, 10, this);
      cluster.startAll();
    }

    @Override
    public SimCluster.Process<String> start(int node, int incarnation) {
      return new SimCluster.Process<>() {
        @Override public void tick() { }
        @Override public void receive(int from, String message) { if (node == 2) seen.add(message); }
      };
    }

    @Override public void crashed(int node) { }

    /**
     * Pauses n2, queues 20 inputs from each source in the source's order, resumes, returns the order
     * seen. The inputs are 200 ms apart: the network's own latency jitter (it does not keep a link's
     * order) must not be what this measures.
     */
    List<String> pausedBacklogAsSeen() {
      cluster.pause(2);
      for (int i = 0; i < 20; i++) {
        loop.runUntil(loop.now() + 200);
        network.send(0, 2, "a" + i);
        network.send(1, 2, "b" + i);
        String fromClient = "c" + i;
        cluster.laterFrom(2, 7, 0, () -> seen.add(fromClient));
        String own = "own" + i;
        cluster.later(2, 0, () -> seen.add(own));
      }
      loop.runUntil(loop.now() + 5_000);
      assertTrue(seen.isEmpty(), "a paused node processes nothing: " + seen);
      cluster.resume(2);
      return List.copyOf(seen);
    }
  }

  @Test
  void eachSourceKeepsItsOrderAcrossTheResume() {
    for (long seed = 1; seed <= 20; seed++) {
      List<String> seen = new Recorder(seed).pausedBacklogAsSeen();
      assertEquals(80, seen.size(), "seed " + seed + ": every queued input runs once: " + seen);
      for (String source : List.of("a", "b", "c", "own")) {
        List<String> ofSource = seen.stream().filter(s -> s.matches(source + "\\d+")).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) expected.add(source + i);
        assertEquals(expected, ofSource, "seed " + seed + ": source " + source + " out of its order");
      }
    }
  }

  @Test
  void sourcesInterleaveAsTheSeedSaysNotInArrivalOrder() {
    // Round i's four inputs all reach the host before round i+1's (200 ms apart), so a replay in
    // arrival order would see the rounds in non-decreasing order.
    List<String> seed1 = new Recorder(1).pausedBacklogAsSeen();
    List<Integer> rounds = seed1.stream().map(s -> Integer.parseInt(s.replaceAll("\\D", ""))).toList();
    List<Integer> arrivalOrder = rounds.stream().sorted().toList();
    assertNotEquals(arrivalOrder, rounds, "the backlog must not simply replay the arrival order: " + seed1);
    assertEquals(seed1, new Recorder(1).pausedBacklogAsSeen(), "one seed, one order");
    assertNotEquals(seed1, new Recorder(2).pausedBacklogAsSeen(), "another seed, another order");
  }

  @Test
  void aNodeThatIsNotPausedRunsItsInputAsItArrives() {
    Recorder r = new Recorder(3);
    r.network.send(0, 2, "a0");
    r.loop.runUntil(1_000);
    r.cluster.laterFrom(2, 7, 0, () -> r.seen.add("c0"));
    r.loop.runUntil(2_000);
    assertEquals(List.of("a0", "c0"), r.seen);
  }
}
