package io.shardkv.chaos.workload;

import io.shardkv.chaos.checker.AppendChecker;
import io.shardkv.chaos.checker.Checker;
import io.shardkv.chaos.checker.SetChecker;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code set}: set keys {@code s0, s1, ...}, each stored as the string of its elements; {@code :add e}
 * adds a unique element (an append of {@code "e;"}), {@code :read} returns the elements as stored,
 * duplicates kept (one read per nine adds during the run). After healing every set is read once more;
 * {@link SetChecker} judges lost, stale, unexpected and duplicated elements and reports which
 * indeterminate adds became visible.
 */
public final class SetWorkload extends Workload {
  SetWorkload(WorkloadOptions options) {
    super(options);
  }

  @Override
  public String name() {
    return "set";
  }

  @Override
  protected String readF() {
    return "read";
  }

  @Override
  public Generator generator(Rng rng) {
    return Keyed.of(groupSize(), "s", Long.MAX_VALUE, k -> new PerKey(rng.fork(k), 0, options.opsPerKey()));
  }

  private record PerKey(Rng rng, long nextElement, long left) implements Generator {
    @Override
    public Step next(Context ctx) {
      if (left <= 0) {
        return Step.DONE;
      }
      boolean read = rng.random().nextInt(10) == 0;
      Op op = Gen.fill(read ? Op.invoke("read", null) : Op.invoke("add", nextElement), ctx);
      if (op == null) {
        return Step.pending(this);
      }
      return Step.op(op, new PerKey(rng.next(), read ? nextElement : nextElement + 1, left - 1));
    }
  }

  @Override
  public Map<String, Checker> checkers(Duration checkTimeout) {
    return Map.of("set", new SetChecker());
  }

  @Override
  protected Client client(KvSessions sessions) {
    return new KvClient(sessions, Set.of("read")) {
      @Override
      protected Op perform(Op op, String key, Duration timeout) throws KvException {
        switch (op.f()) {
          case "read" -> {
            List<Object> elements = new ArrayList<>();
            for (String s : AppendChecker.decode(kv.get(key, timeout).orElse(null))) {
              elements.add(RegisterWorkload.parse(s));
            }
            return op.ok(elements);
          }
          case "add" -> {
            kv.append(key, AppendChecker.encode((Long) op.value()), timeout);
            return op.ok(op.value());
          }
          default -> throw new IllegalArgumentException("set client: unknown :f " + op.f());
        }
      }
    };
  }
}
