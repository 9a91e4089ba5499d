package io.shardkv.server.configcenter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Deterministic shard rebalancing: given the current shard → gid assignment and the set of live
 * groups, returns an assignment in which every live group owns {@code floor(n/k)} or
 * {@code ceil(n/k)} shards (so any two groups differ by at most one), and which moves the fewest
 * shards possible.
 *
 * <h2>Algorithm</h2>
 * Let {@code n} shards, {@code k} live groups, {@code b = n / k}, {@code r = n % k}, and
 * {@code c(g)} the number of shards live group g owns now (shards on gid 0 or on a departed group are
 * "orphans").
 * <ol>
 *   <li>Targets: sort the live groups by {@code c(g)} descending, then gid ascending; the first r get
 *       target {@code t(g) = b + 1}, the others {@code b}.</li>
 *   <li>Every group with {@code c(g) > t(g)} releases its {@code c(g) - t(g)} highest-numbered shards
 *       into a pool, which also holds every orphan.</li>
 *   <li>Groups with {@code c(g) < t(g)}, in ascending gid order, take {@code t(g) - c(g)} shards each
 *       from the pool, lowest shard number first.</li>
 * </ol>
 * With no live group every shard goes to gid 0. Everything is ordered by numbers, so the result
 * depends only on the inputs.
 *
 * <h2>Why the number of moved shards is minimal</h2>
 * A shard "moves" when its owner changes. Fix any balanced final assignment with per-group targets
 * {@code t'}. A group g ending with {@code t'(g)} shards keeps at most {@code min(c(g), t'(g))} of
 * its own, so at least {@code t'(g) - c(g)} shards move <em>to</em> it whenever that is positive;
 * these sets are disjoint, so any valid result moves at least {@code M(t') = sum_g max(0, t'(g) -
 * c(g))} shards. Our algorithm moves exactly {@code M(t)}: a group keeps {@code min(c(g), t(g))} of
 * its shards, and the only shards that change owner are those received by groups below target (the
 * pool has exactly enough, because {@code sum t = n}). It remains that our targets minimise
 * {@code M}: every balanced target vector gives {@code b + 1} to exactly r groups and {@code b} to the
 * rest, so {@code M(t') = sum_g max(0, b - c(g)) + sum_{g gets b+1} [c(g) <= b]}. The second term
 * counts the "+1" groups that currently own at most b shards; giving the r extra slots to the groups
 * that own the most shards makes it as small as possible (an exchange argument: swapping the extra
 * slot from a group with {@code c <= b} to one with {@code c > b} never increases the count). Hence
 * the result moves the minimum number of shards over all balanced assignments. In particular a join
 * moves exactly the shards the new group receives, and a leave moves exactly the departed group's
 * shards whenever the survivors were balanced before.
 */
public final class Rebalancer {
  private Rebalancer() {}

  /** A new assignment for {@code liveGids}; {@code current} is not modified. */
  public static int[] rebalance(int[] current, SortedSet<Integer> liveGids) {
    int n = current.length;
    int[] next = current.clone();
    if (liveGids.isEmpty()) {
      return new int[n];
    }
    TreeMap<Integer, List<Integer>> owned = new TreeMap<>();
    for (int gid : liveGids) {
      owned.put(gid, new ArrayList<>());
    }
    List<Integer> pool = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      List<Integer> list = owned.get(current[s]);
      if (list == null) {
        pool.add(s);
      } else {
        list.add(s);
      }
    }
    int k = liveGids.size();
    int base = n / k;
    int extra = n % k;
    List<Integer> byLoad = new ArrayList<>(liveGids);
    byLoad.sort(Comparator.<Integer>comparingInt(g -> -owned.get(g).size())
        .thenComparingInt(g -> g));
    TreeMap<Integer, Integer> target = new TreeMap<>();
    for (int i = 0; i < byLoad.size(); i++) {
      target.put(byLoad.get(i), base + (i < extra ? 1 : 0));
    }
    for (var e : owned.entrySet()) {
      List<Integer> mine = e.getValue();
      int t = target.get(e.getKey());
      while (mine.size() > t) {
        pool.add(mine.remove(mine.size() - 1));
      }
    }
    pool.sort(Comparator.naturalOrder());
    Deque<Integer> free = new ArrayDeque<>(pool);
    for (var e : owned.entrySet()) {
      int t = target.get(e.getKey());
      for (int have = e.getValue().size(); have < t; have++) {
        next[free.removeFirst()] = e.getKey();
      }
    }
    if (!free.isEmpty()) {
      throw new AssertionError("rebalance left " + free.size() + " shard(s) unassigned");
    }
    return next;
  }
}
