package io.shardkv.server.net;

import io.shardkv.driver.protocol.Frame;

/**
 * What a listener or an outgoing connection does with its traffic. Every method runs on the
 * connection's {@link EventLoop} thread, so a handler needs no locks if it touches only loop-owned
 * state; it must not block (it would stall every connection of the loop).
 */
public interface FrameHandler {

  /** The connection is established (accepted, or an outgoing connect completed). */
  default void onOpen(Connection connection) {}

  /**
   * A complete, well-framed frame arrived (magic, version, type and length were valid; the payload
   * is not yet parsed — use {@code MessageCodec.decode}, and on a {@code FrameException} call
   * {@link Connection#failProtocol}). A RuntimeException thrown here closes the connection.
   */
  void onFrame(Connection connection, Frame frame);

  /**
   * The connection is closed; called exactly once for every connection this handler was given,
   * including an outgoing connect that never opened. {@code cause} says why ({@code null} for a
   * close requested locally or an orderly end of stream).
   */
  default void onClose(Connection connection, Throwable cause) {}
}
