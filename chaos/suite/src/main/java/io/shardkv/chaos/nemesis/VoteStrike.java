package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.nemesis.ClusterStatus.Replica;
import java.util.ArrayList;
import java.util.List;

/**
 * The decisions of the {@code vote-strike} nemesis ({@link ElectionStrike} does its I/O), apart so
 * that they are tested on made-up {@code /status} polls: which group and hosts to aim at, whether
 * the election it provokes went as aimed, and whether a second leader of the same term followed.
 *
 * <p><b>What it aims at.</b> Election Safety (Raft paper Fig. 3: at most one leader per term) rests
 * on each voter's vote being durable before it is sent (Fig. 2, "respond to RPCs only after updating
 * stable storage"). The planted {@code vote-before-persist} sends a granted vote before the hard
 * state (term, votedFor) recording it is flushed; a voter that loses power before that flush comes
 * back at its old term with no vote and may vote again in the same term. In a group of three (the
 * lab's shape) the two majorities of one term must meet in that voter, so the two leaders are the
 * two other members, and each must be elected while the other cannot interfere. With this
 * codebase's PreVote (thesis §9.6), CheckQuorum and leader stickiness (§6.2, §4.2.3: a follower that
 * heard a leader within the minimum election timeout ignores vote requests; a follower that knows
 * the leader of its term refuses any other candidate, RequestVoteHandler) the schedule is:
 * <ol>
 *   <li><b>Aim</b> ({@link #aim}): a busy shard group (clients are writing, {@link PowerStrike.BusyWatch})
 *       with leader L in term T0 and followers V (the voter: the first in host order) and W (the
 *       would-be winner). V's disk is made slow (skv-lazyfs: every fsync waits seconds before it makes
 *       anything durable), so V's pre-vote requests and answers, which wait for V's flush, lag; W's
 *       do not, so W, not V, wins the election (a V that won would have voted for itself only).</li>
 *   <li><b>Provoke</b>: kill -9 L's host. W and V time out; W's pre-vote for T0+1 is granted by V, W
 *       campaigns in T = T0+1 and V grants its vote. With the mutant the vote leaves at once while V's
 *       flush recording (T, W) is still waiting on the slow disk; W becomes leader of T
 *       ({@link #elected} sees W lead, or V follow W, in a term above T0). W's appends of term T
 *       (its no-op, client writes that reach it) can commit only with V's acknowledgements, which
 *       also wait for V's flush; W stays leader until CheckQuorum steps it down (one election
 *       timeout without answers), then, still in term T, campaigns again with PreVote.</li>
 *   <li><b>Strike</b>, while V's flush still waits: cut V's power (its term T and vote are lost: V
 *       comes back at T0 with no vote) and pause W's host (SIGSTOP) — a W left running would, the
 *       moment V or L comes back, win term T+1 with PreVote (its log ends in term T, theirs in T0),
 *       and no second leader of T could arise.</li>
 *   <li><b>Second election</b> ({@link #second}): restore V's power and start L. Both are at T0 (L
 *       was killed before it heard of T; V forgot it), neither has a leader, so the first to time out
 *       wins PreVote and then term T0+1 = T with the other's vote. V has now voted in T twice: two
 *       leaders of T. (If W and V split votes before W won, V's durable term may be T-1 — it then
 *       campaigns, or teaches L, at T just the same — or lower: {@link Second#EARLIER_TERM}; a
 *       split vote now pushes the election past T: {@link Second#LATER_TERM}.) Clients write
 *       through the new leader Z for a while.</li>
 *   <li><b>Resume W</b>: if W was paused before CheckQuorum deposed it, it resumes as leader of T
 *       (the event loop's ticks do not catch up after a SIGSTOP) and both leaders replicate: a
 *       follower of T takes AppendEntries from either (AppendEntriesHandler trusts the one leader of
 *       its term) and, where both leaders have an entry of term T at the same index, keeps the first
 *       and acknowledges it to both — each leader commits its own entries, and answers its clients.
 *       If W was deposed, it is a follower of T whose own entries of term T match Z's by (index, term)
 *       (Log Matching assumes one leader per term), so W applies its entries where Z's majority
 *       applied Z's: W's state machine silently lacks writes Z acknowledged. To make that visible the
 *       nemesis then hands the group's leadership to W (POST /transfer-leader, thesis §3.10;
 *       {@link #transferFrom}): reads W serves miss acknowledged writes (the {@code set} workload:
 *       a stale read, or a lost add in the final read).</li>
 * </ol>
 * A correct server is safe under the same schedule: V's vote leaves only once durable, so V, struck
 * after W won, comes back remembering T and votes for no one else in it; the second election is in
 * T+1 or later ({@link Second#LATER_TERM}), and W's uncommitted entries of T are replaced (Raft §5.3).
 */
public final class VoteStrike {
  private VoteStrike() {}

