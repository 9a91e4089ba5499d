package io.shardkv.server.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.kv.KvStateMachine;
import io.shardkv.server.raft.RaftConfig;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.TraceSink;
import io.shardkv.server.sim.SimDisk;
import io.shardkv.server.sim.SimRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replica host's contract, on three hosts of the unsharded KV service with a hand-driven network. */
class ReplicaHostTest {

  /** Three hosts; messages queue until {@link #deliverAll}; replies are collected per node. */
  static final class Group {
    final List<String> traceLines = new ArrayList<>(); // every node's Raft trace lines, when traced
    final SimDisk[] disks = new SimDisk[3];
    final ReplicaHost[] hosts = new ReplicaHost[3];
    final KvStateMachine[] sms = new KvStateMachine[3];
    final ArrayDeque<RaftMessage> wire = new ArrayDeque<>();
    final List<List<ClientReply>> replies = new ArrayList<>();
    final boolean[] cut = new boolean[3];
    final int[] flushRequests = new int[3];
    final RaftStorage.FlushBatch[] batches = new RaftStorage.FlushBatch[3];
    final int[] incarnations = new int[3];
    final SimRandom random = new SimRandom(7);
    final HostOptions options;
    /** Input coalescing ({@link ReplicaOutputs#deferReadyPass()}): hosts whose promised Ready pass is due. */
    boolean coalesce;
    final ArrayDeque<Integer> passesDue = new ArrayDeque<>();

    final boolean traced;

    Group(HostOptions options) {
      this(options, false);
    }

    Group(HostOptions options, boolean traced) {
      this.options = options;
      this.traced = traced;
      for (int n = 0; n < 3; n++) {
        disks[n] = new SimDisk("disk " + n);
        replies.add(new ArrayList<>());
        start(n);
      }
    }

    void start(int n) {
      sms[n] = new KvStateMachine();
      int node = n;
      ReplicaOutputs out = new ReplicaOutputs() {
        @Override public void sendPeer(RaftMessage m) { if (!cut[node] && !cut[m.to()]) wire.add(m); }
        @Override public void reply(ClientReply r) { replies.get(node).add(r); }
        @Override public void requestFlush(RaftStorage.FlushBatch batch) { flushRequests[node]++; batches[node] = batch; }
        @Override public boolean deferReadyPass() {
          if (coalesce) passesDue.add(node);
          return coalesce;
        }
      };
      SimRandom r = random.fork("n" + n + "/" + incarnations[n]++); // one stream per incarnation
      hosts[n] = new ReplicaHost(RaftConfig.of(1, n, List.of(0, 1, 2)), disks[n].open(), r::nextInt,
          traced ? traceLines::add : TraceSink.NONE, Services.kv(sms[n]), out, options, n);
    }

    /** The flush node {@code n} asked for completes: its batch is synced, then the host is told. */
    void completeFlush(int n) {
      RaftStorage.FlushBatch b = batches[n];
      batches[n] = null;
      b.sync();
      hosts[n].onStorageFlushed();
    }

    /** The end of an event-loop turn: every promised Ready pass runs. */
    void endTurn() {
      while (!passesDue.isEmpty()) hosts[passesDue.poll()].runReadyPass();
    }

    void deliverAll() {
      while (!wire.isEmpty()) {
        RaftMessage m = wire.poll();
        if (!cut[m.from()] && !cut[m.to()]) hosts[m.to()].onPeerMessage(m);
      }
    }

    int electLeader() {
      for (int t = 0; t < 500; t++) {
        for (int n = 0; n < 3; n++) if (!cut[n]) hosts[n].tick();
        deliverAll();
        for (int n = 0; n < 3; n++) if (!cut[n] && hosts[n].isLeader()) return n;
      }
      throw new AssertionError("no leader");
    }

    void request(int n, long id, KvOp op) {
      hosts[n].onClientRequest(id, KvCodec.encodeCommand(new KvCommand(42, id, op)));
    }

