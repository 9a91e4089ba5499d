package io.shardkv.server.raft;

/** The role of a node (Raft paper §5.1, plus the pre-candidate of thesis §9.6). */
public enum Role {
  FOLLOWER,
  /** Asking for pre-votes: has not incremented its term yet (thesis §9.6, PreVote). */
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER
}
