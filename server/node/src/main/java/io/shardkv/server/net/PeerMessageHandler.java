package io.shardkv.server.net;

/** Receives the opaque peer messages that arrive on inbound peer links (on the loop thread). */
@FunctionalInterface
public interface PeerMessageHandler {
  void onPeerMessage(int fromNodeId, byte[] message);
}
