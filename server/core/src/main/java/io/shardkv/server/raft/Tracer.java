package io.shardkv.server.raft;

import java.util.function.Supplier;

/** Builds trace lines in the format documented on {@link TraceSink}; only when enabled. */
final class Tracer {
  private final RaftNode node;
  private final TraceSink sink;
  private boolean enabled;
  private long time;

  Tracer(RaftNode node, TraceSink sink) {
    this.node = node;
    this.sink = sink;
  }

  void setEnabled(boolean on) { enabled = on; }
  void setTime(long now) { time = now; }
  boolean enabled() { return enabled; }

  void trace(Supplier<String> body) {
    if (!enabled) return;
    sink.line(header() + " | " + body.get());
  }

  void sending(RaftMessage m) {
    if (!enabled) return;
    sink.line(header() + " | >>> sending " + describe(m));
  }

  private String header() {
    RaftLog log = node.log;
    StringBuilder sb = new StringBuilder(160);
    sb.append("t=").append(time)
        .append(" g").append(node.config.groupId()).append("-n").append(node.config.nodeId())
        .append(" term=").append(node.term)
        .append(' ').append(node.role)
        .append(" commit=").append(log.commit())
        .append(" last=").append(log.lastTerm()).append('/').append(log.lastIndex())
        .append(" snap=").append(log.snapshot().lastTerm()).append('/').append(log.snapshot().lastIndex())
        .append(" len=").append(log.inMemoryLength())
        .append(" next=[");
    boolean first = true;
    for (Progress pr : node.progress.values()) {
      if (!first) sb.append(',');
      sb.append(pr.peer).append(':').append(pr.next);
      first = false;
    }
    sb.append("] applied=").append(log.applied());
    return sb.toString();
  }

  static String describe(RaftMessage m) {
    if (m instanceof RaftMessage.AppendEntries a) {
      return "append[to=" + a.to() + " prev=" + a.prevLogTerm() + "/" + a.prevLogIndex()
          + " n=" + a.entries().size() + " commit=" + a.leaderCommit() + "]";
    } else if (m instanceof RaftMessage.AppendEntriesResponse r) {
      return r.success()
          ? "ack[to=" + r.to() + " ok=true match=" + r.matchIndex() + "]"
          : "ack[to=" + r.to() + " ok=false rejected=" + r.rejectedIndex() + " hint=" + r.conflictTerm()
              + "/" + r.conflictIndex() + "]";
    } else if (m instanceof RaftMessage.RequestVote v) {
      return "req[to=" + v.to() + " term=" + v.term() + " pre=" + v.preVote() + " lastLog="
          + v.lastLogTerm() + "/" + v.lastLogIndex() + (v.leadershipTransfer() ? " transfer" : "") + "]";
    } else if (m instanceof RaftMessage.RequestVoteResponse v) {
      return "vote[to=" + v.to() + " term=" + v.term() + " pre=" + v.preVote() + " granted=" + v.granted() + "]";
    } else if (m instanceof RaftMessage.Heartbeat h) {
      return "heartbeat[to=" + h.to() + " commit=" + h.commit() + " ctx=" + h.readContext() + "]";
    } else if (m instanceof RaftMessage.HeartbeatResponse h) {
      return "heartbeat-ack[to=" + h.to() + " ctx=" + h.readContext() + "]";
    } else if (m instanceof RaftMessage.InstallSnapshot s) {
      return "snap[to=" + s.to() + " at=" + s.lastTerm() + "/" + s.lastIndex() + " off=" + s.offset()
          + " len=" + s.data().length + " done=" + s.done() + "]";
    } else if (m instanceof RaftMessage.InstallSnapshotResponse s) {
      return "snap-ack[to=" + s.to() + " at=" + s.lastIndex() + " next=" + s.nextOffset()
          + " installed=" + s.installed() + "]";
    } else if (m instanceof RaftMessage.TimeoutNow t) {
      return "timeout-now[to=" + t.to() + "]";
    }
    return String.valueOf(m);
  }
}
