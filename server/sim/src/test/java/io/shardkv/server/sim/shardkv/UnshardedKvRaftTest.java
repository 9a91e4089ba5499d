package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.Status;
import io.shardkv.linearizability.Verdict;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.sim.FaultKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The 6.824 kvraft (lab 3A/3B) families on the <em>unsharded</em> KV store: one replica group of
 * {@code ReplicaHost}s serving {@code Services.kv} over a {@code KvStateMachine}, each on a
 * {@code SimDisk}, in {@link ShardKvWorld} with {@link ShardKvSimOptions#unshardedKv()}.
 *
 * <p>What is reused: the world (SimCluster ticks, server network, client network, SimDisk crashes),
 * {@link ServerNode} (which hosts {@code Services.kv} when {@code unshardedKv} is on), the routed
 * clients ({@link ClusterFixture.Client} / {@link CallRunner} over the driver's {@code ShardRouter}:
 * leader discovery by NotLeader hints and rotation, retries with the same client id and seq) and the
 * whole {@link ShardKvSimulation} (workload clients, nemesis, Jepsen history, kv-model check). The
 * config center still runs, but only as the clients' directory: after one join every shard maps to
 * the one group, and the KV state machine itself knows nothing of shards (it never answers
 * WRONG_GROUP). Wider seed sweeps: {@code -Dshardkv.kvraft.seeds=N}.
 */
class UnshardedKvRaftTest {
  private static final int SEEDS = Integer.getInteger("shardkv.kvraft.seeds", 1);

  private static ShardKvSimOptions kv(long seed, int replicas, int clients, int keys) {
    return new ShardKvSimOptions(seed, 1, replicas, clients, 4, keys, 0, EnumSet.noneOf(FaultKind.class), false,
        false, 0, 10, 30_000, false, 0.1).withUnshardedKv();
  }

  private static ClusterFixture fixture(long seed, int replicas, long snapshotBytes) {
    ClusterFixture f = new ClusterFixture(kv(seed, replicas, 0, 1).withSnapshotBytes(snapshotBytes));
    f.join(1);
    return f;
  }

  private static ShardKvSimulation.Result simulate(ShardKvSimOptions o) {
    ShardKvSimulation.Result r = new ShardKvSimulation(o).run();
    assertTrue(r.passed(), "seed " + o.seed() + ": " + r.failure());
    assertEquals(Verdict.LINEARIZABLE, r.verdict());
    // Unreliable client links cut throughput ~8x (a lost request or reply costs the client its reply
    // deadline), so the floor is low but still proves the clients kept completing ops.
    assertTrue(r.opsOk() >= 50, "seed " + o.seed() + ": the clients made progress, ok=" + r.opsOk());
    return r;
  }

  /** 6.824 TestBasic3A: puts, appends and gets from several clients, one after another. */
  @Test
  void basicPutAppendGetOnTheUnshardedStore() {
    ClusterFixture f = fixture(41, 3, 0);
    ServerNode leader = f.world.leaderOf(1);
    assertNotNull(leader.kvStateMachine(), "the group hosts the unsharded KvStateMachine");
    assertNull(leader.shardStateMachine());
    ClusterFixture.Client a = f.client();
    ClusterFixture.Client b = f.client();
    assertNull(a.get("x"));
    a.put("x", "1");
    b.append("x", "2");
    a.append("x", "3");
    b.put("y", "z");
    assertEquals("123", b.get("x"));
    assertEquals("z", a.get("y"));
    assertEquals("123", f.world.leaderOf(1).kvStateMachine().read("x"));
  }

  /**
   * 6.824 TestSpeed3A: a proposal commits without waiting for a heartbeat tick. As in 6.824 the
   * heartbeat interval is 100 ms (50 ms ticks, heartbeat every 2 ticks) and three sequential appends
   * from one client must complete within one interval, in simulated time. The critical path (client
   * hop, leader flush, AppendEntries round trip, follower flush, reply; 1–5 ms each) is ~15 ms; a
   * leader that only replicated on its heartbeat would average about half an interval more.
   */
  @Test
  void aProposalCommitsWithoutWaitingForAHeartbeatTick() {
    ShardKvSimOptions o = kv(42, 3, 0, 1);
    ClusterFixture f = new ClusterFixture(new ShardKvSimOptions(o.seed(), 1, 3, 0, 4, 1, 0,
        EnumSet.noneOf(FaultKind.class), false, false, 0, 50, 30_000, false, 0.1, true, false));
    f.join(1);
    ClusterFixture.Client c = f.client();
    c.put("s", "");
    int n = 100;
    long start = f.world.loop().now();
    long termBefore = f.world.node(f.world.leaderOf(1).id()).replica().raft().term();
    for (int i = 0; i < n; i++) c.append("s", "x");
    long elapsed = f.world.loop().now() - start;
    long heartbeatMs = 2 * f.world.options().tickMs(); // RaftConfig.withHeartbeatTicks(2) in ServerNode
    assertTrue(elapsed * 3 <= heartbeatMs * n,
        n + " appends took " + elapsed + " simulated ms; the heartbeat interval is " + heartbeatMs + " ms");
    assertEquals(termBefore, f.world.leaderOf(1).replica().raft().term(), "one leader throughout");
    assertEquals(n, c.get("s").length());
  }

  /** 6.824 TestConcurrent3A: several clients on shared keys, checked for linearizability. */
  @Test
  void concurrentClientsOnSharedKeysAreLinearizable() {
    for (int s = 0; s < SEEDS; s++) {
      simulate(kv(43 + s * 100L, 5, 5, 3).withFaults(4_000, EnumSet.noneOf(FaultKind.class), false));
    }
  }

  /** 6.824 TestUnreliable3A: requests and replies dropped, duplicated and reordered. */
  @Test
  void unreliableNetworkKeepsTheHistoryLinearizable() {
    for (int s = 0; s < SEEDS; s++) {
      simulate(kv(44 + s * 100L, 5, 5, 3).withUnreliableClients(true)
          .withFaults(4_000, EnumSet.of(FaultKind.DROP, FaultKind.DUP, FaultKind.REORDER, FaultKind.DELAY), false));
    }
  }

  /** 6.824 TestUnreliableOneKey3A: concurrent appends to one key; every completed append exactly once. */
  @Test
  void unreliableOneKeyEveryCompletedAppendAppearsExactlyOnce() {
    ShardKvSimulation.Result r = simulate(kv(45, 3, 5, 1).withAppendsOnly().withUnreliableClients(true)
        .withFaults(4_000, EnumSet.of(FaultKind.DROP, FaultKind.DUP, FaultKind.REORDER), false));
    String last = null;
    for (var op : r.history().ops()) {
      if (op.f().equals("get") && op.status() == Status.OK && op.output() != null) last = (String) op.output();
    }
    assertNotNull(last, "final value read");
    int completed = 0;
    for (var op : r.history().ops()) {
      if (op.f().equals("append") && op.status() == Status.OK) {
        String v = (String) op.input();
        int first = last.indexOf(v);
        assertTrue(first >= 0, "completed append " + v + " is in the final value");
        assertEquals(-1, last.indexOf(v, first + 1), "append " + v + " applied once");
        completed++;
      }
    }
    assertTrue(completed > 20, "enough appends completed to mean something: " + completed);
  }

  /** 6.824 TestOnePartition3A: no progress in the minority; the minority's request completes after heal. */
  @Test
  void onePartitionNoProgressInTheMinorityAndCompletionAfterHeal() {
    ClusterFixture f = fixture(46, 5, 0);
    ClusterFixture.Client c = f.client();
    c.put("k", "base");
    int l = f.world.leaderOf(1).id();
    List<Integer> minority = new ArrayList<>(List.of(l));
    minority.add(f.world.members(1).stream().filter(n -> n != l).findFirst().orElseThrow());
    List<Integer> majority = Stream.concat(f.world.members(1).stream().filter(n -> !minority.contains(n)),
        f.world.members(0).stream()).toList();
    f.world.serverNetwork().partition(List.of(minority, majority));
    f.rawRequest(l, 900, 1, new KvOp.Append("k", "+minority"));
    f.runFor(300);
    assertTrue(f.rawReplies.stream().noneMatch(ClusterFixture::executed),
        "the minority answered nothing definite: " + f.rawReplies);
    c.append("k", "+majority");
    assertEquals("base+majority", c.get("k"));
    f.world.serverNetwork().heal();
    f.runFor(1_000);
    // The old leader's uncommitted entry was overwritten; the same client id/seq retried after the heal
    // completes exactly once (the 6.824 "completion after heal").
    f.rawReplies.clear();
    int newLeader = f.world.leaderOf(1).id();
    f.rawRequest(newLeader, 900, 1, new KvOp.Append("k", "+minority"));
    f.runFor(500);
    assertTrue(f.rawReplies.stream().anyMatch(ClusterFixture::executed), "completed after heal");
    f.rawRequest(newLeader, 900, 1, new KvOp.Append("k", "+minority")); // a retry: deduplicated
    f.runFor(500);
    assertEquals("base+majority+minority", c.get("k"));
  }

  /** 6.824 TestManyPartitionsOneClient3A / TestManyPartitionsManyClients3A. */
  @Test
  void manyPartitionsKeepTheHistoryLinearizable() {
    for (int s = 0; s < SEEDS; s++) {
      simulate(kv(47 + s * 100L, 5, 5, 3).withFaults(5_000, EnumSet.of(FaultKind.PARTITION), false));
    }
  }

  /** 6.824 TestPersistOneClient3A: every replica crashes, repeatedly; acknowledged appends survive. */
  @Test
  void persistCrashOfEveryReplicaKeepsAcknowledgedWrites() {
    ClusterFixture f = fixture(48, 3, 0);
    StringBuilder expected = new StringBuilder();
    for (int round = 0; round < 4; round++) {
      ClusterFixture.Client c = f.client();
      for (int i = 0; i < 5; i++) {
        c.append("p", round + "." + i + ";");
        expected.append(round).append('.').append(i).append(';');
      }
      for (int n : f.world.members(1)) f.world.host().crash(n);
      f.runFor(200);
      for (int n : f.world.members(1)) f.world.host().restart(n);
      assertEquals(expected.toString(), f.client().get("p"));
    }
  }

  /** 6.824 TestPersistConcurrent3A (crashes of some replicas) and TestPersistPartition3A (with partitions). */
  @Test
  void persistCrashesOfSomeReplicasWithAndWithoutPartitionsStayLinearizable() {
    for (int s = 0; s < SEEDS; s++) {
      simulate(kv(49 + s * 100L, 5, 5, 3).withFaults(5_000, EnumSet.of(FaultKind.CRASH), false));
      simulate(kv(50 + s * 100L, 5, 5, 3).withFaults(5_000, EnumSet.of(FaultKind.CRASH, FaultKind.PARTITION), false));
    }
  }

  /** 6.824 TestSnapshotRPC3B: a replica that missed many entries catches up through InstallSnapshot. */
  @Test
  void aLaggingReplicaCatchesUpThroughInstallSnapshot() {
    ClusterFixture f = fixture(51, 3, 1024);
    ClusterFixture.Client c = f.client();
    c.put("a", "A");
    int lagging = f.world.members(1).stream().filter(n -> n != f.world.leaderOf(1).id()).findFirst().orElseThrow();
    List<Integer> others = Stream.concat(f.world.members(1).stream().filter(n -> n != lagging),
        f.world.members(0).stream()).toList();
    f.world.serverNetwork().partition(List.of(List.of(lagging), others));
    for (int i = 0; i < 100; i++) c.put("k" + (i % 10), "v" + i + "-" + "x".repeat(20));
    assertTrue(f.world.leaderOf(1).replica().snapshotsTaken() > 0, "the leader snapshotted");
    f.world.serverNetwork().heal();
    long before = f.world.node(lagging).replica().snapshotsRestored();
    assertTrue(f.world.loop().runUntil(() -> f.world.node(lagging).kvStateMachine().lastAppliedIndex()
        >= f.world.leaderOf(1).kvStateMachine().lastAppliedIndex(), f.world.loop().now() + 5_000));
    assertTrue(f.world.node(lagging).replica().snapshotsRestored() > before, "caught up by InstallSnapshot");
    // The caught-up replica serves: make it the only majority partner of a new write.
    int leader = f.world.leaderOf(1).id();
    int third = f.world.members(1).stream().filter(n -> n != leader && n != lagging).findFirst().orElseThrow();
    f.world.host().crash(third);
    c.put("b", "B");
    assertEquals("A", c.get("a"));
    assertEquals("B", waitRead(f, lagging, "b"), "the caught-up replica applies new entries");
    assertEquals("v99-" + "x".repeat(20), f.world.node(lagging).kvStateMachine().read("k9"));
  }

  private static String waitRead(ClusterFixture f, int node, String key) {
    f.world.loop().runUntil(() -> f.world.node(node).kvStateMachine().read(key) != null, f.world.loop().now() + 2_000);
    return f.world.node(node).kvStateMachine().read(key);
  }

  /** 6.824 TestSnapshotSize3B: with a threshold, the Raft log of every replica stays bounded. */
  @Test
  void snapshotsKeepTheRaftLogOfEveryReplicaBounded() {
    long threshold = 1024;
    ClusterFixture f = fixture(52, 3, threshold);
    ClusterFixture.Client c = f.client();
    long maxLog = 0;
    for (int i = 0; i < 300; i++) {
      c.put("k", "v" + i);
      for (int n : f.world.members(1)) {
        ServerNode s = f.world.node(n);
        long inLog = s.replica().raft().lastIndex() - s.replica().raft().snapshotMeta().lastIndex();
        maxLog = Math.max(maxLog, inLog);
        assertTrue(s.replica().appliedBytesSinceSnapshot() <= threshold + 256,
            "n" + n + " applied " + s.replica().appliedBytesSinceSnapshot() + " bytes since its snapshot");
      }
    }
    // Each put command is > 20 bytes, so the threshold alone allows ~50 entries; leave room for the
    // entries committed but not yet applied and for the term's no-op.
    assertTrue(maxLog <= 60, "a Raft log held " + maxLog + " entries with a " + threshold + "-byte threshold");
    for (int n : f.world.members(1)) assertTrue(f.world.node(n).replica().snapshotsTaken() > 0, "n" + n + " snapshotted");
    assertEquals("v299", c.get("k"));
  }

  /** 6.824 TestSnapshotRecover3B / TestSnapshotRecoverManyClients3B: restart from snapshots. */
  @Test
  void restartFromSnapshotsRecoversEveryAcknowledgedWrite() {
    ClusterFixture f = fixture(53, 3, 512);
    ClusterFixture.Client c = f.client();
    StringBuilder expected = new StringBuilder();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 40; i++) {
        c.append("r", round + ":" + i + ";");
        expected.append(round).append(':').append(i).append(';');
      }
      for (int n : f.world.members(1)) f.world.host().crash(n);
      f.runFor(100);
      for (int n : f.world.members(1)) f.world.host().restart(n);
      long restored = f.world.members(1).stream().mapToLong(n -> f.world.node(n).replica().snapshotsRestored()).sum();
      assertTrue(restored > 0, "round " + round + ": replicas restarted from a snapshot");
      c = f.client();
      assertEquals(expected.toString(), c.get("r"));
    }
    simulate(kv(54, 5, 5, 3).withSnapshotBytes(1024).withFaults(5_000, EnumSet.of(FaultKind.CRASH), false));
  }

  /**
   * 6.824 TestPersistPartitionUnreliableLinearizable3A and
   * TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable3B: crashes, partitions, an unreliable
   * network and snapshots together; the Jepsen history is checked with the kv model.
   */
  @Test
  void crashesPartitionsUnreliableNetworkAndSnapshotsTogetherAreLinearizable() {
    for (int s = 0; s < SEEDS; s++) {
      simulate(kv(55 + s * 100L, 5, 5, 3).withUnreliableClients(true)
          .withFaults(6_000, EnumSet.allOf(FaultKind.class), false));
      simulate(kv(56 + s * 100L, 5, 5, 3).withUnreliableClients(true).withSnapshotBytes(1024)
          .withFaults(6_000, EnumSet.allOf(FaultKind.class), false));
    }
  }
}
