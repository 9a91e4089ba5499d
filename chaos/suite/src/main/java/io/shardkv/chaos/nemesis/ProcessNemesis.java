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
 * Process faults through {@link Db} (always by pid file, never by name): {@code :kill} (kill -9 of
 * every ShardKV process on the hosts), {@code :start} (restart what is not running),
 * {@code :pause} (SIGSTOP), {@code :resume} (SIGCONT). The {@code :value} names the hosts as a spec
 * ({@link Targets}: {@code :one :minority :majority :leaders :all}) or a list; the completion's
 * {@code :value} says what happened on each host it chose. The hosts of one op are hit at once.
 */
public final class ProcessNemesis implements Nemesis {
  private final NemesisContext ctx;
  private final Random rnd;

  public ProcessNemesis(NemesisContext ctx) {
    this.ctx = ctx;
    this.rnd = ctx.random("process");
  }

  @Override
  public Set<String> fs() {
    return Set.of("kill", "start", "pause", "resume");
  }

  @Override
  public Op invoke(Op op) {
    Db db = ctx.db();
    Set<String> hosts = Targets.resolve(op.value(), ctx.nodes(), rnd,
        () -> ClusterStatus.leaderHosts(ctx.status().poll()));
    String done = switch (op.f()) {
      case "kill" -> "killed";
      case "start" -> "started";
      case "pause" -> "paused";
      case "resume" -> "resumed";
      default -> throw new IllegalArgumentException("process nemesis: unknown :f " + op.f());
    };
    Map<String, Object> result = new TreeMap<>();
    NemesisContext.onNodes(hosts, n -> {
      switch (op.f()) {
        case "kill" -> db.kill(n);
        case "start" -> db.start(n);
        case "pause" -> db.pause(n);
        default -> db.resume(n);
      }
      synchronized (result) {
        result.put(n, Edn.kw(done));
      }
    });
    ctx.log().accept("nemesis: " + op.f() + " " + Edn.line(op.value()) + " -> " + hosts);
    return op.withValue(result).with("nodes", new ArrayList<>(hosts)).with("spec", op.value());
  }

  @Override
  public void teardown() {
    NemesisContext.onNodes(ctx.nodes(), n -> {
      ctx.db().resume(n);
      ctx.db().start(n);
    });
  }
}
