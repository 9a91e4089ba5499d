package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.db.Topology;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code member} nemesis's choices, with no I/O (unit-tested without a cluster): which voter may
 * be removed, and which server may host a fresh replica of a group. Invariants it keeps:
 * <ul>
 *   <li>A server id hosts a fresh replica of a group only if it never was a member of it (neither in
 *       its seed nor ever added: docs/membership.md rule 8, which the servers enforce too).</li>
 *   <li>A group keeps at least a majority of its full size (its seed's size) as voters: a removal
 *       never takes it lower, so one more failure cannot take its quorum.</li>
 *   <li>The config center (group 0) keeps a majority of its seed servers as voters: clients and the
 *       shard groups know it only by its seed addresses (docs/membership.md, "Limits").</li>
 *   <li>A fresh replica goes to a host that hosts no member of the group (one replica per host),
 *       under the first of that host's server ids ({@link Topology#incarnations}) still fresh for it.</li>
 * </ul>
 * Only the nemesis thread uses it.
 */
final class MemberPlan {
  private final Topology topology;
  /** Group → every server id that ever was a member: its seed and each one added since. */
  private final Map<Integer, Set<Integer>> burnt = new TreeMap<>();
  /** Group → the host whose voter was removed last: a re-add goes there first (Jepsen: re-add the node). */
  private final Map<Integer, String> lastRemovedFrom = new TreeMap<>();

  MemberPlan(Topology topology) {
    this.topology = topology;
    topology.groups().forEach((g, seed) -> burnt.put(g, new TreeSet<>(seed)));
  }

  List<Integer> groups() {
    return topology.groupIds();
  }

  /** The voters a group is meant to have: as many as its seed. */
  int fullSize(int group) {
    return topology.groups().get(group).size();
  }

  static int majority(int n) {
    return n / 2 + 1;
  }

  /** The voters of {@code group} that may be removed now (ascending); empty when none may. */
  List<Integer> removable(int group, List<Integer> voters) {
    if (voters.size() - 1 < majority(fullSize(group))) return List.of();
    return replaceable(group, voters);
  }

  /** The voters of {@code group} that may be replaced (added a fresh one first, then removed). */
  List<Integer> replaceable(int group, List<Integer> voters) {
    List<Integer> seed = topology.groups().get(group);
    long seedVoters = voters.stream().filter(seed::contains).count();
    List<Integer> out = new ArrayList<>();
    for (int v : voters) {
      boolean keepSeed = group == 0 && seed.contains(v) && seedVoters - 1 < majority(seed.size());
      if (!keepSeed) out.add(v);
    }
    return out;
  }

  /**
   * A server for a fresh replica of {@code group}, whose members are {@code members}: on host
   * {@code prefer} if it hosts none of them (null: no preference), else on a random such host, among
   * the hosts {@code up} (whose servers answer now); empty if none of them has a fresh id left.
   */
  Optional<Topology.Server> fresh(int group, Collection<Integer> members, String prefer, Set<String> up, Random rnd) {
    Set<String> taken = new TreeSet<>();
    for (int m : members) taken.add(topology.server(m).node());
    List<String> hosts = new ArrayList<>();
    topology.hosts().forEach(h -> hosts.add(h.name()));
    Collections.shuffle(hosts, rnd);
    if (prefer != null && hosts.remove(prefer)) hosts.add(0, prefer);
    for (String h : hosts) {
      if (taken.contains(h) || !up.contains(h)) continue;
      for (Topology.Server s : topology.incarnations(h)) {
        if (!burnt.get(group).contains(s.id())) return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Called before asking to add {@code id}: from then on it may have hosted a replica of the group. */
  void adding(int group, int id) {
    burnt.get(group).add(id);
  }

  void removed(int group, int id) {
    lastRemovedFrom.put(group, topology.server(id).node());
  }

  String lastRemovedFrom(int group) {
    return lastRemovedFrom.get(group);
  }

  String nodeOf(int id) {
    return topology.server(id).node();
  }
}
