package io.shardkv.server.replica;

/**
 * The host's answer to one client request. How it maps onto the wire: {@link Result} carries the
 * state machine's encoded result (its status inside), {@link NotLeader} is WRONG_LEADER (definite:
 * this attempt did not and will not take effect), {@link Indeterminate} is TIMEOUT (this attempt may
 * still take effect; a write stays indefinite until a retry with the same client id/seq answers).
 */
public sealed interface ClientReply {
  long requestId();

  /** The request was executed (or, for a read, evaluated at a linearizable point). */
  record Result(long requestId, byte[] result) implements ClientReply {}

  /**
   * Definitely not executed by this attempt. {@code leaderHint} is the node id this replica believes
   * leads the group, or -1.
   */
  record NotLeader(long requestId, int leaderHint) implements ClientReply {}

  /** The outcome of this attempt is unknown (leadership lost, timed out, or a snapshot skipped it). */
  record Indeterminate(long requestId, String reason) implements ClientReply {}
}
