package io.shardkv.driver.routing;

import java.util.Objects;

/**
 * How a client operation ended, classified the way a Jepsen history needs it.
 *
 * <ul>
 *   <li>{@link Kind#COMPLETED}: a server answered with the operation's own result ({@link #status}
 *       is OK, NOT_FOUND or CAS_MISMATCH; {@link #payload} is the reply body). It happened, once.</li>
 *   <li>{@link Kind#FAILED}: definitely did not happen (e.g. BAD_REQUEST, or every attempt was
 *       answered "not here", or a read that never got an answer — reads have no effect).</li>
 *   <li>{@link Kind#INDEFINITE}: a write that may or may not have happened: some attempt reached a
 *       server and its fate is unknown (no reply, or the server's own TIMEOUT), and no later attempt
 *       with the same (client id, seq) returned a definite answer before the call's deadline.</li>
 * </ul>
 */
public record CallOutcome(Kind kind, Status status, byte[] payload, String reason, int attempts) {
  public enum Kind { COMPLETED, FAILED, INDEFINITE }

  public CallOutcome {
    Objects.requireNonNull(kind, "kind");
  }

  public boolean definite() {
    return kind != Kind.INDEFINITE;
  }

  /**
   * True when the call ended because its session expired and nothing of it was applied: the caller
   * may run the operation again as a new call (its router already moved to a new client id).
   */
  public boolean retryInNewSession() {
    return kind == Kind.FAILED && status == Status.SESSION_EXPIRED;
  }
}
