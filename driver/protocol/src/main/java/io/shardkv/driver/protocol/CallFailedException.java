package io.shardkv.driver.protocol;

import io.shardkv.driver.routing.Status;

/**
 * A call on a {@link ClientConnection} that produced no {@link Response}. {@link #definite()} tells
 * whether the request certainly did not take effect (true) or may have (false, Jepsen {@code :info}).
 * A response with a non-OK {@link Status} is not an exception: it is a Response.
 */
public final class CallFailedException extends Exception {

  /** Why the call failed. */
  public enum Kind {
    /** Could not connect; the request was never written. Definite. */
    CONNECT_FAILED(true),
    /** The connection was closed by the caller before the request was written. Definite. */
    CLOSED(true),
    /** No response within the call's timeout. Indefinite. */
    TIMEOUT(false),
    /** The connection broke after the request was (possibly) written. Indefinite. */
    CONNECTION_LOST(false),
    /** The server answered this request id with an ERROR frame; definiteness is that status's. */
    PROTOCOL_ERROR(true),
    /** The server sent something this client cannot parse; the connection was dropped. Indefinite. */
    BAD_RESPONSE(false);

    private final boolean definite;

    Kind(boolean definite) { this.definite = definite; }
  }

  private final Kind kind;
  private final boolean definite;
  private final Status status;

  public CallFailedException(Kind kind, String message, Throwable cause) {
    this(kind, kind.definite, null, message, cause);
  }

  private CallFailedException(Kind kind, boolean definite, Status status, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.definite = definite;
    this.status = status;
  }

  /** The server's ERROR frame for this request. */
  public static CallFailedException protocolError(ProtocolError e) {
    return new CallFailedException(Kind.PROTOCOL_ERROR, e.status().definite(), e.status(),
        "server rejected the request: " + e.status() + ": " + e.message(), null);
  }

  public Kind kind() { return kind; }

  /** True if the request certainly did not take effect. */
  public boolean definite() { return definite; }

  /** The ERROR frame's status for {@link Kind#PROTOCOL_ERROR}, else null. */
  public Status status() { return status; }
}
