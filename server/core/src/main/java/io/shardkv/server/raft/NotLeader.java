package io.shardkv.server.raft;

/**
 * Answer to a proposal or read sent to a node that is not the leader.
 *
 * @param leaderHint the leader this node believes in, or {@link RaftNode#NO_LEADER}; a hint only —
 *                   the client retries there and may be redirected again
 */
public record NotLeader(int leaderHint) implements ProposeResult, ReadIndexResult { }
