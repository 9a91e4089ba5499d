package io.shardkv.driver.protocol;

/** A decoded frame payload: a {@link Request}, a {@link Response} or a {@link ProtocolError}. */
public sealed interface Message permits Request, Response, ProtocolError {
  /** The frame type this message travels in. */
  FrameType frameType();
}
