package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftMessageValidationTest {

  private final List<String> trace = new ArrayList<>();

  private RaftNode follower() {
    RaftNode n = new RaftNode(RaftConfig.of(0, 1, List.of(1, 2, 3)), PersistedState.EMPTY, b -> 0, trace::add);
    n.setTraceEnabled(true);
    return n;
  }

  private static LogEntry e(long index, long term) {
    return new LogEntry(index, term, EntryKind.COMMAND, new byte[] {1});
  }

  @Test
  void impossibleMessagesAreDroppedWithATraceLineAndChangeNothing() {
    List<RaftMessage> bad = List.of(
        new RaftMessage.AppendEntries(-9, 1, 1, 0, 0, List.of(), 0),                // impossible sender id
        new RaftMessage.AppendEntries(2, 1, 1, 0, 0,                                // config entry that is no membership
            List.of(new LogEntry(1, 1, EntryKind.CONFIG, new byte[] {9, 9})), 0),
        new RaftMessage.AppendEntries(2, 3, 1, 0, 0, List.of(), 0),                 // not for us
        new RaftMessage.AppendEntries(1, 1, 1, 0, 0, List.of(), 0),                 // from ourselves
        new RaftMessage.AppendEntries(2, 1, 0, 0, 0, List.of(), 0),                 // term 0
        new RaftMessage.AppendEntries(2, 1, 1, -1, 0, List.of(), 0),                // negative index
        new RaftMessage.AppendEntries(2, 1, 1, 0, 0, List.of(e(2, 1)), 0),          // gap
        new RaftMessage.AppendEntries(2, 1, 1, 0, 0, List.of(e(1, 2)), 0),          // entry term > msg term
        new RaftMessage.AppendEntries(2, 1, 2, 0, 0, List.of(e(1, 2), e(2, 1)), 0), // decreasing terms
        new RaftMessage.AppendEntries(2, 1, 2, 3, 0, List.of(), 0),                 // index without term
        new RaftMessage.RequestVote(2, 1, 1, 5, 7, false, false),                   // last term > term
        new RaftMessage.AppendEntriesResponse(2, 1, 1, false, 0, 0, 0, 0),          // rejected index 0
        new RaftMessage.AppendEntriesResponse(2, 1, 1, false, 0, 3, 1, 9),          // hint beyond
        new RaftMessage.InstallSnapshot(2, 1, 1, 0, 0, 0, new byte[0], true),       // snapshot at 0
        new RaftMessage.InstallSnapshot(2, 1, 1, 5, 1, -3, new byte[0], true),      // negative offset
        new RaftMessage.Heartbeat(2, 1, 1, -1, 0));                                 // negative commit
    RaftNode n = follower();
    for (RaftMessage m : bad) {
      int before = trace.size();
      n.step(m);
      assertEquals(before + 1, trace.size(), "one trace line for " + m);
      assertTrue(trace.get(before).contains("<<< drop invalid message"), trace.get(before));
    }
    assertEquals(0, n.term());
    assertEquals(0, n.lastIndex());
    assertEquals(RaftNode.NO_LEADER, n.leaderId());
    assertTrue(!n.hasReady(), "no output at all");
  }

  @Test
  void theDropTraceSaysWhatWasWrong() {
    RaftNode n = follower();
    n.step(new RaftMessage.AppendEntries(2, 3, 1, 0, 0, List.of(), 0));
    assertTrue(trace.get(0).contains("addressed to node 3, not to this node"), trace.get(0));
    assertTrue(trace.get(0).startsWith("t=0 g0-n1 term=0 FOLLOWER commit=0 last=0/0 snap=0/0 len=0 next=[] applied=0 | "),
        trace.get(0));
  }

  /**
   * Raft thesis §4.1: "servers process incoming RPC requests without consulting their current
   * configurations" — a leader of a later configuration (here node 9, added after this node's
   * latest config entry) is followed, not dropped.
   */
  @Test
  void aMessageFromAServerOutsideTheConfigurationIsProcessed() {
    RaftNode n = follower();
    n.step(new RaftMessage.AppendEntries(9, 1, 1, 0, 0, List.of(e(1, 1)), 0));
    assertEquals(9, n.leaderId());
    assertEquals(1, n.lastIndex());
    assertTrue(trace.stream().noneMatch(l -> l.contains("drop")), trace.toString());
  }

  @Test
  void messagesCompareByValueIncludingByteArrays() {
    RaftMessage a = new RaftMessage.InstallSnapshot(1, 2, 3, 4, 1, 0, new byte[] {1, 2}, false);
    RaftMessage b = new RaftMessage.InstallSnapshot(1, 2, 3, 4, 1, 0, new byte[] {1, 2}, false);
    RaftMessage d = new RaftMessage.InstallSnapshot(1, 2, 3, 4, 1, 0, new byte[] {1, 3}, false);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, d);
    RaftMessage x = new RaftMessage.AppendEntries(1, 2, 1, 0, 0, List.of(new LogEntry(1, 1, EntryKind.COMMAND, new byte[] {7})), 0);
    RaftMessage y = new RaftMessage.AppendEntries(1, 2, 1, 0, 0, List.of(new LogEntry(1, 1, EntryKind.COMMAND, new byte[] {7})), 0);
    assertEquals(x, y);
    assertEquals(x.hashCode(), y.hashCode());
    assertEquals(new Snapshot(SnapshotMeta.NONE, new byte[] {1}), new Snapshot(SnapshotMeta.NONE, new byte[] {1}));
  }

  @Test
  void inputsBetweenReadyAndAdvanceAreRefused() {
    RaftNode n = follower();
    n.step(new RaftMessage.Heartbeat(2, 1, 1, 0, 0));
    Ready rd = n.ready();
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, n::tick);
    assertTrue(e.getMessage().contains("between ready() and advance()"), e.getMessage());
    n.advance(rd);
    n.tick();
  }

  @Test
  void invalidConfigurationIsRejectedWithAClearMessage() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RaftConfig.of(0, 4, List.of(1, 2, 3)));
    assertEquals("members [1, 2, 3] must include nodeId 4", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RaftConfig.of(0, 1, List.of(1, 2)).withElectionTimeout(5, 5));
    assertTrue(e.getMessage().contains("electionTimeoutMaxTicks (5) must exceed electionTimeoutMinTicks (5)"));
  }
}
