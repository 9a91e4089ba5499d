package io.shardkv.server.raft;

/**
 * One single-server membership change (Raft thesis §4.1): add a learner, promote a learner to
 * voter, or remove a member (voter or learner). See {@link RaftNode#proposeMembershipChange}.
 */
public record MembershipChange(Kind kind, int nodeId) {
  public enum Kind { ADD_LEARNER, PROMOTE, REMOVE }

  public MembershipChange {
    java.util.Objects.requireNonNull(kind, "kind");
    if (nodeId < 0) throw new IllegalArgumentException("node id must be >= 0, got " + nodeId);
  }

  public static MembershipChange addLearner(int id) { return new MembershipChange(Kind.ADD_LEARNER, id); }
  public static MembershipChange promote(int id) { return new MembershipChange(Kind.PROMOTE, id); }
  public static MembershipChange remove(int id) { return new MembershipChange(Kind.REMOVE, id); }
}