    ClientReply last(int n) {
      List<ClientReply> l = replies.get(n);
      return l.isEmpty() ? null : l.get(l.size() - 1);
    }
  }

  private static HostOptions sync() {
    return HostOptions.defaults().withSynchronousFlush(true);
  }

  private static KvResult result(ClientReply r) {
    return KvCodec.decodeResult(assertInstanceOf(ClientReply.Result.class, r).result());
  }

  @Test
  void proposalIsSentToFollowersInTheSameCallAndCommitsWithoutATick() {
    Group g = new Group(sync());
    int l = g.electLeader();
    g.deliverAll();
    g.request(l, 1, new KvOp.Put("a", "1"));
    assertTrue(g.wire.stream().anyMatch(m -> m instanceof RaftMessage.AppendEntries a && !a.entries().isEmpty()),
        "AppendEntries with the entry went out before any tick");
    g.deliverAll(); // no tick in between
    assertEquals(Status.OK, result(g.last(l)).status());
  }

  /**
   * A host given a trace sink (a server with {@code trace = true}) gets its Raft node's trace lines:
   * elections, the durable mark, commit advances — what the chaos suite's counterexample links to.
   * A host given {@link TraceSink#NONE} builds none.
   */
  @Test
  void hostsWithATraceSinkGetTheirRaftTraceLines() {
    Group g = new Group(sync(), true);
    int l = g.electLeader();
    g.request(l, 1, new KvOp.Put("a", "1"));
    g.deliverAll();
    for (int t = 0; t < 5; t++) {
      for (int n = 0; n < 3; n++) g.hosts[n].tick();
      g.deliverAll();
    }
    assertEquals(Status.OK, result(g.last(l)).status());
    long index = g.hosts[l].raft().lastIndex();
    assertTrue(g.traceLines.stream().allMatch(x -> x.matches("t=\\d+ g1-n[012] .* \\| .*")), "trace lines of group 1: " + g.traceLines);
    assertTrue(g.traceLines.stream().anyMatch(x -> x.contains(" g1-n" + l + " ") && x.contains("| became LEADER for term ")),
        "the leader's election: " + g.traceLines);
    assertTrue(g.traceLines.stream().anyMatch(x -> x.matches(".*\\| durable up to \\d+/" + index)), "the entry persisted: " + g.traceLines);
    assertTrue(g.traceLines.stream().anyMatch(x -> x.matches(".*\\| commit \\d+ -> " + index)), "the entry committed: " + g.traceLines);
  }

  @Test
  void followerAnswersNotLeaderWithTheLeaderAsHint() {
    Group g = new Group(sync());
    int l = g.electLeader();
    int f = (l + 1) % 3;
    g.request(f, 1, new KvOp.Put("a", "1"));
    ClientReply r = g.last(f);
    assertEquals(l, assertInstanceOf(ClientReply.NotLeader.class, r).leaderHint());
  }

  @Test
  void readIsConfirmedByReadIndexAndAppendsNothing() {
    Group g = new Group(sync());
    int l = g.electLeader();
    g.request(l, 1, new KvOp.Put("a", "1"));
    g.deliverAll();
    long last = g.hosts[l].raft().lastIndex();
    g.request(l, 2, new KvOp.Get("a"));
    g.deliverAll();
    g.hosts[l].tick();
    g.deliverAll();
    assertEquals("1", result(g.last(l)).value());
    assertEquals(last, g.hosts[l].raft().lastIndex());
  }

