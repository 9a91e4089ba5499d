package io.shardkv.chaos.workload;

import io.shardkv.chaos.checker.AvailabilityChecker;
import io.shardkv.chaos.checker.Checker;
import io.shardkv.chaos.checker.LinearizableChecker;
import io.shardkv.chaos.client.Client;
import io.shardkv.chaos.client.KvClient;
import io.shardkv.chaos.client.KvSessions;
import io.shardkv.chaos.gen.Gen;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.gen.Keyed;
import io.shardkv.chaos.gen.Rng;
import io.shardkv.chaos.history.Op;
import io.shardkv.driver.client.KvException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code register}: independent keys {@code r0, r1, ...}, each a compare-and-set register:
 * {@code :read} (nil when absent), {@code :write v} and {@code :cas [old new]} with small integers
 * 0..4 (so cas often matches). Each key gets at most {@code --ops-per-key} ops. Checked per key with
 * the checker's {@code cas-register} model (a failed cas did not happen).
 */
public final class RegisterWorkload extends Workload {
  RegisterWorkload(WorkloadOptions options) {
    super(options);
  }

  @Override
  public String name() {
    return "register";
  }

  @Override
  protected String readF() {
    return "read";
  }

  @Override
  public Generator generator(Rng rng) {
    return Keyed.of(groupSize(), "r", Long.MAX_VALUE, k -> {
      Rng r = rng.fork(k);
      Generator reads = Gen.repeat(Op.invoke("read", null));
      Generator writes = Gen.fn(r.fork(1), x -> Op.invoke("write", (long) x.nextInt(5)));
      Generator cas = Gen.fn(r.fork(2), x -> Op.invoke("cas", List.of((long) x.nextInt(5), (long) x.nextInt(5))));
      return Gen.limit(options.opsPerKey(), Gen.mix(r.fork(3), reads, writes, cas));
    });
  }

  @Override
  public Map<String, Checker> checkers(Duration checkTimeout) {
    return Map.of("linear", new LinearizableChecker("cas-register", false, checkTimeout));
  }

  @Override
  protected Client client(KvSessions sessions) {
    return new KvClient(sessions, Set.of("read")) {
      @Override
      protected Op perform(Op op, String key, Duration timeout) throws KvException {
        switch (op.f()) {
          case "read" -> {
            Optional<String> v = kv.get(key, timeout);
            return op.ok(v.map(RegisterWorkload::parse).orElse(null));
          }
          case "write" -> {
            kv.put(key, String.valueOf(op.value()), timeout);
            return op.ok(op.value());
          }
          case "cas" -> {
            List<?> ab = (List<?>) op.value();
            boolean swapped = kv.cas(key, String.valueOf(ab.get(0)), String.valueOf(ab.get(1)), timeout);
            return swapped ? op.ok(op.value()) : op.fail(AvailabilityChecker.CAS_MISMATCH);
          }
          default -> throw new IllegalArgumentException("register client: unknown :f " + op.f());
        }
      }
    };
  }

  /** A stored value: the integer written, or the raw string if something else is there. */
  static Object parse(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return s;
    }
  }
}
