package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seeded random faults on the in-test harness (the real simulator lives elsewhere): message loss,
 * duplication, reordering, partitions, crashes losing unflushed state, snapshots. Safety invariants
 * are checked after every step; liveness after the faults stop.
 */
class RaftRandomFaultsTest {

  @Test
  void safetyHoldsAndProposalsCommitAfterFaultsStopForManySeeds() {
    int seeds = Integer.getInteger("raft.faultSeeds", 40);
    long[] totals = new long[4];
    for (long seed = 1; seed <= seeds; seed++) runSeed(seed, totals);
    System.out.printf("random faults: %d seeds, %d terms, %d snapshot chunks sent, %d snapshots installed, %d crashes%n",
        seeds, totals[0], totals[1], totals[2], totals[3]);
    assertTrue(totals[2] > 0 && totals[3] > 0, "the scenario exercises snapshot installs and crashes");
  }

  private InMemoryRaftCluster runSeed(long seed, long[] totals) {
    Random rnd = new Random(seed);
    int size = 3 + 2 * rnd.nextInt(2);
    InMemoryRaftCluster c = new InMemoryRaftCluster(size, cfg -> cfg.withAppendLimits(4, 1 << 20, 3).withSnapshotChunkBytes(32),
        Map.of(), seed);
    c.hold = true;
    Invariants inv = new Invariants(c, seed);
    int proposed = 0;
    for (int step = 0; step < 3000; step++) {
      int action = rnd.nextInt(100);
      if (action < 40) {
        deliverRandom(c, rnd);
      } else if (action < 70) {
        int id = 1 + rnd.nextInt(size);
        if (!c.crashed.contains(id)) {
          c.time++;
          c.node(id).tick();
          c.processReady(id);
        }
      } else if (action < 80) {
        for (int id = 1; id <= size; id++) {
          if (!c.crashed.contains(id) && c.node(id).role() == Role.LEADER) {
            c.node(id).propose(("s" + seed + "-" + proposed++).getBytes(StandardCharsets.UTF_8));
            c.processReady(id);
          }
        }
      } else if (action < 83) {
        int id = 1 + rnd.nextInt(size);
        if (c.crashed.contains(id)) c.restart(id);
        else if (c.crashed.size() < (size - 1) / 2) {
          c.crash(id);
          totals[3]++;
        }
      } else if (action < 86) {
        c.isolated.clear();
        if (rnd.nextBoolean()) c.isolated.add(1 + rnd.nextInt(size));
      } else if (action < 88) {
        int id = 1 + rnd.nextInt(size);
        if (!c.crashed.contains(id) && c.node(id).appliedIndex() > c.node(id).snapshotMeta().lastIndex() + 5) {
          c.takeSnapshot(id);
        }
      } else if (action < 90) {
        RaftMessage m = c.network.peekFirst();
        if (m != null) c.network.addLast(m); // duplicate
      } else {
        deliverRandom(c, rnd);
      }
      inv.check();
    }
    // Faults stop: restart everyone, heal, run normally.
    for (int id = 1; id <= size; id++) if (c.crashed.contains(id)) c.restart(id);
    c.isolated.clear();
    c.hold = false;
    c.tickAll(80);
    inv.check();
    int leaders = c.leaderCount();
    assertEquals(1, leaders, "seed " + seed + ": one leader after healing");
    int leader = -1;
    for (int id = 1; id <= size; id++) if (c.node(id).role() == Role.LEADER) leader = id;
    ProposeResult r = c.propose(leader, "final-" + seed);
    c.settle();
    inv.check();
    assertTrue(r instanceof ProposeResult.Accepted, "seed " + seed);
    totals[0] += c.node(leader).term();
    totals[1] += c.sent.stream().filter(m -> m instanceof RaftMessage.InstallSnapshot).count();
    for (List<Ready> rs : c.readies.values()) totals[2] += rs.stream().filter(x -> x.snapshotToApply() != null).count();
    for (int id = 1; id <= size; id++) {
      List<String> sm = c.machines.get(id);
      assertEquals("final-" + seed, sm.get(sm.size() - 1), "seed " + seed + " node " + id + " applied the final command");
    }
    return c;
  }

