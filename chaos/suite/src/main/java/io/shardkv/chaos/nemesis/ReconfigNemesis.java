package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reconfiguration through the config center's client operations (what {@code bin/shardkv ctl}
 * does): {@code :leave-group} (a random joined group leaves, if more than one is joined; its shards
 * move away), {@code :join-group} (every group that left joins again), {@code :move-shard} (a
 * random shard to a random joined group). Which groups exist is learned at setup from the latest
 * configuration; what is joined now is read from the config center before each op, so an
 * indeterminate earlier op cannot mislead it. The completion records the group/shard and the
 * configuration number afterwards, or {@code :skipped} with the reason, or the client's
 * {@code :error}. A group joins again with its voters' addresses as its leader reports them then
 * (membership changes since setup included), else those of setup.
 */
public final class ReconfigNemesis implements Nemesis {
  private final NemesisContext ctx;
  private final Random rnd;
  private final Duration deadline;
  private ShardKvClient admin;
  private SortedMap<Integer, List<String>> groups = new TreeMap<>();

  /** A nemesis whose config-center calls give up after 3 s each. */
  public ReconfigNemesis(NemesisContext ctx) {
    this(ctx, Duration.ofSeconds(3));
  }

  /** A nemesis whose config-center calls retry across leaders for up to {@code deadline} each. */
  public ReconfigNemesis(NemesisContext ctx, Duration deadline) {
    this.ctx = ctx;
    this.rnd = ctx.random("reconfig");
    this.deadline = deadline;
  }

  /**
   * The deadline of each config-center call for {@code --nemesis-interval} seconds: eight intervals,
   * at least 10 s, at most 60 s. Long enough to ride out what the last faults left behind: in the
   * lab on an overloaded 2-core machine (load 25 to 30) killed servers took 8 to 38 s to serve
   * again and the config center then needed a second or two to elect a leader (issue 14). A call
   * returns as soon as a leader answers, so the bound only matters while the config center cannot
   * commit.
   */
  public static Duration deadline(double intervalSeconds) {
    return Duration.ofMillis((long) (1000 * Math.max(10, Math.min(60, 8 * intervalSeconds))));
  }

  @Override
  public Set<String> fs() {
    return Set.of("leave-group", "join-group", "move-shard");
  }

  @Override
  public void setup() {
    admin = adminClient(ctx, deadline);
    try {
      groups = new TreeMap<>(admin.query(-1).groups());
    } catch (KvException e) {
      throw new ChaosException("reconfiguration nemesis: cannot read the configuration from the config center "
          + ctx.db().clusterAddresses() + ": " + e.getMessage(), e);
    }
    if (groups.size() < 2) {
      ctx.log().accept("nemesis: only " + groups.size() + " shard group(s) joined; :leave-group will be skipped");
    }
  }

  /**
   * A config-center client whose ops give up after 3 s: the nemesis thread is shared by every fault
   * class, so one op must not hold it long while the config center is down.
   */
  static ShardKvClient adminClient(NemesisContext ctx) {
    return adminClient(ctx, Duration.ofSeconds(3));
  }

  /** A config-center client whose ops retry (across leaders, 500 ms an attempt) for up to {@code callTimeout}. */
  static ShardKvClient adminClient(NemesisContext ctx, Duration callTimeout) {
    return ShardKvClient.connect(ctx.db().clusterAddresses(),
        ClientOptions.defaults().withCallTimeout(callTimeout).withAttemptTimeout(Duration.ofMillis(500)));
  }

  @Override
  public Op invoke(Op op) {
    try {
      Configuration cfg = admin.query(-1);
      TreeSet<Integer> joined = new TreeSet<>(cfg.groups().keySet());
      Object value;
      switch (op.f()) {
        case "leave-group" -> {
          if (joined.size() <= 1) {
            return op.withValue(Edn.map("skipped", "only one group is joined"));
          }
          int gid = new ArrayList<>(joined).get(rnd.nextInt(joined.size()));
          admin.leave(List.of(gid));
          value = Edn.map("gid", gid);
        }
        case "join-group" -> {
          Map<Integer, List<String>> left = currentAddresses(joined);
          if (left.isEmpty()) {
            return op.withValue(Edn.map("skipped", "no group has left"));
          }
          admin.join(left);
          value = Edn.map("gids", new ArrayList<>(left.keySet()));
        }
        case "move-shard" -> {
          if (joined.isEmpty()) {
            return op.withValue(Edn.map("skipped", "no group is joined"));
          }
          int shard = rnd.nextInt(cfg.shardToGroup().length);
          int gid = new ArrayList<>(joined).get(rnd.nextInt(joined.size()));
          admin.move(shard, gid);
          value = Edn.map("shard", shard, "gid", gid);
        }
        default -> throw new IllegalArgumentException("reconfiguration nemesis: unknown :f " + op.f());
      }
      long num = admin.query(-1).num();
      ctx.log().accept("nemesis: " + op.f() + " " + Edn.line(value) + " -> configuration " + num);
      return op.withValue(value).with("config", num);
    } catch (KvException e) {
      ctx.log().accept("nemesis: " + op.f() + " failed: " + e.getMessage());
      return op.with("error", e.getMessage()).with("definite", e.definite());
    }
  }

  /**
   * The groups not in {@code joined}, each with its voters' addresses as its leader reports them now
   * (the member nemesis may have changed them since setup), else those learned at setup.
   */
  private Map<Integer, List<String>> currentAddresses(java.util.Collection<Integer> joined) {
    Map<Integer, List<String>> left = new TreeMap<>(groups);
    left.keySet().removeAll(joined);
    MemberAdmin members = MemberNemesis.admins(ctx);
    left.replaceAll((g, setup) -> {
      MemberAdmin.Members m = members.leaderOnce(g);
      return m == null ? setup : m.voterAddresses();
    });
    return left;
  }

  @Override
  public void teardown() {
    if (admin == null) {
      return;
    }
    try {
      Map<Integer, List<String>> left = currentAddresses(admin.query(-1).groups().keySet());
      if (!left.isEmpty()) {
        admin.join(left);
      }
    } catch (KvException e) {
      ctx.log().accept("nemesis: could not join the groups that left back: " + e.getMessage());
    } finally {
      admin.close();
    }
  }
}
