package io.shardkv.server.net;

import io.shardkv.driver.protocol.Request;

/**
 * The server's client-facing logic, plugged into a {@link RequestDispatcher}. Runs on the loop
 * thread and must not block; it replies now or later with
 * {@link RequestDispatcher#reply(Connection, long, io.shardkv.driver.protocol.Response)}.
 */
@FunctionalInterface
public interface RequestHandler {
  /** A parsed client request (never a PING or a peer frame; the dispatcher handles those). */
  void onRequest(Connection connection, long requestId, Request request);
}
