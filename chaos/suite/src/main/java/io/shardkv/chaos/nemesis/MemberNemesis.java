package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.db.SpareServers;
import io.shardkv.chaos.db.Topology;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Membership change as a fault (after Jepsen's etcd membership nemesis), through the admin endpoints
 * {@code bin/shardkv ctl} uses (docs/membership.md), one single-server change at a time, never forced:
 * <ul>
 *   <li>{@code :remove-member}: a random voter of a random group is removed (the cluster refuses when
 *       the group would lose its quorum: recorded as {@code :outcome :refused}, not forced).</li>
 *   <li>{@code :replace-member}: a fresh replica on a host that hosts none of the group's members is
 *       added as a learner, promoted once caught up, then a random old voter is removed.</li>
 *   <li>{@code :add-member}: every group gets back to full membership: its learners promoted (or, if
 *       they cannot catch up, removed), then fresh replicas added and promoted until it has as many
 *       voters as its seed — on the host whose voter was removed last, under a new server id (a
 *       spare incarnation, {@link Topology}), else on another host.</li>
 * </ul>
 * The choices are {@link MemberPlan}'s. Each completion's {@code :value} says what was asked and
 * what the cluster did ({@code :outcome} {@code :removed :refused :replaced :added-only :added
 * :promoted :failed :skipped}); a change that committed is published to the config center (the
 * group's voters become its address list, as ctl does). An op gives up after {@link #OP_MILLIS}, and
 * skips a group that has no leader within {@link #LEADER_WAIT_MILLIS}; the final generator's
 * {@code :add-member :final} waits longer ({@link #FINAL_OP_MILLIS}, {@link #FINAL_LEADER_WAIT_MILLIS}).
 */
public final class MemberNemesis implements Nemesis {
  /** How long one op may hold the (shared) nemesis thread; the final {@code :add-member :final} longer. */
  static final long OP_MILLIS = 30_000;
  static final long FINAL_OP_MILLIS = 120_000;
  /**
   * How long an op waits for a group to have a leader before it skips the group (the final op: 60 s).
   * Short, because while it waits every other class's ops wait too (one nemesis thread): a group
   * without a leader under other faults must not keep them all in force.
   */
  static final long LEADER_WAIT_MILLIS = 5_000;
  static final long FINAL_LEADER_WAIT_MILLIS = 60_000;

  private final NemesisContext ctx;
  private final Random rnd;
  private SpareServers spares;
  private MemberPlan plan;
  private MemberAdmin admin;
  private ShardKvClient config;
  /** The current op's wait for a leader (nemesis thread only). */
  private long leaderWaitNanos = LEADER_WAIT_MILLIS * 1_000_000L;

  public MemberNemesis(NemesisContext ctx) {
    this.ctx = ctx;
    this.rnd = ctx.random("member");
  }

  @Override
  public Set<String> fs() {
    return Set.of("remove-member", "add-member", "replace-member");
  }

  @Override
  public void setup() {
    if (!(ctx.db() instanceof SpareServers s)) {
      throw new ChaosException("the member nemesis needs hosts that can run spare servers (--lab or --nodes);"
          + " this testbed's database cannot host a fresh replica under a new server id");
    }
    spares = s;
    plan = new MemberPlan(s.topology());
    admin = admins(ctx);
    config = ReconfigNemesis.adminClient(ctx);
  }

  /** A membership admin client over every running server of the testbed. */
  static MemberAdmin admins(NemesisContext ctx) {
    return new MemberAdmin(() -> ctx.db().adminAddresses().values().stream().flatMap(List::stream).toList());
  }

  @Override
  public Op invoke(Op op) {
    boolean fin = Edn.kw("final").equals(op.value());
    long now = System.nanoTime();
    long deadline = now + (fin ? FINAL_OP_MILLIS : OP_MILLIS) * 1_000_000L;
    leaderWaitNanos = (fin ? FINAL_LEADER_WAIT_MILLIS : LEADER_WAIT_MILLIS) * 1_000_000L;
    Object value = switch (op.f()) {
      case "remove-member" -> removeMember(deadline);
      case "replace-member" -> replaceMember(deadline);
      case "add-member" -> restore(deadline);
      default -> throw new IllegalArgumentException("member nemesis: unknown :f " + op.f());
    };
    ctx.log().accept("nemesis: " + op.f() + " -> " + Edn.line(value));
    return op.withValue(value);
  }

  private Map<Object, Object> removeMember(long deadline) {
    int g = plan.groups().get(rnd.nextInt(plan.groups().size()));
    MemberAdmin.Members m = leader(g, deadline);
    if (m == null) return skipped(g, "no leader");
    if (!m.settled()) return skipped(g, "a change is in progress (learners " + m.learners() + ")");
    List<Integer> can = plan.removable(g, m.voters());
    if (can.isEmpty()) return skipped(g, "no voter may be removed from " + m.voters());
    return remove(g, can.get(rnd.nextInt(can.size())), deadline);
  }

  private Map<Object, Object> replaceMember(long deadline) {
    int g = plan.groups().get(rnd.nextInt(plan.groups().size()));
    MemberAdmin.Members m = leader(g, deadline);
    if (m == null) return skipped(g, "no leader");
    if (!m.settled()) return skipped(g, "a change is in progress (learners " + m.learners() + ")");
    List<Integer> can = plan.replaceable(g, m.voters());
    if (can.isEmpty()) return skipped(g, "no voter may be replaced in " + m.voters());
    int old = can.get(rnd.nextInt(can.size()));
    Map<Object, Object> added = add(g, m.voters(), null, deadline);
    if (!Edn.kw("added").equals(added.get(Edn.kw("outcome")))) {
      added.put(Edn.kw("old"), old);
      return added;
    }
    Map<Object, Object> removed = remove(g, old, deadline);
    boolean done = Edn.kw("removed").equals(removed.get(Edn.kw("outcome")));
    Map<Object, Object> r = Edn.map("group", g, "old", old, "old-node", plan.nodeOf(old), "new", added.get(Edn.kw("server")),
        "new-node", added.get(Edn.kw("node")), "outcome", Edn.kw(done ? "replaced" : "added-only"), "voters",
        done ? removed.get(Edn.kw("voters")) : added.get(Edn.kw("voters")), "catch-up-ms", added.get(Edn.kw("ms")));
    if (!done) r.put(Edn.kw("reason"), removed.get(Edn.kw("reason")));
    return r;
  }

  /** Every group back to full membership: learners promoted or removed, fresh voters added; one map per group changed. */
  private List<Object> restore(long deadline) {
    List<Object> out = new ArrayList<>();
    for (int g : plan.groups()) {
      MemberAdmin.Members m = leader(g, deadline);
      if (m == null) {
        out.add(skipped(g, "no leader"));
        continue;
      }
      for (int learner : m.learners()) {
        MemberAdmin.Answer a = admin.change(g, "/promote", learner, deadline);
        MemberAdmin.Members after = a.accepted() ? admin.awaitCommitted(g, a.index(), deadline) : null;
        if (after != null && after.voters().contains(learner)) {
          publish(g, after);
          out.add(Edn.map("group", g, "server", learner, "node", plan.nodeOf(learner), "outcome", Edn.kw("promoted"),
              "voters", after.voters()));
        } else {
          Map<Object, Object> r = remove(g, learner, deadline);
          r.put(Edn.kw("why"), "learner not promoted: " + a.reason());
          out.add(r);
        }
      }
      while (true) {
        m = leader(g, deadline);
        if (m == null || m.voters().size() >= plan.fullSize(g) || System.nanoTime() >= deadline) break;
        List<Integer> members = new ArrayList<>(m.voters());
        members.addAll(m.learners()); // a learner neither promoted nor removed still occupies its host
        Map<Object, Object> r = add(g, members, plan.lastRemovedFrom(g), deadline);
        out.add(r);
        if (!Edn.kw("added").equals(r.get(Edn.kw("outcome")))) break;
      }
      if (m == null) {
        out.add(skipped(g, "no leader"));
      } else {
        publish(g, m); // also where an earlier change committed while the config center was down
      }
    }
    return out;
  }

  /**
   * Adds a fresh replica as a learner, waits until its entry committed, promotes it once caught up
   * (the leader refuses until then: retried until the deadline), publishes the new voters.
   */
  private Map<Object, Object> add(int g, Collection<Integer> members, String prefer, long deadline) {
    Optional<Topology.Server> s = plan.fresh(g, members, prefer, upHosts(), rnd);
    if (s.isEmpty()) return skipped(g, "no host that answers has a fresh server id for group " + g);
    int id = s.get().id();
    Map<Object, Object> r = Edn.map("group", g, "server", id, "node", s.get().node());
    long t0 = System.nanoTime();
    plan.adding(g, id); // from here on it may host a replica: never again a fresh one of this group
    try {
      if (s.get().groups().isEmpty()) spares.activate(id);
    } catch (ChaosException e) {
      return failed(r, "start", e.getMessage());
    }
    MemberAdmin.Answer a = admin.change(g, "/add-replica", id, deadline);
    if (!a.accepted()) return failed(r, "add-replica", a.reason());
    MemberAdmin.Members m = admin.awaitCommitted(g, a.index(), deadline);
    if (m == null || !m.learners().contains(id)) return failed(r, "add-replica", "the learner's entry did not commit in time");
    a = admin.change(g, "/promote", id, deadline);
    if (!a.accepted()) return failed(r, "promote", a.reason());
    m = admin.awaitCommitted(g, a.index(), deadline);
    if (m == null || !m.voters().contains(id)) return failed(r, "promote", "the promotion did not commit in time");
    publish(g, m);
    r.put(Edn.kw("outcome"), Edn.kw("added"));
    r.put(Edn.kw("voters"), m.voters());
    r.put(Edn.kw("ms"), (System.nanoTime() - t0) / 1_000_000);
    return r;
  }

  /** Removes {@code id} from group {@code g} without force; a refusal is the outcome, not an error. */
  private Map<Object, Object> remove(int g, int id, long deadline) {
    Map<Object, Object> r = Edn.map("group", g, "server", id, "node", plan.nodeOf(id));
    MemberAdmin.Answer a = admin.change(g, "/remove-replica", id, deadline);
    if (!a.accepted()) {
      r.put(Edn.kw("outcome"), Edn.kw("refused"));
      r.put(Edn.kw("status"), Edn.kw(a.status().isEmpty() ? "none" : a.status().replace('_', '-')));
      r.put(Edn.kw("reason"), a.reason());
      return r;
    }
    MemberAdmin.Members m = admin.awaitCommitted(g, a.index(), deadline);
    if (m == null || m.voters().contains(id) || m.learners().contains(id)) {
      return failed(r, "remove-replica", "the removal did not commit in time");
    }
    plan.removed(g, id);
    publish(g, m);
    r.put(Edn.kw("outcome"), Edn.kw("removed"));
    r.put(Edn.kw("voters"), m.voters());
    r.put(Edn.kw("retired"), admin.retire(spares.topology().server(id).adminAddress(), g));
    return r;
  }

  /** After the voters changed: a joined shard group's address list in the config center becomes its voters'. */
  private void publish(int g, MemberAdmin.Members m) {
    if (g == 0) return;
    try {
      Configuration cfg = config.query(-1);
      List<String> now = cfg.groups().get(g);
      if (now != null && !now.equals(m.voterAddresses())) config.join(Map.of(g, m.voterAddresses()));
    } catch (KvException e) {
      ctx.log().accept("nemesis: group " + g + "'s voters " + m.voters() + " not published to the config center: " + e.getMessage());
    }
  }

  /** The group's leader's view, waited for at most the op's leader wait. */
  private MemberAdmin.Members leader(int g, long deadline) {
    return admin.leader(g, Math.min(deadline, System.nanoTime() + leaderWaitNanos));
  }

  /** Hosts on which some server answers {@code /status} now. */
  private Set<String> upHosts() {
    Set<String> up = new TreeSet<>();
    ctx.status().poll().forEach(x -> up.add(x.host()));
    return up;
  }

  private static Map<Object, Object> skipped(int g, String why) {
    return Edn.map("group", g, "outcome", Edn.kw("skipped"), "reason", why);
  }

  private static Map<Object, Object> failed(Map<Object, Object> r, String step, String why) {
    r.put(Edn.kw("outcome"), Edn.kw("failed"));
    r.put(Edn.kw("step"), Edn.kw(step));
    r.put(Edn.kw("reason"), why);
    return r;
  }

  @Override
  public void teardown() {
    if (config != null) config.close();
  }
}
