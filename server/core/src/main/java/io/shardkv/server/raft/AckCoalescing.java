package io.shardkv.server.raft;

import java.util.List;

/**
 * Coalesces a follower's acknowledgements: of the successful {@link RaftMessage.AppendEntriesResponse}s
 * waiting to leave together (one Ready's messages, or those held for one flush), only the latest per
 * leader and term is needed. A leader's handling of a success is monotonic in its match index
 * ({@code Progress#maybeUpdate} frees every in-flight append up to it, AppendEntriesResponseHandler),
 * so an earlier success with a match index no higher than a later one's adds nothing; dropping it
 * is the same as losing it on the network, which Raft tolerates. Nothing leaves earlier: the kept
 * message waits for the same flush as the dropped one did (persist before you speak).
 *
 * <p>Why: a follower receives several appends per fsync under load (the leader pipelines, thesis
 * §10.2.2); without this it answers each, all at the same moment, one message per append.
 */
final class AckCoalescing {
  private AckCoalescing() { }

  /**
   * Appends {@code m} to {@code queue}, first removing a successful append acknowledgement to the
   * same leader in the same term that {@code m} supersedes (match index at most {@code m}'s).
   */
  static void add(List<RaftMessage> queue, RaftMessage m) {
    if (m instanceof RaftMessage.AppendEntriesResponse r && r.success()) {
      for (int i = queue.size() - 1; i >= 0; i--) {
        if (queue.get(i) instanceof RaftMessage.AppendEntriesResponse q && q.success() && q.to() == r.to()
            && q.term() == r.term() && q.matchIndex() <= r.matchIndex()) {
          queue.remove(i);
          break; // at most one: every add keeps the queue coalesced
        }
      }
    }
    queue.add(m);
  }

  /** {@link #add} for each message of {@code messages}, in order. */
  static void addAll(List<RaftMessage> queue, List<RaftMessage> messages) {
    for (RaftMessage m : messages) add(queue, m);
  }
}
