package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.nemesis.ClusterStatus.Replica;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *   <li><b>Order down</b> ({@link Plan}): every host but that group's leader's loses power first, the
 *       leader's host {@code lastDelay} later, so that the leader still commits, and answers, what the
 *       followers had acknowledged when they went.</li>
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
   * One strike: the shard group aimed at, its leader's host, the hosts that lose power first (every
   * other host, in host order) and the one that loses it last.
   */
  public record Plan(int group, String leaderHost, long commit, List<String> first, List<String> last) {
    public Plan {
      first = List.copyOf(first);
      last = List.copyOf(last);
    }

    /** Every host of {@code nodes} but the leader's go first; the leader's host goes last. */
    static Plan of(Replica leader, List<String> nodes) {
      List<String> first = new ArrayList<>();
      for (String n : nodes) {
        if (!n.equals(leader.host())) {
          first.add(n);
        }
      }
      return new Plan(leader.group(), leader.host(), commitOf(leader), first, List.of(leader.host()));
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
      return best == null ? null : Plan.of(best, nodes);
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

  /** Hosts that answered the poll. */
  static Set<String> hosts(List<Replica> replicas) {
    Set<String> s = new java.util.TreeSet<>();
    replicas.forEach(r -> s.add(r.host()));
    return s;
  }

  static long commitOf(Replica r) {
    return r.json().get("commit") instanceof Number n ? n.longValue() : -1;
  }

  private static long termOf(Replica r) {
    return r.json().get("term") instanceof Number n ? n.longValue() : -1;
  }
}
