package io.shardkv.server.sim.shardkv;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the membership nemesis of one run did ({@code sim shardkv --membership}).
 *
 * @param asked               changes asked of a group's leader (through the admin rules)
 * @param refusedByRules      of those, refused by the admin rules ({@link #refusals} by status)
 * @param refusals            refusals by the admin answer's status: in_progress, not_caught_up,
 *                            would_lose_quorum, refused
 * @param rejectedByCore      passed the rules but the Raft core did not append them (not leader any
 *                            more, its term's first entry not committed yet, a transfer in progress)
 * @param appended            appended to the leader's log (in effect at once, thesis §4.1)
 * @param completed           of those, seen committed by a leader of the group
 * @param completedByKind     the completed ones by kind: ADD_LEARNER, PROMOTE, REMOVE
 * @param lost                of those, never committed (the leader lost them; another entry took their index)
 * @param secondRefused       second changes proposed straight to the core while one was in flight, all
 *                            refused (one accepted fails the run)
 * @param transfers           leadership transfers asked of a leader
 * @param transfersTookEffect of those, the target led the group one second later
 * @param freshReplicas       replicas on spare servers (fresh storage) promoted to voter
 * @param published           joins giving the config center a shard group's new voters
 * @param catchUpMs           per promoted learner: simulated ms from its addition to its promotion
 */
public record MembershipCounts(int asked, int appended, int completed, SortedMap<String, Integer> completedByKind,
                               int lost, int refusedByRules,
                               SortedMap<String, Integer> refusals, int rejectedByCore, int secondRefused,
                               int transfers, int transfersTookEffect, int freshReplicas, int published,
                               List<Long> catchUpMs) {
  /** A run without the membership nemesis. */
  public static final MembershipCounts NONE = new MembershipCounts(0, 0, 0, new TreeMap<>(), 0, 0, new TreeMap<>(), 0, 0, 0, 0, 0, 0,
      List.of());

  public MembershipCounts {
    refusals = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(refusals));
    completedByKind = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(completedByKind));
    catchUpMs = List.copyOf(catchUpMs);
  }

  /** Adds another run's counts (a sweep's totals). */
  public MembershipCounts plus(MembershipCounts o) {
    TreeMap<String, Integer> r = new TreeMap<>(refusals);
    o.refusals.forEach((k, v) -> r.merge(k, v, Integer::sum));
    TreeMap<String, Integer> k = new TreeMap<>(completedByKind);
    o.completedByKind.forEach((key, v) -> k.merge(key, v, Integer::sum));
    List<Long> c = new java.util.ArrayList<>(catchUpMs);
    c.addAll(o.catchUpMs);
    return new MembershipCounts(asked + o.asked, appended + o.appended, completed + o.completed, k, lost + o.lost,
        refusedByRules + o.refusedByRules, r, rejectedByCore + o.rejectedByCore, secondRefused + o.secondRefused,
        transfers + o.transfers, transfersTookEffect + o.transfersTookEffect, freshReplicas + o.freshReplicas,
        published + o.published, c);
  }

  /** One line: {@code membership: asked=.. appended=.. completed=.. ...}. */
  public String summary() {
    long[] sorted = catchUpMs.stream().mapToLong(Long::longValue).sorted().toArray();
    String catchUp = sorted.length == 0 ? "none" : sorted.length + " learners, median " + sorted[sorted.length / 2]
        + " ms, max " + sorted[sorted.length - 1] + " ms";
    return "membership: changes asked=" + asked + " refused-by-rules=" + refusedByRules + " " + refusals
        + " rejected-by-core=" + rejectedByCore + " appended=" + appended + " completed=" + completed + " " + completedByKind + " lost=" + lost
        + "; second changes in flight refused=" + secondRefused + "; fresh replicas promoted=" + freshReplicas
        + "; transfers=" + transfers + " (took effect " + transfersTookEffect + "); config-center updates=" + published
        + "; learner added -> promoted: " + catchUp;
  }
}
