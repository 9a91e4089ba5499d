package io.shardkv.server.raft;

import java.util.Arrays;
import java.util.List;

/**
 * Leader-side sending: batched, pipelined AppendEntries (Raft paper §5.3, thesis §10.2),
 * heartbeats, snapshot chunks (§7), the commit rule (§5.4.2) and the TimeoutNow of a transfer.
 */
final class Replicator {
  private Replicator() { }

  /**
   * Sends {@code pr} as many appends as its flow control allows: one in PROBE, up to the window in
   * REPLICATE; a snapshot chunk when the entries it needs were compacted. With {@code allowEmpty}
   * an empty append is sent if nothing else was (to carry a new commit index).
   */
  static void sendAppends(RaftNode n, Progress pr, boolean allowEmpty) {
    boolean sentAny = false;
    while (!pr.paused(n.config.maxInflightAppends())) {
      long prev = pr.next - 1;
      long prevTerm = n.log.term(prev);
      if (pr.next < n.log.firstIndex() || prevTerm < 0) {
        // §7: "the leader must occasionally send snapshots to followers that lag behind" — the
        // entry before nextIndex has been discarded.
        startSnapshot(n, pr);
        return;
      }
      List<LogEntry> batch = pr.next <= n.log.lastIndex()
          ? n.log.slice(pr.next, n.config.maxEntriesPerAppend(), n.config.maxBytesPerAppend())
          : List.of();
      if (batch.isEmpty() && pr.state == Progress.State.REPLICATE) {
        // Nothing new: only carry a new commit index when asked to. It follows the appends in
        // flight (prev = nextIndex - 1), so on an in-order link the follower can commit all of
        // them; if it overtakes them the follower rejects it and the leader re-probes.
        if (!sentAny && allowEmpty) {
          n.send(new RaftMessage.AppendEntries(n.id0(), pr.peer, n.term, prev, prevTerm, batch, n.log.commit()));
          pr.appendSentSinceHeartbeat = true;
        }
        return;
      }
      // In PROBE an empty append still asks where the follower's log matches.
      n.send(new RaftMessage.AppendEntries(n.id0(), pr.peer, n.term, prev, prevTerm, batch, n.log.commit()));
      pr.appendSentSinceHeartbeat = true;
      sentAny = true;
      if (pr.state == Progress.State.PROBE) {
        pr.probeSent = true;
      } else {
        // Thesis §10.2.2 pipelining: optimistically advance nextIndex; a rejection resets it.
        long last = batch.get(batch.size() - 1).index();
        pr.next = last + 1;
        pr.inflight.addLast(last);
      }
    }
  }

  static void broadcastAppends(RaftNode n, boolean allowEmpty) {
    for (Progress pr : n.progress.values()) sendAppends(n, pr, allowEmpty);
  }

  /**
   * §5.2: "leaders send periodic heartbeats ... to maintain their authority". The commit index sent
   * is capped at what the follower is known to hold; the read context confirms ReadIndex rounds.
   */
  static void broadcastHeartbeats(RaftNode n) {
    broadcastHeartbeats(n, false);
  }

  /**
   * A periodic round ({@code periodic}, from the tick) skips a follower that is streamed appends
   * (REPLICATE), was sent one since the last periodic round and answered since: the appends carry
   * the commit index and reset its election timer, and its answers keep it active for CheckQuorum
   * (thesis §6.2) — what the heartbeat would do. Not while a ReadIndex round awaits confirmation
   * (heartbeats carry its context, and a periodic round re-asks a lost one), and never in a round
   * started for reads. Under load this saves a heartbeat and its answer per follower and period
   * for every group (issue 13: a server hosting several group leaders sends them all); an idle
   * group heartbeats as before. A follower whose answers stop (a stalled disk holds its append
   * acks) gets heartbeats again from the next round, and answers those at once.
   */
  static void broadcastHeartbeats(RaftNode n, boolean periodic) {
    boolean readsPending = n.reads.hasRounds();
    for (Progress pr : n.progress.values()) {
      boolean skip = periodic && !readsPending && pr.state == Progress.State.REPLICATE
          && pr.appendSentSinceHeartbeat && pr.heardSinceHeartbeat;
      if (periodic) {
        pr.appendSentSinceHeartbeat = false;
        pr.heardSinceHeartbeat = false;
      }
      // Counted per round, sent or skipped: the stall check (HeartbeatResponseHandler) keeps its cadence.
      if (pr.match < n.log.lastIndex()) pr.heartbeatsWithoutProgress++;
      if (skip) continue;
      n.send(new RaftMessage.Heartbeat(n.id0(), pr.peer, n.term, Math.min(pr.match, n.log.commit()),
          n.reads.latestContext()));
    }
  }

