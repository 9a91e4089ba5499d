package io.shardkv.server.sim.raft;

import io.shardkv.server.raft.Membership;
import io.shardkv.server.raft.MembershipChange;
import io.shardkv.server.raft.ProposeResult;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.sim.SimRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The membership nemesis of the Raft simulator (issue 16): every 0.2-1.2 s until the faults stop,
 * the current leader is asked for a single-server change (Raft thesis §4.1) picked at random among
 * those that apply to its configuration: add a node that is not a member as a learner, promote a
 * learner, remove a learner, or remove a voter (possibly the leader itself, §4.2.2) while more than
 * {@code minVoters} remain. A third of the time a second change follows at once, which the leader
 * must refuse while the first is in flight (one change at a time). Removed nodes keep their disks
 * and may be added again later (a stale log rejoining). Refused changes are counted, not retried.
 * Every run is checked by {@link RaftInvariants}.
 */
final class MembershipChanges {
  private final RaftCluster cluster;
  private final SimRandom random;
  private final long untilMs;
  private final int minVoters;
  private int proposed;
  private int accepted;

  MembershipChanges(RaftCluster cluster, SimRandom random, long untilMs) {
    this.cluster = cluster;
    this.random = random;
    this.untilMs = untilMs;
    this.minVoters = Math.min(3, cluster.options().seedMembers().size());
  }

  int proposed() { return proposed; }
  int accepted() { return accepted; }

  void start() {
    cluster.loop().after(random.between(200, 1200), this::step);
  }

  private void step() {
    if (cluster.loop().now() >= untilMs) return;
    int leader = cluster.currentLeader();
    RaftNode raft = leader < 0 ? null : cluster.node(leader);
    if (raft != null) {
      List<MembershipChange> burst = new ArrayList<>();
      Membership m = raft.membership();
      for (int k = random.below(3) == 0 ? 2 : 1; k > 0; k--) {
        List<MembershipChange> options = options(m);
        if (options.isEmpty()) break;
        MembershipChange c = options.get(random.below(options.size()));
        burst.add(c);
        m = m.apply(c);
      }
      if (!burst.isEmpty()) {
        proposed += burst.size();
        cluster.digest().record(cluster.loop().now(), "client", "member", leader + ": " + burst);
        cluster.submit(leader, r -> {
          for (MembershipChange c : burst) {
            ProposeResult res = r.proposeMembershipChange(c);
            if (res instanceof ProposeResult.Accepted) accepted++;
            cluster.digest().record(cluster.loop().now(), "n" + leader, "member-result", res.toString());
          }
        });
      }
    }
    cluster.loop().after(random.between(200, 1200), this::step);
  }

  private List<MembershipChange> options(Membership m) {
    List<MembershipChange> out = new ArrayList<>();
    for (int n = 0; n < cluster.size(); n++) {
      if (!m.contains(n)) out.add(MembershipChange.addLearner(n));
    }
    for (int l : m.learners()) {
      out.add(MembershipChange.promote(l));
      out.add(MembershipChange.remove(l));
    }
    if (m.voters().size() > minVoters) {
      for (int v : m.voters()) out.add(MembershipChange.remove(v));
    }
    return out;
  }
}
