package io.shardkv.server.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Leader-side bookkeeping of ReadIndex reads (Raft thesis §6.4):
 * <ol>
 *   <li>"If the leader has not yet marked an entry from its current term committed, it waits until
 *       it has done so" — such reads wait in {@code waitingForCommit}.</li>
 *   <li>"The leader saves its current commit index in a local variable readIndex."</li>
 *   <li>"The leader needs to make sure it hasn't been superseded by a newer leader ... it sends a
 *       new round of heartbeats and waits for their acknowledgments from a majority." Each batch of
 *       reads gets a round number (read context) carried by later heartbeats; a peer echoing
 *       context {@code c} acknowledged leadership after every round {@code <= c} started.</li>
 * </ol>
 * Rounds are confirmed in order, so a read never completes before an earlier one.
 */
final class ReadIndexTracker {
  private record Round(long readIndex, List<Long> requestIds) { }

  private final List<Long> waitingForCommit = new ArrayList<>();
  private final TreeMap<Long, Round> rounds = new TreeMap<>();
  private final TreeMap<Integer, Long> acked = new TreeMap<>();
  /** Monotonic over the node's lifetime, so acknowledgements from an older term never match. */
  private long lastContext;

  long latestContext() { return lastContext; }

  boolean hasWaiting() { return !waitingForCommit.isEmpty(); }

  /** Rounds started and not yet confirmed by a quorum. */
  boolean hasRounds() { return !rounds.isEmpty(); }

  void waitForCommit(long requestId) { waitingForCommit.add(requestId); }

  /** Starts a round for {@code requestIds} at {@code readIndex}; returns its context. */
  long startRound(long readIndex, List<Long> requestIds) {
    lastContext++;
    rounds.put(lastContext, new Round(readIndex, List.copyOf(requestIds)));
    return lastContext;
  }

  /** Moves every read waiting for the first commit of the term into one round at {@code readIndex}. */
  boolean startWaiting(long readIndex) {
    if (waitingForCommit.isEmpty()) return false;
    startRound(readIndex, waitingForCommit);
    waitingForCommit.clear();
    return true;
  }

  void ack(int peer, long context) {
    acked.merge(peer, context, Math::max);
  }

  /**
   * Releases, in order, every round acknowledged by a quorum of {@code members}' voters; the leader
   * {@code self} counts itself when it is a voter. Learners' acknowledgements never count (thesis §4.2.1).
   */
  void release(Membership members, int self, List<ReadState> out) {
    while (!rounds.isEmpty()) {
      Map.Entry<Long, Round> first = rounds.firstEntry();
      int votes = members.isVoter(self) ? 1 : 0;
      for (Map.Entry<Integer, Long> a : acked.entrySet()) {
        if (members.isVoter(a.getKey()) && a.getValue() >= first.getKey()) votes++;
      }
      if (votes < members.quorum()) return;
      for (long id : first.getValue().requestIds()) out.add(new ReadState(id, first.getValue().readIndex()));
      rounds.pollFirstEntry();
    }
  }

  /** Leadership lost: every pending read fails; acknowledgements are forgotten. */
  void abortAll(List<Long> out) {
    out.addAll(waitingForCommit);
    waitingForCommit.clear();
    for (Round r : rounds.values()) out.addAll(r.requestIds());
    rounds.clear();
    acked.clear();
  }
}
