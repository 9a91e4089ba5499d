package io.shardkv.server.sim.shardkv;

import io.shardkv.server.replica.ClientReply;

/** Messages between simulated clients and servers (a network of its own, see {@link ShardKvWorld}). */
sealed interface ClientWire {
  /** A client request: the service's command bytes, tagged with the client's rpc id. */
  record Request(long rpcId, byte[] command) implements ClientWire {}

  /** The server's answer to the request {@code rpcId}. */
  record Reply(long rpcId, ClientReply reply) implements ClientWire {}

  static String describe(ClientWire w) {
    if (w instanceof Request r) {
      return "request #" + r.rpcId() + " (" + r.command().length + "B)";
    }
    Reply r = (Reply) w;
    return "reply #" + r.rpcId() + " " + r.reply().getClass().getSimpleName();
  }
}