  @Test
  void theSameSeedProducesExactlyTheSameMessagesAndStateMachines() {
    InMemoryRaftCluster a = runSeed(17, new long[4]);
    InMemoryRaftCluster b = runSeed(17, new long[4]);
    assertEquals(a.sent.size(), b.sent.size());
    assertEquals(a.sent, b.sent);
    assertEquals(a.sent.hashCode(), b.sent.hashCode());
    assertEquals(a.machines, b.machines);
  }

  private static void deliverRandom(InMemoryRaftCluster c, Random rnd) {
    if (c.network.isEmpty()) return;
    List<RaftMessage> all = new ArrayList<>(c.network);
    int pick = rnd.nextInt(Math.min(all.size(), 4)); // mild reordering
    RaftMessage m = all.remove(pick);
    c.network.clear();
    c.network.addAll(all);
    if (rnd.nextInt(10) == 0) return; // lost
    if (!c.droppedOnTheWay(m)) {
      c.node(m.to()).step(m);
      c.processReady(m.to());
    }
  }

  /** Election safety, state machine safety, log matching of committed prefixes, monotonic commit. */
  static final class Invariants {
    private final InMemoryRaftCluster c;
    private final long seed;
    private final Map<Long, Integer> leaderOfTerm = new TreeMap<>();
    private final Map<Long, LogEntry> committed = new TreeMap<>();
    private final Map<Integer, Long> lastCommit = new TreeMap<>();
    /** Term of the node that first saw each index committed: an upper bound of the committing term. */
    private final Map<Long, Long> commitTerm = new TreeMap<>();

    Invariants(InMemoryRaftCluster c, long seed) {
      this.c = c;
      this.seed = seed;
    }

    /**
     * Leader Completeness (§5.4): an entry committed in term U is in the log of every leader of a
     * term above U. Checked against entries first seen committed in a term below the leader's
     * (the leader of an older term may legitimately be elected late, after newer commits).
     */
    private void checkLeaderCompleteness(int id, RaftNode leader) {
      for (Map.Entry<Long, LogEntry> e : committed.entrySet()) {
        long i = e.getKey();
        if (i <= leader.snapshotMeta().lastIndex() || commitTerm.get(i) >= leader.term()) continue;
        if (!e.getValue().equals(leader.entry(i))) {
          throw new AssertionError("seed " + seed + ": leader " + id + " of term " + leader.term() + " lacks committed "
              + e.getValue() + " (has " + leader.entry(i) + ")");
        }
      }
    }

    void check() {
      for (Map.Entry<Integer, RaftNode> e : c.nodes.entrySet()) {
        int id = e.getKey();
        RaftNode n = e.getValue();
        if (c.crashed.contains(id)) {
          lastCommit.remove(id);
          continue;
        }
        if (n.role() == Role.LEADER) {
          Integer prev = leaderOfTerm.putIfAbsent(n.term(), id);
          if (prev != null && prev != id) {
            throw new AssertionError("seed " + seed + ": two leaders in term " + n.term() + ": " + prev + " and " + id);
          }
          if (prev == null) checkLeaderCompleteness(id, n);
        }
        Long lc = lastCommit.get(id);
        if (lc != null && n.commitIndex() < lc) {
          throw new AssertionError("seed " + seed + ": commit index of node " + id + " went back " + lc + " -> " + n.commitIndex());
        }
        lastCommit.put(id, n.commitIndex());
        for (long i = n.snapshotMeta().lastIndex() + 1; i <= n.commitIndex(); i++) {
          LogEntry entry = n.entry(i);
          LogEntry known = committed.putIfAbsent(i, entry);
          commitTerm.putIfAbsent(i, n.term());
          if (known != null && !known.equals(entry)) {
            throw new AssertionError("seed " + seed + ": node " + id + " committed " + entry + " at " + i + " but " + known + " was committed");
          }
        }
      }
      // State machine safety: every applied sequence is a prefix of the longest one.
      List<String> longest = List.of();
      for (List<String> sm : c.machines.values()) if (sm.size() > longest.size()) longest = sm;
      for (Map.Entry<Integer, List<String>> e : c.machines.entrySet()) {
        List<String> sm = e.getValue();
        if (!longest.subList(0, sm.size()).equals(sm)) {
          throw new AssertionError("seed " + seed + ": node " + e.getKey() + " applied " + sm + " diverging from " + longest);
        }
      }
    }
  }
}
