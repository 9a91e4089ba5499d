package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.nemesis.ClusterStatus.Replica;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decisions of the {@code power-strike} nemesis ({@link PowerNemesis}), apart from its I/O so that
 * they are tested on made-up {@code /status} polls: <em>when</em> to cut the power and in which
 * order the hosts go down and come back.
 *
 * <p>What it aims at: an entry a group's leader committed on a follower's acknowledgement that the
 * follower had not made durable yet (the planted {@code ack-before-fsync}; a correct server never
 * acknowledges before its flush, RaftStorage's contract). Such an entry survives the power loss only
 * on the leader (which counts its own append only once durable, {@code ReadyDriver}), so it is lost
 * exactly when the followers elect a leader among themselves. Hence:
 * <ol>
 *   <li><b>When</b> ({@link BusyWatch}): only while the cluster serves writes — some shard group's
 *       leader committed at least {@code minCommits} entries since the watch began (acknowledged
 *       entries are in flight only then). A timer strikes mostly a cluster still restarting
 *       (measured: 83 of 85 timed power losses found nothing unflushed).</li>
 *   <li><b>Order down</b> ({@link Plan}): every host but that group's leader's and one follower's loses
 *       power first; the follower's host a moment later, the leader's host a moment after that. While
 *       only the leader and that follower run, the leader commits on the follower's acknowledgements
 *       alone, so what it commits then is on no other follower; when the follower goes, what it
 *       acknowledged but had not flushed is on the leader only, and the leader still commits, and
 *       answers, it before it goes too. (Measured: with the followers going together, the old leader
 *       had 1-25 entries no follower had, but mostly uncommitted ones.)</li>
 *   <li><b>Order up</b>: every host but the old leader's at once; the old leader's only once its group
 *       has elected another leader ({@link #electedWithout}), or after a bound — a machine that takes
 *       longer to reboot.</li>
 * </ol>
 * A correct server loses nothing this way: whatever a follower acknowledged is durable on it, and a
 * committed entry is on a majority, so on every leader the survivors can elect (Raft §5.4).
 */
public final class PowerStrike {
  private PowerStrike() {}

  /**
   * One strike: the shard group aimed at, its leader's host, the hosts that lose power first (in host
   * order), then the one follower's host that goes second (empty if no follower of the group
   * answered the poll), then the leader's host.
   */
  public record Plan(int group, String leaderHost, long commit, List<String> first, List<String> second, List<String> last) {
    public Plan {
      first = List.copyOf(first);
      second = List.copyOf(second);
      last = List.copyOf(last);
    }

    /**
     * The leader's host goes last; before it the host of the group's follower (of those in the poll,
     * not on the leader's host) that is first in host order; every other host of {@code nodes} first.
     */
    static Plan of(Replica leader, List<Replica> replicas, List<String> nodes) {
      String follower = null;
      for (String n : nodes) {
        boolean hostsFollower = replicas.stream().anyMatch(r -> r.host().equals(n) && r.group() == leader.group() && !r.leader());
        if (follower == null && !n.equals(leader.host()) && hostsFollower) {
          follower = n;
        }
      }
      List<String> first = new ArrayList<>();
      for (String n : nodes) {
        if (!n.equals(leader.host()) && !n.equals(follower)) {
          first.add(n);
        }
      }
      return new Plan(leader.group(), leader.host(), commitOf(leader), first, follower == null ? List.of() : List.of(follower),
          List.of(leader.host()));
    }
  }

  /**
   * Watches successive polls for a busy shard group: the first poll in which a group (not the config
   * center, group 0) has a leader sets its baseline commit index; the first later poll in which that
   * group's leader reports a commit index at least {@code minCommits} above it makes the plan. A
   * new leader's higher commit counts too (the group still committed). Not thread-safe: one watch per
   * strike.
   */
  public static final class BusyWatch {
    private final long minCommits;
    private final Map<Integer, Long> baseline = new HashMap<>();

    public BusyWatch(long minCommits) {
      if (minCommits < 1) {
        throw new IllegalArgumentException("minCommits must be at least 1, got " + minCommits);
      }
      this.minCommits = minCommits;
    }

    /** The plan if some shard group is busy now (the busiest one above the bar), else null. */
    public Plan observe(List<Replica> replicas, List<String> nodes) {
      Replica best = null;
      long bestGain = -1;
      for (Replica r : leaders(replicas).values()) {
        long c = commitOf(r);
        Long base = baseline.putIfAbsent(r.group(), c);
        long gain = base == null ? 0 : c - base;
        if (gain >= minCommits && gain > bestGain) {
          best = r;
          bestGain = gain;
        }
      }
      return best == null ? null : Plan.of(best, replicas, nodes);
    }
  }

  /**
   * True when a replica of {@code group} not on {@code oldLeaderHost} reports itself leader: the
   * group elected without the old leader, so its host may come back.
   */
  public static boolean electedWithout(List<Replica> replicas, int group, String oldLeaderHost) {
    return replicas.stream().anyMatch(r -> r.group() == group && r.leader() && !r.host().equals(oldLeaderHost));
  }

  /** The leader of each shard group (group above 0) in one poll; of two claimants, the higher term. */
  static Map<Integer, Replica> leaders(List<Replica> replicas) {
    Map<Integer, Replica> out = new TreeMap<>();
    for (Replica r : replicas) {
      if (r.group() > 0 && r.leader()) {
        out.merge(r.group(), r, (a, b) -> termOf(b) > termOf(a) ? b : a);
      }
    }
    return out;
  }

  static long commitOf(Replica r) {
    return r.json().get("commit") instanceof Number n ? n.longValue() : -1;
  }

  private static long termOf(Replica r) {
    return r.json().get("term") instanceof Number n ? n.longValue() : -1;
  }
}
