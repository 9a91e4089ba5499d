package io.shardkv.driver.routing;

/**
 * The answer codes shared by the replicated state machines, the servers and the clients. Each has a
 * fixed code (never the ordinal) so encodings survive reordering of this enum. Codes 0-6 and 14 are the
 * same numbers and meanings as the wire protocol's statuses (docs/protocol.md §6); 100 and up are
 * internal to the replicated log (migration commands, dedup) and never sent to clients as such.
 *
 * <p>For a client the important split is {@link #isRoutingRetry()}: those codes say "this attempt
 * did not execute here; try elsewhere or later", every other code is the operation's own answer.
 */
public enum Status {
  /** The operation executed (for a write: exactly once). */
  OK(0),
  /** A get, delete or cas found no value under the key. */
  NOT_FOUND(1),
  /** A cas found a value different from the expected one; nothing was written. */
  CAS_MISMATCH(6),
  /** Definite: this group does not serve the key's shard (not owned, or its data not yet arrived). */
  WRONG_GROUP(3),
  /** Definite: the contacted server is not the leader; a hint may name the leader. */
  WRONG_LEADER(2),
  /**
   * The server proposed the command but did not see it commit in time: it may still commit.
   * Indefinite for a write until a retry with the same (client id, seq) gets a definite answer.
   */
  TIMEOUT(4),
  /**
   * Definite: the client's session expired (idle for longer than the servers' limit, in log time;
   * docs/sessions.md) and the write was not executed. Same code as the wire status. The client must
   * continue under a new client id; whether an <em>earlier</em> attempt of the same write was
   * applied before the expiry is unknown, so such a write's outcome is indefinite.
   */
  SESSION_EXPIRED(14),
  /** Definite: the request was malformed or invalid (bad shard number, unknown group, bad bytes). */
  BAD_REQUEST(5),
  /**
   * The request's sequence number is older than the last one this client had applied: it executed
   * long ago and its result is no longer kept. Only a client that broke the one-outstanding-request
   * rule can see this.
   */
  STALE_REQUEST(100),
  /** A migration or configuration command that did not apply now (wrong config number, busy). */
  REJECTED(101);

  private final int code;

  Status(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** True for answers that say "not executed by this attempt, re-route or retry". */
  public boolean isRoutingRetry() {
    return this == WRONG_GROUP || this == WRONG_LEADER || this == TIMEOUT;
  }

  public static Status fromCode(int code) {
    for (Status s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new DecodeException("unknown status code " + code);
  }
}
