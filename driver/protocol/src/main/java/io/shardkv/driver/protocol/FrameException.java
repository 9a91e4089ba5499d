package io.shardkv.driver.protocol;

import io.shardkv.driver.routing.Status;

/**
 * A frame or payload that violates the protocol. The message says what was wrong and where (stream
 * offset, field); {@link #status()} is the code to put in the {@link FrameType#ERROR} reply.
 */
public final class FrameException extends Exception {
  /** Request id meaning "not known" (the header was not read far enough). */
  public static final long NO_REQUEST_ID = 0;

  private final Status status;
  private final long requestId;

  public FrameException(Status status, long requestId, String message) {
    super(message);
    this.status = status;
    this.requestId = requestId;
  }

  /** The status to report: MALFORMED_FRAME, UNSUPPORTED_VERSION, FRAME_TOO_LARGE, UNKNOWN_FRAME_TYPE. */
  public Status status() { return status; }

  /** Request id of the offending frame, or {@link #NO_REQUEST_ID} if it was not read. */
  public long requestId() { return requestId; }
}