  /**
   * Issue 13: a ReadIndex read depends only on the leadership confirmation and the applied index,
   * not on a flush of unrelated new entries. With a write's flush in flight on every node (never
   * completed here), the read of a key written earlier is answered; the write is not.
   */
  @Test
  void aReadIsAnsweredWhileTheFlushesOfAnUnrelatedWriteAreInFlight() {
    Group g = new Group(HostOptions.defaults());
    int l = -1;
    for (int t = 0; t < 500 && l < 0; t++) {
      for (int n = 0; n < 3; n++) g.hosts[n].tick();
      flushAll(g);
      for (int n = 0; n < 3; n++) if (g.hosts[n].isLeader()) l = n;
    }
    assertTrue(l >= 0);
    g.request(l, 1, new KvOp.Put("a", "1"));
    flushAll(g);
    assertEquals(Status.OK, result(g.last(l)).status());

    g.request(l, 2, new KvOp.Put("b", "2"));
    g.request(l, 3, new KvOp.Get("a"));
    for (int round = 0; round < 5; round++) g.deliverAll(); // messages flow, no flush completes
    assertTrue(g.hosts[l].awaitingFlush(), "the leader's flush of the write is in flight");
    ClientReply read = g.last(l);
    assertEquals(3, read.requestId(), "the read was answered; the write (request 2) was not");
    assertEquals("1", result(read).value());
    assertTrue(g.replies.get(l).stream().noneMatch(r -> r.requestId() == 2), "the write waits for its flush");

    flushAll(g);
    assertEquals(Status.OK, result(g.last(l)).status());
    assertEquals(2, g.last(l).requestId(), "the write is answered once committed and durable");
  }

  @Test
  void leaderThatLosesLeadershipAnswersIndeterminateForItsUncommittedProposal() {
    Group g = new Group(sync());
    int l = g.electLeader();
    g.cut[l] = true; // isolated: its proposal reaches nobody
    g.request(l, 1, new KvOp.Put("a", "lost?"));
    assertEquals(0, g.replies.get(l).size());
    g.electLeader(); // the other two elect a new leader
    g.cut[l] = false;
    for (int t = 0; t < 50 && g.replies.get(l).isEmpty(); t++) {
      for (int n = 0; n < 3; n++) g.hosts[n].tick();
      g.deliverAll();
    }
    assertInstanceOf(ClientReply.Indeterminate.class, g.last(l));
    assertFalse(g.hosts[l].isLeader());
  }

  @Test
  void undecodableRequestGetsBadRequestAtOnce() {
    Group g = new Group(sync());
    int l = g.electLeader();
    g.hosts[l].onClientRequest(9, new byte[] {1, 99, 0});
    assertEquals(Status.BAD_REQUEST, result(g.last(l)).status());
  }

  @Test
  void snapshotIsTakenPastTheThresholdAndARestartRestoresFromIt() {
    Group g = new Group(sync().withSnapshotThresholdBytes(300));
    int l = g.electLeader();
    for (int i = 0; i < 30; i++) {
      g.request(l, 100 + i, new KvOp.Append("s", "v" + i + ";"));
      g.deliverAll();
    }
    assertTrue(g.hosts[l].snapshotsTaken() > 0, "snapshot taken");
    assertTrue(g.hosts[l].raft().snapshotMeta().lastIndex() > 0, "log compacted");
    String expected = g.sms[l].read("s");
    g.disks[l].crash(new SimRandom(1));
    g.start(l);
    assertEquals(1, g.hosts[l].snapshotsRestored());
    assertTrue(g.sms[l].read("s") != null && expected.startsWith(g.sms[l].read("s")),
        "restored state is a prefix of the applied one: " + g.sms[l].read("s"));
  }

