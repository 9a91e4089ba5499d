package io.shardkv.server.net;

/**
 * How a node's Raft core sends messages to its peers (MicroRaft's transport shape). The core
 * serializes its messages to bytes; the transport moves them and may lose them — Raft tolerates loss
 * by retransmitting (heartbeats, re-sent AppendEntries and votes).
 */
public interface PeerTransport {

  /**
   * Sends {@code message} to node {@code nodeId}, best effort. Never blocks and never throws: when
   * the peer is unknown, unreachable or too slow, or the message exceeds the link's maximum frame
   * payload (16 MiB by default, minus 4 bytes), the message is dropped (and counted). Large state
   * (snapshots) must therefore travel in chunks.
   */
  void send(int nodeId, byte[] message);

  /**
   * True if a message sent now is likely to be delivered: the link to {@code nodeId} is connected
   * and has answered a keep-alive since it connected. A hint, not a guarantee.
   */
  boolean isReachable(int nodeId);
}
