package io.shardkv.server.raft;

/**
 * One single-server membership change (Raft thesis §4.1): add a learner, promote a learner to
 * voter, or remove a member (voter or learner). See {@link RaftNode#proposeMembershipChange}.
 * An added learner may come with its {@code address} (null otherwise), which the new configuration
 * then carries ({@link Membership#addresses()}); only an addition has one.
 */
public record MembershipChange(Kind kind, int nodeId, Membership.Address address) {
  public enum Kind { ADD_LEARNER, PROMOTE, REMOVE }

  public MembershipChange {
    java.util.Objects.requireNonNull(kind, "kind");
    if (nodeId < 0) throw new IllegalArgumentException("node id must be >= 0, got " + nodeId);
    if (address != null && kind != Kind.ADD_LEARNER) {
      throw new IllegalArgumentException("only an added learner comes with an address, not a " + kind);
    }
  }

  public MembershipChange(Kind kind, int nodeId) {
    this(kind, nodeId, null);
  }

  public static MembershipChange addLearner(int id) { return new MembershipChange(Kind.ADD_LEARNER, id); }

  /** Adds learner {@code id} at {@code address} (carried by the configuration, docs/membership.md). */
  public static MembershipChange addLearner(int id, Membership.Address address) {
    return new MembershipChange(Kind.ADD_LEARNER, id, address);
  }
  public static MembershipChange promote(int id) { return new MembershipChange(Kind.PROMOTE, id); }
  public static MembershipChange remove(int id) { return new MembershipChange(Kind.REMOVE, id); }

  /** As the two-field record printed it (trace lines, and the simulator digests over them, stay the same). */
  @Override
  public String toString() {
    return "MembershipChange[kind=" + kind + ", nodeId=" + nodeId + (address == null ? "" : ", address=" + address) + "]";
  }
}
