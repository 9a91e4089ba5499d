package io.shardkv.server.replica;

import io.shardkv.server.raft.Membership;
import io.shardkv.server.raft.MembershipChange;
import io.shardkv.server.raft.RaftNode;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The admin-side rules a group's leader applies before it proposes a single-server membership change
 * (docs/membership.md, "The rules" 2, 4 and 9): one change at a time, a learner is promoted only
 * once it holds the commit index, a voter's removal must leave a quorum that answered recently. The
 * one decision behind the real server's {@code POST /add-replica|/promote|/remove-replica}
 * ({@code process.ReplicaMembership}) and the simulator's membership nemesis ({@code sim shardkv
 * --membership}), so a sweep exercises what the admin port runs. Pure: reads the leader's Raft state,
 * decides, never proposes (the caller proposes {@link Decision#change()} through
 * {@link ReplicaHost#proposeMembershipChange}).
 */
public final class MembershipRules {
  private MembershipRules() {}

  /** The admin operations, named as in the admin answers' {@code op} field. */
  public enum Op {
    ADD("add"), PROMOTE("promote"), REMOVE("remove");

    private final String wireName;

    Op(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    /** The op of an admin answer's name ("add", "promote", "remove"), or null. */
    public static Op ofWireName(String name) {
      for (Op o : values()) if (o.wireName.equals(name)) return o;
      return null;
    }
  }

  /**
   * A refusal as the admin port answers it: its HTTP code, its {@code status} field
   * ({@code refused}, {@code in_progress}, {@code not_caught_up}, {@code would_lose_quorum}) and why.
   * {@code notAMember}: the target is no member at all (the admin answer then names its address).
   */
  public record Refusal(int httpCode, String status, String reason, boolean notAMember) {}

  /** Exactly one of {@code change} (propose it) and {@code refusal} is non-null. */
  public record Decision(MembershipChange change, Refusal refusal) {
    public boolean refused() { return refusal != null; }
  }

  /**
   * What the leader of {@code group} (whose Raft state is {@code raft}) answers when asked to apply
   * {@code op} to server {@code to}. {@code answeredRecently} says whether a voter answered the leader
   * within the last {@code windowMillis} (the quorum guard; ignored with {@code force}). Call on the
   * thread that owns the replica, with {@code raft} leading.
   */
  public static Decision decide(int group, Op op, int to, RaftNode raft, boolean force, IntPredicate answeredRecently,
                                long windowMillis) {
    long configIndex = raft.membershipIndex();
    long commit = raft.commitIndex();
    if (configIndex > commit) {
      return refuse(409, "in_progress", "a membership change of group " + group + " is already in progress (its"
          + " configuration entry at index " + configIndex + " is not committed yet, commit index " + commit
          + "); one change at a time: retry when it has committed (ctl members " + group + ")");
    }
    Membership m = raft.membership();
    switch (op) {
      case ADD -> {
        if (m.contains(to)) {
          return refuse(400, "refused", "node " + to + " is already a " + (m.isVoter(to) ? "voter" : "learner")
              + " of group " + group + " (" + m + ")");
        }
        return new Decision(MembershipChange.addLearner(to), null);
      }
      case PROMOTE -> {
        if (!m.isLearner(to)) {
          return refuse(400, "refused", "node " + to + " is not a learner of group " + group + " (" + m + ")"
              + (m.isVoter(to) ? ": it is a voter already" : ": add it first (ctl add-replica " + group + " " + to + ")"));
        }
        long targetMatch = raft.matchIndex(to);
        if (targetMatch < commit) {
          return refuse(409, "not_caught_up", "learner " + to + " holds the log up to index " + targetMatch
              + ", the commit index is " + commit + ": it is promoted only once caught up (Raft thesis §4.2.1); retry");
        }
        return new Decision(MembershipChange.promote(to), null);
      }
      default -> {
        if (!m.contains(to)) {
          return new Decision(null, new Refusal(400, "refused", "node " + to + " is not a member of group " + group
              + " (" + m + ")", true));
        }
        if (m.isVoter(to) && !force) {
          String lost = quorumLoss(m, to, answeredRecently, windowMillis);
          if (lost != null) return refuse(409, "would_lose_quorum", lost + "; bring them back first, or pass --force");
        }
        return new Decision(MembershipChange.remove(to), null);
      }
    }
  }

  /**
   * Null when the voters left after removing {@code to} still hold a quorum of members that answered
   * the leader within {@code windowMillis}; else why not.
   */
  static String quorumLoss(Membership m, int to, IntPredicate answeredRecently, long windowMillis) {
    Membership after = m.apply(MembershipChange.remove(to));
    List<Integer> live = after.voters().stream().filter(answeredRecently::test).toList();
    if (live.size() >= after.quorum()) return null;
    return "removing node " + to + " leaves voters " + after.voters() + " of which only " + live + " answered the leader"
        + " within " + windowMillis + " ms; a quorum is " + after.quorum() + ": the group would lose its quorum";
  }

  private static Decision refuse(int code, String status, String reason) {
    return new Decision(null, new Refusal(code, status, reason, false));
  }
}
