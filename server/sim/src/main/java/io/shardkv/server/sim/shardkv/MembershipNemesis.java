package io.shardkv.server.sim.shardkv;

import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.raft.Membership;
import io.shardkv.server.raft.MembershipChange;
import io.shardkv.server.raft.ProposeResult;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.replica.MembershipRules;
import io.shardkv.server.sim.SimRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The membership nemesis of {@code sim shardkv --membership} (issue 16): while the other faults run,
 * every 0.3-1.2 s it picks a group (the config center or a shard group) and acts as an operator with
 * {@code ctl} would, on that group's leader:
 * <ul>
 *   <li>with a learner: promote it (refused, and retried later, until it caught up);</li>
 *   <li>with more voters than the group started with: remove one (the leader too, thesis §4.2.2) —
 *       the second half of replacing a replica;</li>
 *   <li>with fewer: add a former member back as a learner (its stale disk rejoins) or, if none is
 *       left, a fresh replica on a spare server;</li>
 *   <li>else one of: transfer leadership to another voter, remove a voter, or start replacing one by
 *       adding a fresh replica on a spare server (its empty storage catches up by snapshot and log).</li>
 * </ul>
 * Every change goes through the admin port's rules ({@link MembershipRules}: one change at a time,
 * caught-up learners, the quorum guard) and the replica's {@code proposeMembershipChange}, transfers
 * through its {@code transferLeadership}: the code paths the real server runs. A spare asked to host a
 * group starts an empty replica as {@code /host-replica} does ({@link ShardKvWorld#hostOnSpare}).
 * After a change of a shard group's voters commits, the config center is given the group's voters
 * (a join of the same gid, as {@code ctl} does). A third of the time an accepted change is followed at
 * once by a second one proposed straight to the core, which must refuse it while the first is
 * uncommitted. Everything is drawn from the nemesis' own PRNG stream and recorded in the digest.
 */
final class MembershipNemesis {
  /** A change appended at {@code index} in {@code term} whose commit is awaited. */
  private record Pending(MembershipChange change, Membership after, long index, long term, long proposedAt) {}

  /** The quorum guard's window: two maximum election timeouts, at least 2 s, as on the real server. */
  private static final long QUORUM_WINDOW_MS = 2000;
  /** A change not seen committed within this long is counted lost (its leader lost it). */
  private static final long LOST_AFTER_MS = 5000;

  private final ShardKvWorld world;
  private final SimRandom random;
  private final CallRunner admin;
  private final TreeMap<Integer, Pending> pending = new TreeMap<>();
  private final TreeMap<Integer, Long> learnerAddedAt = new TreeMap<>();
  private final TreeSet<Integer> toPublish = new TreeSet<>();
  private final TreeMap<String, Integer> refusals = new TreeMap<>();
  private final TreeMap<String, Integer> completedByKind = new TreeMap<>();
  private final List<Long> catchUpMs = new ArrayList<>();
  private boolean running;
  private String violation;
  private int asked;
  private int appended;
  private int completed;
  private int lost;
  private int rejectedByCore;
  private int secondRefused;
  private int transfers;
  private int transfersTookEffect;
  private int freshReplicas;
  private int published;

  MembershipNemesis(ShardKvWorld world, SimRandom random) {
    this.world = world;
    this.random = random;
    this.admin = new CallRunner(world, new ShardRouter(2L, world.serverNames(ShardRouter.CONFIG_CENTER_GID),
        WorkloadClient.POLICY));
  }

  MembershipCounts counts() {
    int byRules = refusals.values().stream().mapToInt(Integer::intValue).sum();
    return new MembershipCounts(asked, appended, completed, completedByKind, lost, byRules, new TreeMap<>(refusals), rejectedByCore, secondRefused,
        transfers, transfersTookEffect, freshReplicas, published, List.copyOf(catchUpMs));
  }

  /** A second change the core accepted while one was in flight, described; null if none. */
  String violation() { return violation; }

  void start() {
    running = true;
    world.loop().after(random.between(300, 1200), this::step);
    world.loop().after(50, this::watch);
  }

  /** No new changes from now on; those in flight are still followed to their commit and published. */
  void stop() { running = false; }

  private void step() {
    if (!running) return;
    world.loop().after(random.between(300, 1200), this::step);
    int gid = random.below(world.options().groups() + 1);
    if (pending.containsKey(gid)) return; // its last change is still in flight: the rules would refuse
    ServerNode leader = world.leaderOf(gid);
    if (leader == null) return;
    RaftNode raft = leader.replica().raft();
    Membership m = raft.membership();
    int size = world.options().replicas();
    List<Integer> voters = m.voters();
    if (!m.learners().isEmpty()) {
      change(gid, leader, MembershipRules.Op.PROMOTE, m.learners().get(random.below(m.learners().size())));
    } else if (voters.size() > size) {
      change(gid, leader, MembershipRules.Op.REMOVE, voters.get(random.below(voters.size())));
    } else if (voters.size() < size) {
      addOne(gid, leader, m);
    } else {
      int choice = random.below(3);
      List<Integer> spares = world.idleSpares();
      if (choice == 1 && voters.size() > 1) {
        change(gid, leader, MembershipRules.Op.REMOVE, voters.get(random.below(voters.size())));
      } else if (choice == 2 && !spares.isEmpty()) {
        int spare = spares.get(random.below(spares.size()));
        world.hostOnSpare(spare, gid); // /host-replica: the spare starts an empty replica first
        change(gid, leader, MembershipRules.Op.ADD, spare);
      } else {
        transfer(gid, leader, voters);
      }
    }
  }

  /** Adds a former member back (its disk kept), or a fresh replica on a spare when none is left. */
  private void addOne(int gid, ServerNode leader, Membership m) {
    List<Integer> former = new ArrayList<>();
    for (int n : world.replicaServers(gid)) if (!m.contains(n)) former.add(n);
    if (!former.isEmpty()) {
      change(gid, leader, MembershipRules.Op.ADD, former.get(random.below(former.size())));
      return;
    }
    List<Integer> spares = world.idleSpares();
    if (spares.isEmpty()) return;
    int spare = spares.get(random.below(spares.size()));
    world.hostOnSpare(spare, gid);
    change(gid, leader, MembershipRules.Op.ADD, spare);
  }

  private void change(int gid, ServerNode leader, MembershipRules.Op op, int to) {
    asked++;
    RaftNode raft = leader.replica().raft();
    long now = world.loop().now();
    MembershipRules.Decision d = MembershipRules.decide(gid, op, to, raft, false,
        peer -> leader.heardFromWithin(peer, QUORUM_WINDOW_MS), QUORUM_WINDOW_MS);
    String what = op.wireName() + " n" + to + " to g" + gid + " on n" + leader.id();
    if (d.refused()) {
      refusals.merge(d.refusal().status(), 1, Integer::sum);
      world.digest().record(now, "member", "refused", what + ": " + d.refusal().status());
      return;
    }
    Membership before = raft.membership();
    ProposeResult res = leader.replica().proposeMembershipChange(d.change());
    world.digest().record(now, "member", "propose", what + ": " + res);
    if (!(res instanceof ProposeResult.Accepted a)) {
      rejectedByCore++;
      return;
    }
    appended++;
    pending.put(gid, new Pending(d.change(), before.apply(d.change()), a.index(), a.term(), now));
    if (op == MembershipRules.Op.ADD) learnerAddedAt.put(to, now);
    if (op == MembershipRules.Op.PROMOTE && learnerAddedAt.containsKey(to)) catchUpMs.add(now - learnerAddedAt.remove(to));
    if (random.below(3) == 0 && raft.commitIndex() < a.index()) secondChange(gid, leader, raft.membership());
  }

  /**
   * A second change while the first is uncommitted: the admin rules must answer {@code in_progress},
   * and the core, asked straight, must refuse it too (one change at a time holds in both).
   */
  private void secondChange(int gid, ServerNode leader, Membership m) {
    MembershipChange second = null;
    for (int n = 0; n < world.servers() && second == null; n++) {
      if (!m.contains(n)) second = MembershipChange.addLearner(n);
    }
    if (second == null) second = MembershipChange.remove(m.all().get(0));
    MembershipRules.Decision d = MembershipRules.decide(gid,
        second.kind() == MembershipChange.Kind.ADD_LEARNER ? MembershipRules.Op.ADD : MembershipRules.Op.REMOVE,
        second.nodeId(), leader.replica().raft(), true, peer -> true, QUORUM_WINDOW_MS);
    if ((!d.refused() || !d.refusal().status().equals("in_progress")) && violation == null) {
      violation = "the admin rules on n" + leader.id() + " (g" + gid + ") answered " + (d.refused() ? d.refusal() : d.change())
          + " to " + second + " while the change at index " + pending.get(gid).index() + " was not committed, not in_progress";
    }
    ProposeResult res = leader.replica().proposeMembershipChange(second);
    world.digest().record(world.loop().now(), "member", "second", "g" + gid + " " + second + ": " + res);
    if (res instanceof ProposeResult.Accepted && violation == null) {
      violation = "n" + leader.id() + " (g" + gid + ") accepted " + second + " while the change at index "
          + pending.get(gid).index() + " was not committed: two membership changes in flight";
    } else {
      secondRefused++;
    }
  }

  private void transfer(int gid, ServerNode leader, List<Integer> voters) {
    List<Integer> others = new ArrayList<>(voters);
    others.remove(Integer.valueOf(leader.id()));
    if (others.isEmpty()) return;
    int to = others.get(random.below(others.size()));
    transfers++;
    world.digest().record(world.loop().now(), "member", "transfer", "g" + gid + " n" + leader.id() + " -> n" + to);
    leader.replica().transferLeadership(to);
    world.loop().after(1000, () -> {
      ServerNode now = world.leaderOf(gid);
      if (now != null && now.id() == to) transfersTookEffect++;
    });
  }

  /** Every 50 ms: which pending changes committed (or were lost), and publishing to the config center. */
  private void watch() {
    long now = world.loop().now();
    for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      int gid = e.getKey();
      Pending p = e.getValue();
      Boolean committed = committed(gid, p);
      if (committed == null && now - p.proposedAt() < LOST_AFTER_MS) continue;
      it.remove();
      if (Boolean.TRUE.equals(committed)) {
        completed++;
        completedByKind.merge(p.change().kind().name(), 1, Integer::sum);
        world.digest().record(now, "member", "committed", "g" + gid + " " + p.change() + " at " + p.index());
        if (p.change().kind() == MembershipChange.Kind.PROMOTE && world.isSpare(p.change().nodeId())) freshReplicas++;
        if (gid != ShardRouter.CONFIG_CENTER_GID && p.change().kind() != MembershipChange.Kind.ADD_LEARNER) toPublish.add(gid);
      } else {
        lost++;
        world.digest().record(now, "member", "lost", "g" + gid + " " + p.change() + " at " + p.index());
      }
    }
    publishNext();
    world.loop().after(50, this::watch);
  }

  /** TRUE once a leader of {@code gid} committed {@code p}'s entry, FALSE once one committed another there, else null. */
  private Boolean committed(int gid, Pending p) {
    ServerNode leader = world.leaderOf(gid);
    if (leader == null) return null;
    RaftNode raft = leader.replica().raft();
    if (raft.commitIndex() < p.index()) return null;
    if (p.index() <= raft.snapshotMeta().lastIndex()) {
      // Compacted: the committed configuration then is the one proposed unless another replaced it.
      return raft.membershipAt(p.index()).equals(p.after());
    }
    return raft.termAt(p.index()) == p.term();
  }

  /** As ctl after a promotion or removal: gives the config center the group's voters, if they changed. */
  private void publishNext() {
    if (toPublish.isEmpty() || admin.busy()) return;
    int gid = toPublish.pollFirst();
    ServerNode leader = world.leaderOf(gid);
    if (leader == null) {
      toPublish.add(gid);
      return;
    }
    List<String> names = new ArrayList<>();
    for (int v : leader.replica().raft().membership().voters()) names.add(ShardKvWorld.serverName(v));
    admin.runConfigCenterOp(new ConfigCenterOp.Query(-1), q -> {
      ShardConfig cfg = CallRunner.configOf(q);
      if (cfg == null) {
        toPublish.add(gid); // the config center did not answer: later
        return;
      }
      if (names.equals(cfg.groups().get(gid))) {
        world.setPublishedNames(gid, names);
        return;
      }
      TreeMap<Integer, List<String>> join = new TreeMap<>();
      join.put(gid, names);
      admin.runConfigCenterOp(new ConfigCenterOp.Join(join), o -> {
        if (o.kind() == CallOutcome.Kind.FAILED) {
          toPublish.add(gid);
          return;
        }
        published++;
        world.setPublishedNames(gid, names);
        world.digest().record(world.loop().now(), "member", "published", "g" + gid + " " + names + " " + o.kind());
      });
    });
  }
}
