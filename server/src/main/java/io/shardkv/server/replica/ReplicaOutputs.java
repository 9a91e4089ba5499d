package io.shardkv.server.replica;

import io.shardkv.server.raft.RaftMessage;

/**
 * Everything a {@link ReplicaHost} asks of its environment (the simulator or the real server).
 * Every method is called on the host's own thread, from inside one of the host's input calls; none
 * may block, throw for I/O reasons, or call back into the host synchronously (queue the callback
 * instead). Loss is always allowed: the host copes with any message or reply never arriving.
 */
public interface ReplicaOutputs {

  /** Send a Raft message to peer {@code message.to()} of this group. */
  void sendPeer(RaftMessage message);

  /** Deliver the answer to the client request {@code reply.requestId()} (at most once per request). */
  void reply(ClientReply reply);

  /**
   * The host wrote a Ready's state to its {@code RaftStorage} and needs it durable. Arrange for
   * {@code storage.flush()} to run (now or later, on any thread, with the host's inputs held off the
   * storage meanwhile), then call {@link ReplicaHost#onStorageFlushed()} on the host's thread.
   * Never called when {@link HostOptions#synchronousFlush()} is set (the host flushes inline).
   */
  void requestFlush();

  /** An app-layer trace line (see docs/replica-host.md); called only when tracing is on. */
  default void trace(String line) {}

  /** The storage failed: the host has stopped and must be torn down (it sends nothing more). */
  default void fatal(Throwable cause) {}
}