  /**
   * One strike's aim: the group, its leader's term, host and Raft id, the voter (slow disk, struck)
   * and the would-be winner (paused).
   */
  public record Aim(int group, long term, String leaderHost, int leaderNode, String voterHost, int voterNode,
      String winnerHost, int winnerNode) {}

  /**
   * The aim for the leader {@code plan} chose: the voter is the group's follower (in the poll, on
   * another host) first in host order, the winner the other one. Null unless the poll shows exactly
   * two such followers (a group of three with every member answering) and the leader's term.
   */
  public static Aim aim(PowerStrike.Plan plan, List<Replica> poll, List<String> nodes) {
    Replica leader = null;
    List<Replica> followers = new ArrayList<>();
    for (Replica r : poll) {
      if (r.group() != plan.group()) {
        continue;
      }
      if (r.leader() && r.host().equals(plan.leaderHost())) {
        leader = r;
      } else if (!r.leader() && !r.host().equals(plan.leaderHost())) {
        followers.add(r);
      }
    }
    if (leader == null || followers.size() != 2 || followers.get(0).host().equals(followers.get(1).host())
        || !(leader.json().get("term") instanceof Number t)) {
      return null;
    }
    followers.sort(java.util.Comparator.comparingInt(r -> position(nodes, r.host())));
    Replica voter = followers.get(0);
    Replica winner = followers.get(1);
    return new Aim(plan.group(), t.longValue(), leader.host(), leader.node(), voter.host(), voter.node(), winner.host(),
        winner.node());
  }

  private static int position(List<String> nodes, String host) {
    int i = nodes.indexOf(host);
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  /**
   * The election after the leader's host went down: who won which term, and whether as aimed (the
   * winner, not the voter). {@code asAimed} false means the slow voter won; its own vote was for
   * itself, so nothing is to be struck.
   */
  public record Election(long term, String winnerHost, int winnerNode, boolean asAimed) {}

  /**
   * The election the aim provoked, once a poll shows it: a replica of the group on the winner's or
   * the voter's host that leads in a term above the old leader's, or one that follows such a leader
   * (a deposed winner no longer says it leads, its voter still names it for a while). Null while
   * neither shows.
   */
  public static Election elected(Aim aim, List<Replica> poll) {
    for (Replica r : poll) {
      if (r.group() != aim.group() || termOf(r) <= aim.term()) {
        continue;
      }
      int node = r.leader() ? r.node() : leaderOf(r);
      if (node == aim.winnerNode() || node == aim.voterNode()) {
        boolean asAimed = node == aim.winnerNode();
        return new Election(termOf(r), asAimed ? aim.winnerHost() : aim.voterHost(), node, asAimed);
      }
    }
    return null;
  }

  /**
   * How the group's next leader after the strike compares with the winner's term. With a correct
   * server it is always later: the voter remembers the winner's term, and no majority forms without it.
   */
  public enum Second {
    /** A second leader of the winner's term: the voter voted twice in it (Election Safety broken). */
    SAME_TERM,
    /**
     * A leader of an earlier term than the winner's: the voter forgot more than one term (its flushes
     * of several elections were lost). No two leaders of one term, but a leader the winner's higher
     * term will depose although the winner lacks what it committed (Leader Completeness at risk).
     */
    EARLIER_TERM,
    /** A leader of a later term, as with a correct server. */
    LATER_TERM
  }

  /**
   * The group's leader elected while the winner's host is paused, compared with the winner's term:
   * a replica of the group leading on another host. Null while the poll shows none.
   */
  public static Second second(Aim aim, Election e, List<Replica> poll) {
    Replica z = otherLeader(poll, aim.group(), e.winnerHost());
    if (z == null) {
      return null;
    }
    long t = termOf(z);
    return t == e.term() ? Second.SAME_TERM : t < e.term() ? Second.EARLIER_TERM : Second.LATER_TERM;
  }

  /**
   * The replica to ask for a leadership transfer to the winner: the group's leader on another host
   * (of two claimants, the higher term), or null when the winner's host leads the group already or
   * no leader answered.
   */
  public static Replica transferFrom(List<Replica> poll, int group, String winnerHost) {
    boolean winnerLeads = poll.stream().anyMatch(r -> r.group() == group && r.leader() && r.host().equals(winnerHost));
    return winnerLeads ? null : otherLeader(poll, group, winnerHost);
  }

  private static Replica otherLeader(List<Replica> poll, int group, String notHost) {
    Replica best = null;
    for (Replica r : poll) {
      if (r.group() == group && r.leader() && !r.host().equals(notHost) && (best == null || termOf(r) > termOf(best))) {
        best = r;
      }
    }
    return best;
  }

  static long termOf(Replica r) {
    return r.json().get("term") instanceof Number n ? n.longValue() : -1;
  }

  private static int leaderOf(Replica r) {
    return r.json().get("leader") instanceof Number n ? n.intValue() : -1;
  }
}
