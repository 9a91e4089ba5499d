package io.shardkv.server.raft;

/**
 * Volatile leadership view of a node, reported in {@link Ready#softState()} whenever it changes.
 *
 * @param role     this node's role
 * @param leaderId the leader this node currently follows (itself when leader), or
 *                 {@link RaftNode#NO_LEADER} when unknown
 * @param term     the current term
 */
public record SoftState(Role role, int leaderId, long term) {
  public SoftState {
    java.util.Objects.requireNonNull(role, "role");
  }

  @Override
  public int hashCode() {
    // role.ordinal(), not role.hashCode(): enum hash codes are identity hashes and vary per JVM run.
    return (31 * role.ordinal() + leaderId) * 31 + Long.hashCode(term);
  }
}
