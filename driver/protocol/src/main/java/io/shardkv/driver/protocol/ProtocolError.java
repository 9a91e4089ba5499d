package io.shardkv.driver.protocol;

import io.shardkv.driver.routing.Status;
import java.util.Objects;

/**
 * Payload of an {@link FrameType#ERROR} frame: a connection-level error. The sender closes the
 * connection right after it. Its request id names the offending frame when known, else 0.
 */
public record ProtocolError(Status status, String message) implements Message {
  public ProtocolError {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    if (status == Status.OK) throw new IllegalArgumentException("an ERROR frame cannot carry OK");
    if (!status.onWire()) throw new IllegalArgumentException(status + " is not a wire status");
  }

  /** The error reply for a decoding failure. */
  public static ProtocolError of(FrameException e) {
    return new ProtocolError(e.status(), e.getMessage());
  }

  @Override
  public FrameType frameType() { return FrameType.ERROR; }
}
