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

  /**
   * Input coalescing. Return true to promise one later call of {@link ReplicaHost#runReadyPass()} on
   * the host's thread, after the other inputs already waiting there (the real server: at the end of
   * the event-loop turn). Until then the host runs each input on its Raft node at once but leaves
   * the Ready loop for that pass, so every input of one turn shares one Ready: one append or
   * heartbeat broadcast for all proposals and ReadIndex reads of the turn (thesis §6.4: "the leader
   * can amortize the heartbeats across many read-only queries", and §10.2 batching), one storage
   * write, one acknowledgement. Asked at most once per pass. Return false (the default: the
   * simulators, tests) to have every input followed by its Ready at once.
   */
  default boolean deferReadyPass() { return false; }
  /** An app-layer trace line (see docs/replica-host.md); called only when tracing is on. */
  default void trace(String line) {}

  /** The storage failed: the host has stopped and must be torn down (it sends nothing more). */
  default void fatal(Throwable cause) {}
}