  static void startSnapshot(RaftNode n, Progress pr) {
    SnapshotMeta snap = n.log.snapshot();
    pr.becomeSnapshot(snap.lastIndex(), snap.lastTerm());
    n.tracer.trace(() -> "follower " + pr.peer + " needs compacted entries; sending snapshot "
        + snap.lastTerm() + "/" + snap.lastIndex());
    sendSnapshotChunks(n, pr);
  }

  /**
   * Sends the next chunks while the window allows (§7, Fig. 13: "send chunks of the snapshot ...
   * each chunk at offset"; pipelined like appends, thesis §10.2.2): consecutive byte ranges from
   * {@code snapshotSentOffset}, at most {@code maxInflightSnapshotChunks} unacknowledged, the one
   * that reaches the end marked {@code done}. The follower accepts only the chunk at the offset it
   * expects; the response handler and the heartbeat stall check rewind the window (go-back-N).
   */
  static void sendSnapshotChunks(RaftNode n, Progress pr) {
    if (pr.state != Progress.State.SNAPSHOT) return;
    SnapshotMeta snap = n.log.snapshot();
    if (pr.snapshotIndex != snap.lastIndex()) {
      // A newer snapshot replaced the one being sent; the entries between the two are compacted,
      // so the old one would only lead to this one: start over with it.
      n.tracer.trace(() -> "snapshot " + snap.lastTerm() + "/" + snap.lastIndex() + " replaces "
          + pr.snapshotTerm + "/" + pr.snapshotIndex + " in transfer to " + pr.peer);
      pr.becomeSnapshot(snap.lastIndex(), snap.lastTerm());
    }
    byte[] data = n.log.snapshotData();
    while (pr.snapshotWindowOpen(n.config.maxInflightSnapshotChunks())) {
      int offset = (int) Math.min(pr.snapshotSentOffset, data.length);
      int len = Math.min(n.config.snapshotChunkBytes(), data.length - offset);
      boolean done = offset + len == data.length;
      n.send(new RaftMessage.InstallSnapshot(n.id0(), pr.peer, n.term, snap.lastIndex(), snap.lastTerm(),
          offset, Arrays.copyOfRange(data, offset, offset + len), done, snap.membership()));
      pr.snapshotChunkSent(offset + len, done);
    }
  }

  /**
   * §5.3/§5.4.2: "if there exists an N such that N > commitIndex, a majority of matchIndex[i] >= N,
   * and log[N].term == currentTerm: set commitIndex = N" (Fig. 2). Only current-term entries are
   * committed by counting replicas (Fig. 8). The leader's own match is its durable last index.
   */
  static boolean maybeCommit(RaftNode n) {
    // UNSAFE (RaftConfig.Unsafe#commitOnMinority): the leader's own match counted twice, so a
    // minority (in a group of three: the leader alone) commits. Exposed by partitions.
    boolean twice = n.config.unsafe().commitOnMinority();
    // Thesis §4.1/§4.2.1: a majority of the voters of the current configuration; learners never
    // count, and a leader that removed itself does not count itself (§4.2.2).
    Membership m = n.membership();
    long[] matches = new long[m.voters().size() + (twice ? 1 : 0)];
    int i = 0;
    if (m.isVoter(n.id0())) matches[i++] = n.log.stableIndex();
    if (twice) matches[i++] = n.log.stableIndex();
    for (Progress pr : n.progress.values()) if (m.isVoter(pr.peer)) matches[i++] = pr.match;
    if (i < matches.length) matches = Arrays.copyOf(matches, i); // a voter without progress: none yet
    Arrays.sort(matches);
    if (matches.length < m.quorum()) return false;
    long candidate = matches[matches.length - m.quorum()];
    if (candidate <= n.log.commit() || n.log.term(candidate) != n.term) return false;
    long old = n.log.commit();
    n.log.commitTo(candidate);
    n.tracer.trace(() -> "commit " + old + " -> " + candidate);
    // Thesis §6.4: reads that waited for the first commit of this term can now take a read index.
    if (n.reads.startWaiting(n.log.commit())) n.confirmReads();
    // The followers learn the new commit index from the appends of the next Ready (RaftNode#ready):
    // one message per follower for every commit step and proposal of one loop turn.
    n.commitBroadcastPending = true;
    Reconfiguration.afterCommit(n);
    return true;
  }

  /** §3.10: once the transfer target's log matches ours, tell it to campaign now. */
  static void maybeSendTimeoutNow(RaftNode n, Progress pr) {
    if (n.transferTarget == pr.peer && pr.match == n.log.lastIndex()) {
      n.send(new RaftMessage.TimeoutNow(n.id0(), pr.peer, n.term));
    }
  }
}
