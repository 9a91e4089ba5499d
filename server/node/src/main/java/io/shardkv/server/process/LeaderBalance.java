package io.shardkv.server.process;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which shard group, if any, a server should hand over to spread leadership across the servers
 * (issue 13: a process hosting many groups). Leaders do the work of a group — they take every
 * client request, replicate, answer — so when one server leads every group (the usual outcome of a
 * cluster start: the first server able to win wins every election) it does all the work while the
 * others idle, and sharding buys nothing. TiKV's placement driver ("balance-leader") and
 * CockroachDB's lease rebalancing move leadership for the same reason; this is the simplest form,
 * decided by each server from what it sees, using the core's leadership transfer (Raft thesis
 * §3.10).
 *
 * <p>The rule, applied every balance interval by each server to the shard groups it hosts (the
 * config center, group 0, is light and not counted): count how many of those groups each voter
 * leads; if this server leads a group one of whose voters leads at least two fewer, and that voter
 * is ready to take over ({@code RaftNode#transferReady}: heard from recently, caught up), hand that
 * group to the least-loaded such voter (ties: lowest group, then lowest server id). Nothing moves
 * while a transfer of this server's is in flight. Invariants:
 * <ul>
 *   <li><b>No ping-pong.</b> A move from a server leading {@code a} to one leading {@code b ≤ a - 2}
 *       leaves them at {@code a - 1} and {@code b + 1 ≤ a - 1}: neither then leads two more than
 *       the other. Even two servers moving to the same target at once leave it at most one above
 *       either of them. Counts that differ by one never trigger a move, so a balanced cluster is
 *       still (one group over three servers never moves).</li>
 *   <li><b>Progress.</b> Each move lowers the sum of squared counts, so moves stop.</li>
 *   <li><b>Safety</b> is the transfer's (§3.10): a transfer that fails (the target died) is aborted
 *       by the core after an election timeout; the rule never makes a leader out of a non-voter.</li>
 * </ul>
 * A server sees only the groups it hosts; where every server hosts every group (the layouts
 * {@code local-cluster}, the chaos suite and the Ansible roles deploy) that is the whole picture.
 * Pure: no clock, no I/O; {@code NodeServer} supplies the views and performs the move.
 */
final class LeaderBalance {
  private LeaderBalance() {}

  /**
   * What this server sees of one hosted shard group: who leads it ({@code leader < 0}: unknown),
   * its voters, and when this server leads it, the followers a transfer would reach at once and
   * whether a transfer is under way.
   */
  record View(int group, int leader, List<Integer> voters, Set<Integer> ready, boolean transferring) {
    View {
      voters = List.copyOf(voters);
      ready = Set.copyOf(ready);
    }
  }

  /** Hand {@code group}'s leadership to server {@code to}; {@code counts} is what the decision saw. */
  record Move(int group, int to, TreeMap<Integer, Integer> counts) {}

  /** The move server {@code self} should make now, if any (see the class comment). */
  static Optional<Move> choose(int self, Collection<View> views) {
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    for (View v : views) {
      for (int voter : v.voters()) counts.putIfAbsent(voter, 0);
      if (v.leader() >= 0) counts.merge(v.leader(), 1, Integer::sum);
    }
    Move best = null;
    int bestCount = Integer.MAX_VALUE;
    for (View v : views) {
      if (v.leader() != self) continue;
      if (v.transferring()) return Optional.empty(); // one hand-over at a time
    }
    int mine = counts.getOrDefault(self, 0);
    for (View v : views.stream().sorted(java.util.Comparator.comparingInt(View::group)).toList()) {
      if (v.leader() != self) continue;
      for (int to : v.voters().stream().sorted().toList()) {
        if (to == self || !v.ready().contains(to)) continue;
        int theirs = counts.get(to);
        if (mine - theirs < 2) continue;
        if (theirs < bestCount) {
          best = new Move(v.group(), to, counts);
          bestCount = theirs;
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
