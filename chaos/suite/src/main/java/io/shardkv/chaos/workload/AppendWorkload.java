package io.shardkv.chaos.workload;

import io.shardkv.chaos.checker.AppendChecker;
import io.shardkv.chaos.checker.Checker;
import io.shardkv.chaos.checker.LinearizableChecker;
import io.shardkv.chaos.client.Client;
import io.shardkv.chaos.client.KvClient;
import io.shardkv.chaos.client.KvSessions;
import io.shardkv.chaos.gen.Context;
import io.shardkv.chaos.gen.Gen;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.gen.Keyed;
import io.shardkv.chaos.gen.Rng;
import io.shardkv.chaos.gen.Step;
import io.shardkv.chaos.history.Op;
import io.shardkv.driver.client.KvException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code append} (6.824 style): keys {@code a0, a1, ...}; {@code :append "e;"} adds element e
 * (unique per key: 0, 1, 2, ...) to the key's string, {@code :get} reads it. Three appends per
 * get. Checked per key with the checker's {@code kv} model and by {@link AppendChecker} (every
 * acknowledged append exactly once, in one order consistent with every read).
 */
public final class AppendWorkload extends Workload {
  AppendWorkload(WorkloadOptions options) {
    super(options);
  }

  @Override
  public String name() {
    return "append";
  }

  @Override
  protected String readF() {
    return "get";
  }

  @Override
  public Generator generator(Rng rng) {
    return Keyed.of(groupSize(), "a", Long.MAX_VALUE, k -> new PerKey(rng.fork(k), 0, options.opsPerKey()));
  }

  /** One key's ops: gets and appends of the next unused element, {@code left} more. */
  private record PerKey(Rng rng, long nextElement, long left) implements Generator {
    @Override
    public Step next(Context ctx) {
      if (left <= 0) {
        return Step.DONE;
      }
      boolean get = rng.random().nextInt(4) == 0;
      Op op = Gen.fill(get ? Op.invoke("get", null) : Op.invoke("append", AppendChecker.encode(nextElement)), ctx);
      if (op == null) {
        return Step.pending(this);
      }
      return Step.op(op, new PerKey(rng.next(), get ? nextElement : nextElement + 1, left - 1));
    }
  }

  @Override
  public Map<String, Checker> checkers(Duration checkTimeout) {
    Map<String, Checker> m = new LinkedHashMap<>();
    m.put("linear", new LinearizableChecker("kv", false, checkTimeout));
    m.put("append", new AppendChecker());
    return m;
  }

  @Override
  protected Client client(KvSessions sessions) {
    return new KvClient(sessions, Set.of("get")) {
      @Override
      protected Op perform(Op op, String key, Duration timeout) throws KvException {
        switch (op.f()) {
          case "get" -> {
            return op.ok(kv.get(key, timeout).orElse(null));
          }
          case "append" -> {
            kv.append(key, (String) op.value(), timeout);
            return op.ok(op.value());
          }
          default -> throw new IllegalArgumentException("append client: unknown :f " + op.f());
        }
      }
    };
  }
}
