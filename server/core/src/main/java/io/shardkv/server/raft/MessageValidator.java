package io.shardkv.server.raft;

import java.util.List;

/**
 * Rejects messages no correct peer can send (wrong receiver, unknown sender, impossible indices or
 * terms). The node drops them with a trace line instead of letting them corrupt its state.
 */
final class MessageValidator {
  private MessageValidator() { }

  /** Returns why {@code m} is invalid for the node configured by {@code config}, or null if valid. */
  static String problem(RaftConfig config, RaftMessage m) {
    if (m == null) return "null message";
    if (m.to() != config.nodeId()) return "addressed to node " + m.to() + ", not to this node";
    if (m.from() == config.nodeId()) return "claims to come from this node itself";
    // No membership check on the sender (Raft thesis §4.1: "servers process incoming RPC requests
    // without consulting their current configurations"): a new server must accept a leader it does
    // not know of yet, and a lagging one a voter added after its latest config entry.
    if (m.from() < 0) return "sender id " + m.from() + " < 0";
    if (m.term() < 1) return "term " + m.term() + " < 1";
    if (m instanceof RaftMessage.RequestVote v) {
      return logPosition("last log", v.lastLogIndex(), v.lastLogTerm(), v.term());
    } else if (m instanceof RaftMessage.AppendEntries a) {
      String p = logPosition("prev log", a.prevLogIndex(), a.prevLogTerm(), a.term());
      if (p != null) return p;
      if (a.leaderCommit() < 0) return "negative leaderCommit " + a.leaderCommit();
      return entries(a.entries(), a.prevLogIndex(), a.prevLogTerm(), a.term());
    } else if (m instanceof RaftMessage.AppendEntriesResponse r) {
      if (r.success()) return r.matchIndex() < 0 ? "negative matchIndex " + r.matchIndex() : null;
      if (r.rejectedIndex() < 1) return "rejectedIndex " + r.rejectedIndex() + " < 1 (index 0 always matches)";
      if (r.conflictTerm() < 0) return "negative conflictTerm " + r.conflictTerm();
      if (r.conflictIndex() < 1 || r.conflictIndex() > r.rejectedIndex()) {
        return "conflictIndex " + r.conflictIndex() + " outside [1, rejectedIndex " + r.rejectedIndex() + "]";
      }
      return null;
    } else if (m instanceof RaftMessage.Heartbeat h) {
      if (h.commit() < 0) return "negative commit " + h.commit();
      return h.readContext() < 0 ? "negative readContext " + h.readContext() : null;
    } else if (m instanceof RaftMessage.HeartbeatResponse h) {
      return h.readContext() < 0 ? "negative readContext " + h.readContext() : null;
    } else if (m instanceof RaftMessage.InstallSnapshot s) {
      if (s.lastIndex() < 1 || s.lastTerm() < 1) return "snapshot at " + s.lastTerm() + "/" + s.lastIndex() + " must have index and term >= 1";
      if (s.lastTerm() > s.term()) return "snapshot term " + s.lastTerm() + " above message term " + s.term();
      return s.offset() < 0 ? "negative offset " + s.offset() : null;
    } else if (m instanceof RaftMessage.InstallSnapshotResponse s) {
      if (s.lastIndex() < 1) return "snapshot index " + s.lastIndex() + " < 1";
      return s.nextOffset() < 0 ? "negative nextOffset " + s.nextOffset() : null;
    }
    return null;
  }

  private static String logPosition(String what, long index, long term, long msgTerm) {
    if (index < 0 || term < 0) return what + " " + term + "/" + index + " is negative";
    if ((index == 0) != (term == 0)) return what + " " + term + "/" + index + ": index and term must both be 0 or both >= 1";
    if (term > msgTerm) return what + " term " + term + " above message term " + msgTerm;
    return null;
  }

  private static String entries(List<LogEntry> entries, long prevIndex, long prevTerm, long msgTerm) {
    long expect = prevIndex + 1;
    long lastTerm = prevTerm;
    for (LogEntry e : entries) {
      if (e.index() != expect) return "entries not contiguous after prev index " + prevIndex + ": found " + e;
      if (e.term() < lastTerm) return "entry terms decrease at " + e;
      if (e.term() > msgTerm) return "entry " + e + " has a term above the message term " + msgTerm;
      if (e.kind() == EntryKind.CONFIG) {
        try {
          Membership.decode(e.data());
        } catch (IllegalArgumentException bad) {
          return "config entry " + e + " does not hold a membership: " + bad.getMessage();
        }
      }
      lastTerm = e.term();
      expect++;
    }
    return null;
  }
}
