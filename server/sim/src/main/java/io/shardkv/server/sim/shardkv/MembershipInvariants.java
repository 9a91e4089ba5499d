package io.shardkv.server.sim.shardkv;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.Membership;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.raft.Role;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The membership rules checked on every server after each of its Ready passes and flushes, while the
 * membership nemesis runs (docs/membership.md, "The rules"):
 * <ul>
 *   <li><b>One change in flight</b>: a leader never holds two configuration entries of its own term
 *       above its commit index, nor one while entries of earlier terms are not known committed (it
 *       commits an entry of its term first).</li>
 *   <li><b>A learner never counts toward commit</b>: when a leader's commit index advances within its
 *       term, the voters that hold it (its own durable index, the others' match indexes) are a quorum
 *       of its configuration — or, when a configuration entry was appended since the advance, of the
 *       one before it (single-server changes: the quorums overlap).</li>
 *   <li><b>Only voters lead</b>: a leader that is not a voter of its configuration is one whose own
 *       removal has not committed yet (it steps down once it has); a learner never wins.</li>
 * </ul>
 * The first violation is kept ({@link #violation()}); the run fails with it.
 */
final class MembershipInvariants implements Consumer<ServerNode> {
  private record Seen(long term, boolean leader, long commit) {}

  private final ShardKvWorld world;
  private final Map<Integer, Seen> seen = new HashMap<>();
  private String violation;

  MembershipInvariants(ShardKvWorld world) {
    this.world = world;
  }

  /** The first rule broken, described; null while none is. */
  String violation() { return violation; }

  @Override
  public void accept(ServerNode s) {
    if (violation != null) return;
    RaftNode raft = s.replica().raft();
    boolean leader = raft.role() == Role.LEADER;
    long term = raft.term();
    long commit = raft.commitIndex();
    Seen before = seen.put(s.id(), new Seen(term, leader, commit));
    if (!leader) return;
    String who = "n" + s.id() + " (g" + s.gid() + ", term " + term + ")";
    Membership m = raft.membership();
    long configIndex = raft.membershipIndex();
    if (!m.isVoter(s.id()) && configIndex <= commit) {
      fail(who + " leads but is no voter of its committed configuration " + m + " (entry " + configIndex + ", commit "
          + commit + "): a learner won, or a removed leader did not step down");
      return;
    }
    // Its own term's configuration entries above its commit index, and whether entries of earlier
    // terms are still there (a restarted leader knows nothing committed until its no-op commits).
    int inFlight = 0;
    boolean olderUncommitted = false;
    for (long i = Math.max(commit, raft.snapshotMeta().lastIndex()) + 1; i <= raft.lastIndex(); i++) {
      boolean own = raft.termAt(i) == term;
      if (!own) olderUncommitted = true;
      if (own && raft.entry(i).kind() == EntryKind.CONFIG) inFlight++;
    }
    if (inFlight > 1) {
      fail(who + " appended " + inFlight + " configuration entries in its term above its commit index " + commit
          + " (last " + raft.lastIndex() + "): more than one membership change in flight");
      return;
    }
    if (inFlight == 1 && olderUncommitted) {
      fail(who + " appended a configuration entry before an entry of its own term committed (commit " + commit
          + ", entries of earlier terms above it): Raft thesis §4.1 as corrected, docs/membership.md rule 3");
      return;
    }
    if (before != null && before.leader() && before.term() == term && commit > before.commit()) {
      boolean held = heldByQuorum(raft, m, commit);
      if (!held && configIndex > 0) {
        Membership previous = raft.membershipAt(configIndex - 1);
        held = heldByQuorum(raft, previous, commit);
      }
      if (!held) {
        StringBuilder matches = new StringBuilder();
        for (int v : m.all()) matches.append(" n").append(v).append('=').append(raft.matchIndex(v));
        fail(who + " advanced its commit index " + before.commit() + " -> " + commit + " but no quorum of the voters of "
            + m + " holds it (match:" + matches + "): a learner or a non-voter counted toward commit");
      }
    }
  }

  private static boolean heldByQuorum(RaftNode raft, Membership m, long index) {
    int holding = 0;
    for (int v : m.voters()) if (raft.matchIndex(v) >= index) holding++;
    return holding >= m.quorum();
  }

  private void fail(String what) {
    violation = what;
    world.digest().record(world.loop().now(), "membership-check", "violation", what);
  }
}