  @Test
  void withAsynchronousFlushAcksWaitForTheFlushAndInputsQueue() {
    Group g = new Group(HostOptions.defaults());
    // Elect with flushes completed promptly.
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
    // Deliver only the leader's append to f: f must write, ask for a flush and not ack yet.
    RaftMessage append = null;
    for (RaftMessage m : g.wire) if (m.to() == f && m instanceof RaftMessage.AppendEntries a && !a.entries().isEmpty()) append = m;
    g.wire.clear();
    if (g.hosts[leader].awaitingFlush()) g.completeFlush(leader);
    int before = g.flushRequests[f];
    g.hosts[f].onPeerMessage(append);
    assertEquals(before + 1, g.flushRequests[f]);
    assertTrue(g.hosts[f].awaitingFlush());
    assertTrue(g.wire.stream().noneMatch(m -> m.from() == f), "no ack before the flush");
    g.hosts[f].tick(); // runs at once: inputs are not held by a flush in flight
    assertTrue(g.wire.stream().noneMatch(m -> m.from() == f && m instanceof RaftMessage.AppendEntriesResponse),
        "still no ack: the flush covering the entry has not completed");
    g.completeFlush(f);
    assertTrue(g.wire.stream().anyMatch(m -> m.from() == f && m instanceof RaftMessage.AppendEntriesResponse),
        "ack after the flush");
  }

  @Test
  void readsAdmittedInOneTurnShareOneHeartbeatRound() {
    Group g = new Group(sync());
    int l = g.electLeader();
    g.request(l, 1, new KvOp.Put("a", "1"));
    flushAll(g);
    g.coalesce = true;
    for (long id = 2; id <= 6; id++) g.request(l, id, new KvOp.Get("a"));
    assertTrue(g.wire.isEmpty(), "nothing leaves before the turn ends");
    g.endTurn();
    long heartbeats = g.wire.stream().filter(m -> m instanceof RaftMessage.Heartbeat).count();
    assertEquals(2, heartbeats, "one ReadIndex round (one heartbeat per follower) for five reads (thesis §6.4)");
    for (int turn = 0; turn < 10 && g.replies.get(l).size() < 6; turn++) {
      g.deliverAll();
      g.endTurn();
    }
    assertEquals(6, g.replies.get(l).size());
    for (int i = 1; i < 6; i++) assertEquals("1", result(g.replies.get(l).get(i)).value());
  }

  @Test
  void proposalsAdmittedInOneTurnLeaveInOneAppendPerFollowerAndAllCommit() {
    Group g = new Group(sync());
    int l = g.electLeader();
    flushAll(g);
    g.coalesce = true;
    for (long id = 1; id <= 4; id++) g.request(l, id, new KvOp.Put("k" + id, "v" + id));
    g.endTurn();
    List<RaftMessage.AppendEntries> appends = g.wire.stream()
        .filter(m -> m instanceof RaftMessage.AppendEntries a && !a.entries().isEmpty())
        .map(m -> (RaftMessage.AppendEntries) m).toList();
    assertEquals(2, appends.size(), "one AppendEntries per follower");
    assertTrue(appends.stream().allMatch(a -> a.entries().size() == 4), "carrying the four entries");
    for (int turn = 0; turn < 10 && g.replies.get(l).size() < 4; turn++) {
      g.deliverAll();
      g.endTurn();
    }
    assertEquals(4, g.replies.get(l).size());
    for (ClientReply r : g.replies.get(l)) assertEquals(Status.OK, result(r).status());
  }

  @Test
  void withoutCoalescingEveryReadStartsItsOwnRound() {
    // The control for readsAdmittedInOneTurnShareOneHeartbeatRound: the difference is the deferral.
    Group g = new Group(sync());
    int l = g.electLeader();
    g.request(l, 1, new KvOp.Put("a", "1"));
    flushAll(g);
    for (long id = 2; id <= 6; id++) g.request(l, id, new KvOp.Get("a"));
    assertEquals(10, g.wire.stream().filter(m -> m instanceof RaftMessage.Heartbeat).count());
  }

  private static void flushAll(Group g) {
    for (int round = 0; round < 100; round++) {
      boolean any = false;
      while (!g.wire.isEmpty()) {
        RaftMessage m = g.wire.poll();
        g.hosts[m.to()].onPeerMessage(m);
        any = true;
      }
      for (int n = 0; n < 3; n++) {
        if (g.hosts[n].awaitingFlush()) {
          g.completeFlush(n);
          any = true;
        }
      }
      if (!any) return;
    }
  }
}
