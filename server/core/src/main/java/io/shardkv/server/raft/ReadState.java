package io.shardkv.server.raft;

/**
 * A confirmed linearizable read (Raft thesis §6.4, ReadIndex): once the state machine has applied
 * every entry up to and including {@code readIndex}, the read with id {@code requestId} may be
 * served from the local state machine and reflects every write committed before the read started.
 */
public record ReadState(long requestId, long readIndex) { }
