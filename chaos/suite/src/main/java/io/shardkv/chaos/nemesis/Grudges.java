package io.shardkv.chaos.nemesis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Partition shapes as grudges (Jepsen's {@code jepsen.nemesis}): a grudge maps a host to the hosts
 * whose packets it drops ({@code iptables -A INPUT -s SRC -j DROP} on that host). All functions are
 * pure; the random ones take their randomness as an argument.
 */
public final class Grudges {
  private Grudges() {}

  /** Two halves, the smaller first (Jepsen's bisect). */
  public static List<List<String>> bisect(List<String> nodes) {
    int h = nodes.size() / 2;
    return List.of(List.copyOf(nodes.subList(0, h)), List.copyOf(nodes.subList(h, nodes.size())));
  }

  /** Every host drops every host outside its own component. */
  public static SortedMap<String, SortedSet<String>> complete(List<? extends Collection<String>> components) {
    TreeMap<String, SortedSet<String>> g = new TreeMap<>();
    for (Collection<String> c : components) {
      for (String n : c) {
        TreeSet<String> drop = new TreeSet<>();
        for (Collection<String> other : components) {
          if (other != c) {
            drop.addAll(other);
          }
        }
        drop.removeAll(c);
        if (!drop.isEmpty()) {
          g.put(n, drop);
        }
      }
    }
    return g;
  }

  /** Fixed halves: the first floor(n/2) hosts against the rest. */
  public static SortedMap<String, SortedSet<String>> halves(List<String> nodes) {
    return complete(bisect(nodes));
  }

  /** Halves of a random shuffle. */
  public static SortedMap<String, SortedSet<String>> randomHalves(List<String> nodes, Random rnd) {
    return halves(shuffled(nodes, rnd));
  }

  /** One random host cut off from all others. */
  public static SortedMap<String, SortedSet<String>> isolateOne(List<String> nodes, Random rnd) {
    String x = nodes.get(rnd.nextInt(nodes.size()));
    return isolate(nodes, List.of(x));
  }

  /** Each of {@code isolated} alone in its own component; the other hosts together. */
  public static SortedMap<String, SortedSet<String>> isolate(List<String> nodes, Collection<String> isolated) {
    List<Collection<String>> comps = new ArrayList<>();
    List<String> rest = new ArrayList<>(nodes);
    for (String x : new TreeSet<>(isolated)) {
      comps.add(List.of(x));
      rest.remove(x);
    }
    if (!rest.isEmpty()) {
      comps.add(rest);
    }
    return complete(comps);
  }

  /**
   * A bridge: the halves are cut apart, except that the first host of the larger half talks to both
   * (nobody drops it, it drops nobody).
   */
  public static SortedMap<String, SortedSet<String>> bridge(List<String> nodes) {
    List<List<String>> h = bisect(nodes);
    return complete(List.of(h.get(0), h.get(1).subList(1, h.get(1).size())));
  }

  /** The bridge host of {@link #bridge}. */
  public static String bridgeHost(List<String> nodes) {
    return bisect(nodes).get(1).get(0);
  }

  /**
   * The majorities ring: every host sees a majority (itself included) and no two hosts see the same
   * majority. The hosts are shuffled onto a ring; the host at position i sees the window of
   * m = ⌊n/2⌋+1 consecutive positions from i−⌊(m−1)/2⌋, and drops everyone else. Every host then
   * also is seen by exactly m hosts. (Jepsen builds the same for up to 5 hosts and a randomized
   * graph above; sliding windows keep all three properties for any n ≥ 3.)
   */
  public static SortedMap<String, SortedSet<String>> majoritiesRing(List<String> nodes, Random rnd) {
    List<String> ring = shuffled(nodes, rnd);
    int n = ring.size();
    int m = n / 2 + 1;
    TreeMap<String, SortedSet<String>> g = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      TreeSet<String> drop = new TreeSet<>(ring);
      for (int j = 0; j < m; j++) {
        drop.remove(ring.get(Math.floorMod(i - (m - 1) / 2 + j, n)));
      }
      if (!drop.isEmpty()) {
        g.put(ring.get(i), drop);
      }
    }
    return g;
  }

  /** The hosts {@code node} still hears from under {@code grudge} (itself included). */
  public static SortedSet<String> visible(List<String> nodes, SortedMap<String, SortedSet<String>> grudge, String node) {
    TreeSet<String> v = new TreeSet<>(nodes);
    v.removeAll(grudge.getOrDefault(node, Collections.emptySortedSet()));
    return v;
  }

  static List<String> shuffled(List<String> nodes, Random rnd) {
    List<String> l = new ArrayList<>(nodes);
    Collections.shuffle(l, rnd);
    return l;
  }
}
