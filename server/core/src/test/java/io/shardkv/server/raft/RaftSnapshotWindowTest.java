package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The snapshot's pipelining window (Raft paper §7 chunks, sent like thesis §10.2.2's pipelined
 * appends): how many chunks are in flight, how acknowledgements slide the window, and how losses,
 * gaps, restarts, leader changes and newer snapshots rewind it.
 */
class RaftSnapshotWindowTest {
  private static final int CHUNK = 8;

  /**
   * A leader (1) whose follower 3 missed {@code commands} entries now compacted into a snapshot;
   * the network is held so that each test delivers messages one by one.
   */
  private static InMemoryRaftCluster laggingFollower(int window, int commands) {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withSnapshotTransfer(CHUNK, window));
    c.electLeader(1);
    c.settle();
    c.isolated.add(3);
    for (int i = 0; i < commands; i++) c.propose(1, "command-" + i);
    c.settle();
    c.takeSnapshot(1);
    c.isolated.clear();
    c.hold = true;
    return c;
  }

  private static byte[] snapshotData(InMemoryRaftCluster c) {
    return c.storages.get(1).load().snapshotData();
  }

  /** Heartbeats until the leader has started sending its snapshot to 3 (chunks queued, none delivered). */
  private static void startTransfer(InMemoryRaftCluster c) {
    for (int t = 0; t < 20 && chunksQueued(c).isEmpty(); t++) {
      c.tick(1, 2, 3);
      while (chunksQueued(c).isEmpty() && c.deliverOne()) { }
    }
    assertTrue(!chunksQueued(c).isEmpty(), "the leader started sending its snapshot");
  }

  private static List<Long> chunksQueued(InMemoryRaftCluster c) {
    List<Long> offsets = new ArrayList<>();
    for (RaftMessage m : c.network) if (m instanceof RaftMessage.InstallSnapshot s) offsets.add(s.offset());
    return offsets;
  }

  /** Removes the first queued message matching {@code p} and delivers it (unless {@code lose}). */
  private static RaftMessage deliverFirst(InMemoryRaftCluster c, Predicate<RaftMessage> p, boolean lose) {
    for (Iterator<RaftMessage> it = c.network.iterator(); it.hasNext(); ) {
      RaftMessage m = it.next();
      if (p.test(m)) {
        it.remove();
        if (!lose) {
          c.nodes.get(m.to()).step(m);
          c.processReady(m.to());
        }
        return m;
      }
    }
    throw new AssertionError("no queued message matches; network: " + c.network);
  }

  private static Predicate<RaftMessage> chunkAt(long offset) {
    return m -> m instanceof RaftMessage.InstallSnapshot s && s.offset() == offset;
  }

  private static final Predicate<RaftMessage> CHUNK_ACK =
      m -> m instanceof RaftMessage.InstallSnapshotResponse r && !r.installed();

  private static List<Long> offsetsSent(InMemoryRaftCluster c) {
    return c.sentOf(RaftMessage.InstallSnapshot.class, 1, 3).stream().map(RaftMessage.InstallSnapshot::offset).toList();
  }

  private static void assertCaughtUp(InMemoryRaftCluster c, byte[] data) {
    c.hold = false;
    c.dropIf = m -> false;
    c.tickAll(40);
    assertArrayEquals(data, c.storages.get(3).load().snapshotData(), "follower 3 stored the leader's snapshot");
    assertEquals(c.machines.get(1), c.machines.get(3));
    assertEquals(c.node(1).commitIndex(), c.node(3).commitIndex());
  }

  @Test
  void theLeaderSendsAWindowOfChunksBeforeAnyIsAcknowledged() {
    InMemoryRaftCluster c = laggingFollower(3, 12);
    assertTrue(snapshotData(c).length > 6 * CHUNK, "the snapshot needs more chunks than the window");
    startTransfer(c);
    assertEquals(List.of(0L, 8L, 16L), chunksQueued(c), "three chunks in flight, consecutive, from offset 0");
  }

  @Test
  void eachAcknowledgementSlidesTheWindowByWhatItAcknowledges() {
    InMemoryRaftCluster c = laggingFollower(3, 12);
    startTransfer(c);
    deliverFirst(c, chunkAt(0), false);
    assertEquals(List.of(8L, 16L), chunksQueued(c), "no new chunk before the acknowledgement arrives");
    deliverFirst(c, CHUNK_ACK, false);
    assertEquals(List.of(8L, 16L, 24L), chunksQueued(c), "one chunk acknowledged: one more sent");
    // Acknowledgements are cumulative: losing one is made up by the next.
    deliverFirst(c, chunkAt(8), false);
    deliverFirst(c, chunkAt(16), false);
    deliverFirst(c, CHUNK_ACK, true);
    deliverFirst(c, CHUNK_ACK, false);
    assertEquals(List.of(24L, 32L, 40L), chunksQueued(c));
    assertCaughtUp(c, snapshotData(c));
    assertEquals(offsetsSent(c).size(), offsetsSent(c).stream().distinct().count(), "no chunk was sent twice");
  }

  @Test
  void windowOfOneIsStopAndWait() {
    InMemoryRaftCluster c = laggingFollower(1, 12);
    startTransfer(c);
    assertEquals(List.of(0L), chunksQueued(c));
    deliverFirst(c, chunkAt(0), false);
    deliverFirst(c, CHUNK_ACK, false);
    assertEquals(List.of(8L), chunksQueued(c));
    assertCaughtUp(c, snapshotData(c));
  }

  @Test
  void aLostChunkDrawsTheExpectedOffsetFromTheNextOneAndIsResentOnce() {
    InMemoryRaftCluster c = laggingFollower(4, 12);
    startTransfer(c);
    deliverFirst(c, chunkAt(0), true); // lost
    for (long off : List.of(8L, 16L, 24L)) deliverFirst(c, chunkAt(off), false);
    // Three answers "I expect offset 0"; only the first rewinds the window.
    for (int i = 0; i < 3; i++) deliverFirst(c, CHUNK_ACK, false);
    assertEquals(List.of(0L, 8L, 16L, 24L, 0L, 8L, 16L, 24L), offsetsSent(c), "the window resent once, from the gap");
    assertCaughtUp(c, snapshotData(c));
  }

  @Test
  void aLostLastChunkIsResentWhenHeartbeatsShowNoProgress() {
    InMemoryRaftCluster c = laggingFollower(8, 6);
    byte[] data = snapshotData(c);
    int chunks = (data.length + CHUNK - 1) / CHUNK;
    assertTrue(chunks <= 8, "the whole snapshot fits in the window: " + chunks + " chunks");
    startTransfer(c);
    long last = (long) (chunks - 1) * CHUNK;
    deliverFirst(c, chunkAt(last), true); // the tail is lost: nothing after it can reveal the gap
    c.hold = false;
    c.dropIf = m -> false;
    c.tickAll(c.configs.get(1).heartbeatTicks() * (HeartbeatResponseHandler.STALLED_HEARTBEATS - 1));
    assertEquals(chunks, offsetsSent(c).size(), "no resend while the stall is shorter than the bound");
    c.tickAll(c.configs.get(1).heartbeatTicks() * 2);
    assertEquals(chunks + 1, offsetsSent(c).size(), "then exactly the unacknowledged chunk is resent");
    assertEquals(last, offsetsSent(c).get(chunks));
    assertCaughtUp(c, data);
  }

  @Test
  void aFollowerThatRestartsMidTransferAnswersZeroAndTheLeaderStartsOver() {
    InMemoryRaftCluster c = laggingFollower(2, 12);
    startTransfer(c);
    deliverFirst(c, chunkAt(0), false);
    deliverFirst(c, CHUNK_ACK, false);
    deliverFirst(c, chunkAt(8), false);
    deliverFirst(c, CHUNK_ACK, false);
    RaftMessage next = deliverFirst(c, chunkAt(16), true); // taken off the wire, delivered after the restart
    c.crash(3); // the partial snapshot (16 bytes, in memory only) is gone
    c.restart(3);
    c.nodes.get(3).step(next);
    c.processReady(3);
    RaftMessage ack = deliverFirst(c, CHUNK_ACK, false);
    assertEquals(0, ((RaftMessage.InstallSnapshotResponse) ack).nextOffset(), "the restarted follower expects offset 0");
    assertTrue(chunksQueued(c).contains(0L), "the leader resends from 0: " + chunksQueued(c));
    assertCaughtUp(c, snapshotData(c));
  }

  @Test
  void aNewerSnapshotReplacesTheOneInTransfer() {
    InMemoryRaftCluster c = laggingFollower(2, 12);
    startTransfer(c);
    deliverFirst(c, chunkAt(0), false);
    long firstIndex = c.node(1).snapshotMeta().lastIndex();
    c.propose(1, "more"); // held: commits once delivered
    c.hold = false;
    c.dropIf = m -> m.to() == 3 || m.from() == 3;
    c.settle();
    c.takeSnapshot(1);
    long secondIndex = c.node(1).snapshotMeta().lastIndex();
    assertTrue(secondIndex > firstIndex);
    c.dropIf = m -> false;
    c.tickAll(40);
    assertEquals(secondIndex, c.node(3).snapshotMeta().lastIndex(), "follower 3 installed the newer snapshot");
    assertTrue(c.sentOf(RaftMessage.InstallSnapshot.class, 1, 3).stream()
        .anyMatch(s -> s.lastIndex() == secondIndex && s.offset() == 0), "the newer one was sent from offset 0");
    assertCaughtUp(c, snapshotData(c));
  }

  @Test
  void aStaleAcknowledgementBelowTheWindowRewindsButTheFollowersRealOffsetCatchesUp() {
    InMemoryRaftCluster c = laggingFollower(3, 12);
    startTransfer(c);
    deliverFirst(c, chunkAt(0), false);
    deliverFirst(c, chunkAt(8), false);
    RaftMessage first = c.network.stream().filter(CHUNK_ACK).findFirst().orElseThrow();
    c.network.remove(first);
    deliverFirst(c, CHUNK_ACK, false); // "16" arrives first
    c.nodes.get(1).step(first); // then the overtaken "8"
    c.processReady(1);
    assertCaughtUp(c, snapshotData(c));
  }

  @Test
  void chunkAcknowledgementsPromiseNothingDurableSoTheyLeaveBeforeTheFlush() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)),
        new PersistedState(new HardState(3, HardState.NO_VOTE), SnapshotMeta.NONE, new byte[0], List.of()), b -> 0, TraceSink.NONE);
    n.step(new RaftMessage.InstallSnapshot(2, 1, 3, 4, 2, 0, new byte[] {7, 7}, false));
    Ready rd = n.ready();
    assertEquals(List.of(new RaftMessage.InstallSnapshotResponse(1, 2, 3, 4, 2, false)), rd.messagesBeforePersist());
    assertEquals(List.of(), rd.messagesAfterPersist());
    n.advance(rd);
    n.step(new RaftMessage.InstallSnapshot(2, 1, 3, 4, 2, 2, new byte[] {8}, true));
    rd = n.ready();
    assertEquals(List.of(new RaftMessage.InstallSnapshotResponse(1, 2, 3, 4, 3, true)), rd.messagesAfterPersist(),
        "the installed answer waits until the snapshot is durable");
  }

  @Test
  void aNewLeadersChunksNeverContinueTheBytesOfTheOldLeadersSnapshot() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)),
        new PersistedState(new HardState(3, HardState.NO_VOTE), SnapshotMeta.NONE, new byte[0], List.of()), b -> 0, TraceSink.NONE);
    n.step(new RaftMessage.InstallSnapshot(2, 1, 3, 4, 2, 0, new byte[] {7, 7}, false));
    n.advance(n.ready());
    // The leader of term 4 holds a snapshot at the same index and term, possibly other bytes.
    n.step(new RaftMessage.InstallSnapshot(3, 1, 4, 4, 2, 2, new byte[] {8}, true));
    Ready rd = n.ready();
    assertEquals(List.of(new RaftMessage.InstallSnapshotResponse(1, 3, 4, 4, 0, false)), rd.messagesAfterPersist(),
        "start over at 0 (after the new term is durable)");
    n.advance(rd);
    n.step(new RaftMessage.InstallSnapshot(3, 1, 4, 4, 2, 0, new byte[] {9, 9, 9}, true));
    rd = n.ready();
    assertEquals(new Snapshot(new SnapshotMeta(4, 2), new byte[] {9, 9, 9}), rd.snapshotToPersist());
  }

  @Test
  void aDelayedChunkOfTheLeadersOlderSnapshotDoesNotDiscardTheNewerOneInProgress() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)),
        new PersistedState(new HardState(3, HardState.NO_VOTE), SnapshotMeta.NONE, new byte[0], List.of()), b -> 0, TraceSink.NONE);
    n.step(new RaftMessage.InstallSnapshot(2, 1, 3, 9, 3, 0, new byte[] {5, 5}, false));
    n.advance(n.ready());
    n.step(new RaftMessage.InstallSnapshot(2, 1, 3, 4, 2, 0, new byte[] {7, 7}, false)); // overtaken on the way
    Ready rd = n.ready();
    assertEquals(List.of(), rd.messagesBeforePersist());
    assertEquals(List.of(), rd.messagesAfterPersist());
    n.advance(rd);
    n.step(new RaftMessage.InstallSnapshot(2, 1, 3, 9, 3, 2, new byte[] {6}, true));
    rd = n.ready();
    assertEquals(new Snapshot(new SnapshotMeta(9, 3), new byte[] {5, 5, 6}), rd.snapshotToPersist());
  }

  @Test
  void leaderChangeMidTransferCompletesFromTheNewLeader() {
    InMemoryRaftCluster c = new InMemoryRaftCluster(3, cfg -> cfg.withSnapshotTransfer(CHUNK, 2));
    c.electLeader(1);
    c.settle();
    c.isolated.add(3);
    for (int i = 0; i < 12; i++) c.propose(1, "command-" + i);
    c.settle();
    for (int id = 1; id <= 2; id++) c.takeSnapshot(id);
    c.isolated.clear();
    int[] chunks = {0};
    c.dropIf = m -> m instanceof RaftMessage.InstallSnapshot && ++chunks[0] > 3; // a few chunks, then the leader is gone
    c.tickAll(6);
    assertTrue(chunks[0] > 3, "the transfer started");
    c.crash(1);
    c.dropIf = m -> false;
    int leader = c.electAmong(2, 3);
    assertEquals(2, leader, "3 lacks the log, so 2 wins");
    c.tickAll(40);
    assertEquals(c.machines.get(2), c.machines.get(3));
    assertArrayEquals(c.storages.get(2).load().snapshotData(), c.storages.get(3).load().snapshotData());
  }

  @Test
  void theWindowMustHoldAtLeastOneChunk() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RaftConfig.of(0, 1, List.of(1)).withSnapshotTransfer(1024, 0));
    assertTrue(e.getMessage().contains("maxInflightSnapshotChunks must be >= 1"), e.getMessage());
    assertEquals(RaftConfig.DEFAULT_MAX_INFLIGHT_SNAPSHOT_CHUNKS, RaftConfig.of(0, 1, List.of(1)).maxInflightSnapshotChunks());
  }
}
