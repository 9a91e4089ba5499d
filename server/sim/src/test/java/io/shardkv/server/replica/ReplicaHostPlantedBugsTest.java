package io.shardkv.server.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.raft.RaftConfig;
import io.shardkv.server.raft.RaftMessage;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The replica host's planted bugs ({@link PlantedBug#STALE_READS}, {@link PlantedBug#ACK_BEFORE_FSYNC}):
 * each breaks its guarantee, and the same scenario is safe with the defaults.
 */
class ReplicaHostPlantedBugsTest {

  @Test
  void defaultsPlantNoBugAndTheSwitchesMapOneToOne() {
    HostOptions d = HostOptions.defaults();
    assertFalse(d.unsafeStaleReads());
    assertFalse(d.unsafeAckBeforeFsync());
    assertEquals(d, PlantedBug.applyTo(d, Set.of()));
    assertTrue(PlantedBug.applyTo(d, Set.of(PlantedBug.STALE_READS)).unsafeStaleReads());
    assertFalse(PlantedBug.applyTo(d, Set.of(PlantedBug.STALE_READS)).unsafeAckBeforeFsync());
    assertTrue(PlantedBug.applyTo(d, Set.of(PlantedBug.ACK_BEFORE_FSYNC)).unsafeAckBeforeFsync());
    RaftConfig r = RaftConfig.of(1, 1, List.of(1, 2, 3));
    assertEquals(RaftConfig.Unsafe.NONE, PlantedBug.applyTo(r, EnumSet.of(PlantedBug.STALE_READS, PlantedBug.NO_DEDUP,
        PlantedBug.ACK_BEFORE_FSYNC)).unsafe(), "bugs above Raft leave the core alone");
    assertEquals(new RaftConfig.Unsafe(true, true, true), PlantedBug.applyTo(r, EnumSet.allOf(PlantedBug.class)).unsafe());
  }

  @Test
  void namesParseAsShortNamesConfigKeysOrAll() {
    assertEquals(PlantedBug.LEASE_READS, PlantedBug.parse("lease-reads"));
    assertEquals(PlantedBug.LEASE_READS, PlantedBug.parse("unsafe-lease-reads"));
    assertEquals(EnumSet.allOf(PlantedBug.class), PlantedBug.parseList("all"));
    assertEquals(EnumSet.of(PlantedBug.NO_DEDUP, PlantedBug.STALE_READS), PlantedBug.parseList("no-dedup, stale-reads"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> PlantedBug.parseList("stale-reads,fast-reads"));
    assertTrue(e.getMessage().contains("unknown planted bug 'fast-reads'") && e.getMessage().contains("lease-reads"), e.getMessage());
    for (PlantedBug b : PlantedBug.values()) {
      assertEquals("unsafe-" + b.shortName(), b.configKey());
      assertFalse(b.nemesis().isEmpty() || b.broken().isEmpty() || b.workload().isEmpty(), b + " has its note");
    }
  }

  /** A follower cut off from the group, then a write the other two commit; then the cut-off follower is asked to read. */
  private static ClientReply cutOffFollowerIsAskedToRead(HostOptions options) {
    ReplicaHostTest.Group g = new ReplicaHostTest.Group(options);
    int l = g.electLeader();
    g.request(l, 1, new KvOp.Put("a", "1"));
    g.deliverAll();
    for (int t = 0; t < 4; t++) {
      for (int n = 0; n < 3; n++) g.hosts[n].tick();
      g.deliverAll();
    }
    int f = (l + 1) % 3;
    assertEquals("1", g.sms[f].read("a"), "the follower applied the first write");
    g.cut[f] = true;
    g.request(l, 2, new KvOp.Put("a", "2"));
    g.deliverAll();
    assertInstanceOf(ClientReply.Result.class, g.last(l), "the second write is acknowledged");
    g.request(f, 3, new KvOp.Get("a"));
    return g.last(f);
  }

  @Test
  void staleReadsLetACutOffFollowerAnswerWithAValueOverwrittenBeforeTheReadBegan() {
    ClientReply r = cutOffFollowerIsAskedToRead(HostOptions.defaults().withSynchronousFlush(true).withUnsafe(true, false));
    assertEquals("1", KvCodec.decodeResult(assertInstanceOf(ClientReply.Result.class, r).result()).value(),
        "stale: '2' was acknowledged before the read began");
  }

  @Test
  void withTheDefaultsAFollowerSendsReadsToTheLeader() {
    ClientReply r = cutOffFollowerIsAskedToRead(HostOptions.defaults().withSynchronousFlush(true));
    assertInstanceOf(ClientReply.NotLeader.class, r);
  }

  /** A follower is handed the leader's append; returns the acks it sent before its flush completed. */
  private static long acksBeforeTheFlush(HostOptions options) {
    ReplicaHostTest.Group g = new ReplicaHostTest.Group(options);
    int leader = -1;
    for (int t = 0; t < 500 && leader < 0; t++) {
      for (int n = 0; n < 3; n++) g.hosts[n].tick();
      flushAll(g);
      for (int n = 0; n < 3; n++) if (g.hosts[n].isLeader()) leader = n;
    }
    assertTrue(leader >= 0);
    flushAll(g);
    int f = (leader + 1) % 3;
    g.request(leader, 1, new KvOp.Put("a", "1"));
    RaftMessage append = null;
    for (RaftMessage m : g.wire) if (m.to() == f && m instanceof RaftMessage.AppendEntries a && !a.entries().isEmpty()) append = m;
    g.wire.clear();
    g.hosts[f].onPeerMessage(append);
    assertTrue(g.hosts[f].awaitingFlush(), "the follower's flush is under way (a kill -9 now loses the entry)");
    return g.wire.stream().filter(m -> m.from() == f && m instanceof RaftMessage.AppendEntriesResponse).count();
  }

  private static void flushAll(ReplicaHostTest.Group g) {
    for (int round = 0; round < 50; round++) {
      boolean any = false;
      for (int n = 0; n < 3; n++) {
        if (g.hosts[n].awaitingFlush()) {
          g.completeFlush(n);
          any = true;
        }
      }
      g.deliverAll();
      if (!any && g.wire.isEmpty()) return;
    }
  }

  @Test
  void ackBeforeFsyncAcknowledgesAnEntryTheFollowerHasNotFlushed() {
    assertEquals(1, acksBeforeTheFlush(HostOptions.defaults().withUnsafe(false, true)));
  }

  @Test
  void withTheDefaultsTheAckWaitsForTheFlush() {
    assertEquals(0, acksBeforeTheFlush(HostOptions.defaults()));
  }
}
