package io.shardkv.server.replica;

import io.shardkv.driver.routing.Served;

/**
 * The host's answer to one client request. How it maps onto the wire: {@link Result} carries the
 * state machine's encoded result (its status inside), {@link NotLeader} is WRONG_LEADER (definite:
 * this attempt did not and will not take effect), {@link Indeterminate} is TIMEOUT (this attempt may
 * still take effect; a write stays indefinite until a retry with the same client id/seq answers).
 */
public sealed interface ClientReply {
  long requestId();

  /**
   * The request was executed (or, for a read, evaluated at a linearizable point). {@code served}:
   * the log entry whose application answered a write (its group, term, index), or the term and
   * ReadIndex of a linearizable read; null when no entry served it (a request the service rejected
   * at admission, or a read of the test-only stale-reads mode).
   */
  record Result(long requestId, byte[] result, Served served) implements ClientReply {
    /** A result no log entry served. */
    public Result(long requestId, byte[] result) {
      this(requestId, result, null);
    }
  }

  /**
   * Definitely not executed by this attempt. {@code leaderHint} is the node id this replica believes
   * leads the group, or -1.
   */
  record NotLeader(long requestId, int leaderHint) implements ClientReply {}

  /** The outcome of this attempt is unknown (leadership lost, timed out, or a snapshot skipped it). */
  record Indeterminate(long requestId, String reason) implements ClientReply {}
}
