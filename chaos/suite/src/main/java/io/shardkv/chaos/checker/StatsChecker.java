package io.shardkv.chaos.checker;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Op counts: client ops per {@code :f} and outcome ({@code :ok :fail :info}), nemesis events per
 * {@code :f}. A run in which no client op succeeded says nothing about safety: unknown, not valid.
 */
public final class StatsChecker implements Checker {
  @Override
  public Result check(CheckInput input) {
    Map<String, Map<String, Long>> byF = new TreeMap<>();
    long ok = 0;
    long fail = 0;
    long info = 0;
    List<OpPair> client = OpPair.clientOps(input.history());
    for (OpPair p : client) {
      Map<String, Long> m = byF.computeIfAbsent(p.invoke().f(), f -> new LinkedHashMap<>(Map.of()));
      String t = p.type().keyword();
      m.merge(t, 1L, Long::sum);
      switch (p.type()) {
        case OK -> ok++;
        case FAIL -> fail++;
        default -> info++;
      }
    }
    Map<Object, Object> fs = new LinkedHashMap<>();
    byF.forEach((f, m) -> fs.put(Edn.kw(f), Edn.map("ok", m.getOrDefault("ok", 0L), "fail", m.getOrDefault("fail", 0L),
        "info", m.getOrDefault("info", 0L))));
    Map<Object, Object> nemesis = new LinkedHashMap<>();
    Map<String, Long> nf = new TreeMap<>();
    for (OpPair p : OpPair.nemesisOps(input.history())) {
      nf.merge(p.invoke().f(), 1L, Long::sum);
    }
    nf.forEach((f, n) -> nemesis.put(Edn.kw(f), n));
    Map<Object, Object> d = Edn.map("count", client.size(), "ok-count", ok, "fail-count", fail, "info-count", info,
        "by-f", fs, "nemesis", nemesis);
    if (ok == 0) {
      d.put(Edn.kw("error"), "no client operation succeeded: the run says nothing about safety");
    }
    return new Result(ok > 0 ? Validity.VALID : Validity.UNKNOWN, d);
  }
}
