package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.db.Db;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Power loss through {@link Db#losePower} (after Jepsen's kill + lazyfs "lose unfsynced writes"):
 * {@code :lose-power SPEC} kills every ShardKV process of the chosen hosts with -9 and drops what
 * they wrote but had not made durable (data not fsynced, names whose directory was not fsynced);
 * {@code :restore-power :all} starts the servers again from what was durable. The completion's
 * value says per host what the power loss lost (bytes not yet fsynced, names whose directory was
 * not fsynced). SPEC as for kill
 * ({@link Targets}); the hosts of one op lose power at once, so a majority of a group can lose the
 * same unsynced entry. Needs a testbed whose Db offers the layer ({@code Db.usePowerLoss} before
 * setup, which the campaign does when {@code power} is asked for); elsewhere the setup fails.
 */
public final class PowerNemesis implements Nemesis {
  private final NemesisContext ctx;
  private final Random rnd;

  public PowerNemesis(NemesisContext ctx) {
    this.ctx = ctx;
    this.rnd = ctx.random("power");
  }

  @Override
  public Set<String> fs() {
    return Set.of("lose-power", "restore-power");
  }

  @Override
  public Op invoke(Op op) {
    Db db = ctx.db();
    Set<String> hosts = Targets.resolve(op.value(), ctx.nodes(), rnd, () -> ClusterStatus.leaderHosts(ctx.status().poll()));
    boolean off = switch (op.f()) {
      case "lose-power" -> true;
      case "restore-power" -> false;
      default -> throw new IllegalArgumentException("power nemesis: unknown :f " + op.f());
    };
    Map<String, Object> result = new TreeMap<>();
    NemesisContext.onNodes(hosts, n -> {
      Object what;
      if (off) {
        what = db.losePower(n); // "lost N byte(s): ..."
      } else {
        db.start(n);
        what = Edn.kw("started");
      }
      synchronized (result) {
        result.put(n, what);
      }
    });
    ctx.log().accept("nemesis: " + op.f() + " " + Edn.line(op.value()) + " -> " + hosts);
    return op.withValue(result).with("nodes", new ArrayList<>(hosts)).with("spec", op.value());
  }

  @Override
  public void teardown() {
    NemesisContext.onNodes(ctx.nodes(), n -> ctx.db().start(n));
  }
}
