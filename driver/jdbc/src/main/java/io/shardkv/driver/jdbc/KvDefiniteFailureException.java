package io.shardkv.driver.jdbc;

import java.util.Objects;

/**
 * The operation did <em>not</em> take effect and never will: it is safe to retry it or to report it
 * as failed.
 */
public final class KvDefiniteFailureException extends KvBackendException {

  /** Why the operation did not happen; decides the SQLState the driver reports. */
  public enum Reason {
    /** No node could be reached, or no leader served the request; nothing was applied. */
    UNAVAILABLE,
    /** A read ran out of time (reads change nothing, so a timeout is definite). */
    TIMEOUT,
    /**
     * The cluster refused the request as invalid (for example a key or value over its size limit).
     */
    REJECTED,
    /** The backend was closed before or during the call. */
    CLOSED
  }

  private final Reason reason;

  public KvDefiniteFailureException(Reason reason, String message) {
    this(reason, message, null);
  }

  public KvDefiniteFailureException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public boolean isIndefinite() {
    return false;
  }
}
