package io.shardkv.server.sim.shardkv;

import io.shardkv.driver.protocol.Response;

/**
 * Messages between simulated clients and servers (a network of its own, see {@link ShardKvWorld}):
 * the wire protocol's own typed messages, the ones the real client and server exchange in frames.
 */
sealed interface ClientWire {
  /** A client request, tagged with the client's rpc id. */
  record Request(long rpcId, io.shardkv.driver.protocol.Request request) implements ClientWire {}

  /** The server's answer to the request {@code rpcId}. */
  record Reply(long rpcId, Response response) implements ClientWire {}

  static String describe(ClientWire w) {
    if (w instanceof Request r) {
      return "request #" + r.rpcId() + " " + r.request().frameType();
    }
    Reply r = (Reply) w;
    return "reply #" + r.rpcId() + " " + r.response().status();
  }
}
