package io.shardkv.server.replica;

import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftStorage;

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
   * The host wrote Readies' state to its {@code RaftStorage} and sealed it into {@code batch}.
   * Arrange for {@code batch.sync()} to run (later, on any thread; the host keeps taking input and
   * writing the next batch meanwhile, RaftStorage rules 5-7), then call
   * {@link ReplicaHost#onStorageFlushed()} — or {@link ReplicaHost#onStorageFailed} — on the host's
   * thread. At most one batch is outstanding. Never called when {@link HostOptions#synchronousFlush()}
   * is set (the host syncs inline).
   */
  void requestFlush(RaftStorage.FlushBatch batch);

  /** An app-layer trace line (see docs/replica-host.md); called only when tracing is on. */
  default void trace(String line) {}

  /** The storage failed: the host has stopped and must be torn down (it sends nothing more). */
  default void fatal(Throwable cause) {}
}
