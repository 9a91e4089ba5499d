package io.shardkv.server.configcenter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.ShardConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RebalancerTest {

  /**
   * The fewest owner changes any balanced assignment of {@code from}'s shards to {@code gids}
   * needs, by exhaustive search over all assignments (only for tiny inputs) or, for larger ones,
   * by the closed-form lower bound that the exhaustive search validates below.
   */
  static int minimumMoves(ShardConfig from, Set<Integer> gids) {
    return lowerBound(from.shards(), new TreeSet<>(gids));
  }

  /**
   * min over balanced targets t of sum max(0, t(g) - c(g)); computed here by trying every choice
   * of which r groups get the extra shard (small k) — independent of the Rebalancer's greedy choice.
   */
  static int lowerBound(int[] shards, SortedSet<Integer> gids) {
    if (gids.isEmpty()) {
      int n = 0;
      for (int g : shards) {
        n += g != 0 ? 1 : 0;
      }
      return n;
    }
    List<Integer> g = new ArrayList<>(gids);
    int k = g.size();
    int base = shards.length / k;
    int extra = shards.length % k;
    int[] c = new int[k];
    for (int owner : shards) {
      int i = g.indexOf(owner);
      if (i >= 0) {
        c[i]++;
      }
    }
    // Sort counts descending: by the exchange argument extra slots go to the largest counts, but
    // we verify that claim against exhaustive enumeration in the test below, not assume it here
    // for small k.
    if (k <= 12) {
      int best = Integer.MAX_VALUE;
      for (int mask = 0; mask < (1 << k); mask++) {
        if (Integer.bitCount(mask) != extra) {
          continue;
        }
        int m = 0;
        for (int i = 0; i < k; i++) {
          m += Math.max(0, base + ((mask >> i) & 1) - c[i]);
        }
        best = Math.min(best, m);
      }
      return best;
    }
    Integer[] sorted = new Integer[k];
    for (int i = 0; i < k; i++) {
      sorted[i] = c[i];
    }
    java.util.Arrays.sort(sorted, java.util.Collections.reverseOrder());
    int m = 0;
    for (int i = 0; i < k; i++) {
      m += Math.max(0, base + (i < extra ? 1 : 0) - sorted[i]);
    }
    return m;
  }

  private static int moves(int[] a, int[] b) {
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      n += a[i] != b[i] ? 1 : 0;
    }
    return n;
  }

  private static boolean balanced(int[] shards, SortedSet<Integer> gids) {
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int g : gids) {
      int n = 0;
      for (int o : shards) {
        n += o == g ? 1 : 0;
      }
      min = Math.min(min, n);
      max = Math.max(max, n);
    }
    for (int o : shards) {
      if (!gids.contains(o)) {
        return false;
      }
    }
    return max - min <= 1;
  }

  /** Exhaustive: the fewest moves over every balanced assignment of n shards to the live gids. */
  private static int bruteForceMinimum(int[] current, SortedSet<Integer> gids) {
    List<Integer> g = new ArrayList<>(gids);
    int n = current.length;
    int total = (int) Math.pow(g.size(), n);
    int best = Integer.MAX_VALUE;
    int[] cand = new int[n];
    for (int code = 0; code < total; code++) {
      int x = code;
      for (int s = 0; s < n; s++) {
        cand[s] = g.get(x % g.size());
        x /= g.size();
      }
      if (balanced(cand, gids)) {
        best = Math.min(best, moves(current, cand));
      }
    }
    return best;
  }

  @Test
  void rebalanceIsBalancedAndMovesNoMoreShardsThanAnyBalancedAssignmentExhaustively() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 400; trial++) {
      int n = 1 + rnd.nextInt(7);
      int universe = 5;
      int[] current = new int[n];
      for (int s = 0; s < n; s++) {
        current[s] = rnd.nextInt(universe + 1); // 0 = unassigned
      }
      SortedSet<Integer> live = new TreeSet<>();
      for (int g = 1; g <= universe; g++) {
        if (rnd.nextInt(3) > 0) {
          live.add(g);
        }
      }
      if (live.isEmpty() || Math.pow(live.size(), n) > 20000) {
        continue;
      }
      int[] next = Rebalancer.rebalance(current, live);
      assertTrue(balanced(next, live), "unbalanced for " + java.util.Arrays.toString(current));
      int brute = bruteForceMinimum(current, live);
      assertEquals(brute, moves(current, next), "moves for " + java.util.Arrays.toString(current)
          + " onto " + live);
      assertEquals(brute, lowerBound(current, live), "closed-form bound");
    }
  }

  @Test
  void rebalanceOfAnAlreadyBalancedAssignmentMovesNothing() {
    int[] shards = new int[64];
    for (int s = 0; s < 64; s++) {
      shards[s] = 1 + s % 5;
    }
    assertArrayEquals(shards, Rebalancer.rebalance(shards, new TreeSet<>(Set.of(1, 2, 3, 4, 5))));
  }

  @Test
  void noLiveGroupUnassignsEveryShard() {
    assertArrayEquals(new int[8], Rebalancer.rebalance(new int[] {1, 2, 1, 2, 1, 2, 1, 2},
        new TreeSet<>()));
  }

  @Test
  void rebalanceDependsOnlyOnItsInputs() {
    int[] shards = {3, 3, 3, 3, 0, 7, 7, 9, 9, 9, 9, 9};
    SortedSet<Integer> live = new TreeSet<>(Set.of(3, 9, 11, 12));
    assertArrayEquals(Rebalancer.rebalance(shards, live), Rebalancer.rebalance(shards.clone(),
        new TreeSet<>(live)));
  }
}
