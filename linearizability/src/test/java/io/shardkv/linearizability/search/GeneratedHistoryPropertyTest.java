package io.shardkv.linearizability.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Status;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.gen.HistoryGenerator;
import io.shardkv.linearizability.gen.HistoryGenerator.Kind;
import io.shardkv.linearizability.gen.HistoryGenerator.Spec;
import io.shardkv.linearizability.models.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests over seeded generated histories: linearizable by construction must be judged
 * LINEARIZABLE, a definite stale read NOT_LINEARIZABLE, and on random (possibly broken) small
 * histories the optimized search must agree with the plain Porcupine-style search.
 */
class GeneratedHistoryPropertyTest {

  private static Model<?> model(Kind k) {
    return Models.byName(switch (k) {
      case REGISTER -> "register";
      case CAS_REGISTER -> "cas-register";
      case KV -> "kv";
    }, false);
  }

  static Stream<Arguments> specs() {
    List<Arguments> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (int procs : new int[] {1, 3, 6, 10}) {
        for (double info : new double[] {0.0, 0.05, 0.2}) {
          for (int ops : new int[] {20, 200}) {
            out.add(Arguments.of(k, ops, procs, info));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} ops {2} procs info {3}")
  @MethodSource("specs")
  void historiesLinearizableByConstructionAreJudgedLinearizable(Kind kind, int ops, int procs, double info) {
    for (long seed = 1; seed <= 8; seed++) {
      History h = HistoryGenerator.generate(new Spec(kind, ops, procs, info, 3, false), seed);
      assertEquals(Verdict.LINEARIZABLE, Checker.check(model(kind), h, CheckOptions.defaults()).verdict(),
          "seed " + seed);
    }
  }

  @ParameterizedTest(name = "{0} {1} ops {2} procs info {3}")
  @MethodSource("specs")
  void historiesWithADefiniteStaleReadAreJudgedNotLinearizable(Kind kind, int ops, int procs, double info) {
    int injected = 0;
    for (long seed = 1; seed <= 8; seed++) {
      HistoryGenerator.Generated g = HistoryGenerator.generateReporting(new Spec(kind, ops, procs, info, 3, true), seed);
      History h = g.history();
      if (!g.staleReadInjected()) {
        continue; // too few writes completed in sequence to inject one
      }
      injected++;
      assertEquals(Verdict.NOT_LINEARIZABLE, Checker.check(model(kind), h, CheckOptions.defaults()).verdict(),
          "seed " + seed);
    }
    if (ops >= 200) {
      org.junit.jupiter.api.Assertions.assertTrue(injected > 0, "no stale read could be injected");
    }
  }

  /** Random small histories, half of them corrupted by changing one observed value. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void optimizedSearchAgreesWithPlainSearchOnSmallHistories(Kind kind) {
    Random rnd = new Random(kind.ordinal() * 1000L + 17);
    int illegal = 0;
    for (int i = 0; i < 500; i++) {
      History h = HistoryGenerator.generate(
          new Spec(kind, 6 + rnd.nextInt(18), 1 + rnd.nextInt(6), rnd.nextInt(3) * 0.15, 1 + rnd.nextInt(2), false),
          rnd.nextLong());
      if (rnd.nextBoolean()) {
        h = corrupt(h, rnd);
      }
      Verdict plain = Checker.check(model(kind), h, CheckOptions.defaults().withOptimized(false)).verdict();
      Verdict fast = Checker.check(model(kind), h, CheckOptions.defaults()).verdict();
      assertEquals(plain, fast, "history " + i + ": " + h.ops());
      illegal += plain == Verdict.NOT_LINEARIZABLE ? 1 : 0;
    }
    // the corruption must actually produce illegal histories, or this test checks nothing
    org.junit.jupiter.api.Assertions.assertTrue(illegal > 20, "only " + illegal + " illegal histories");
  }

  static Stream<Kind> kinds() {
    return Stream.of(Kind.values());
  }

  private static History corrupt(History h, Random rnd) {
    List<Operation> ops = new ArrayList<>(h.ops());
    List<Integer> reads = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      if ((op.f().equals("read") || op.f().equals("get")) && op.status() == Status.OK) {
        reads.add(i);
      }
    }
    if (reads.isEmpty()) {
      return h;
    }
    int i = reads.get(rnd.nextInt(reads.size()));
    Operation r = ops.get(i);
    // replace the observed value with another value written somewhere in the history
    List<Object> written = new ArrayList<>();
    for (Operation op : ops) {
      if (op.f().equals("write") || op.f().equals("put")) {
        written.add(op.input());
      }
    }
    Object v = written.isEmpty() ? (Object) 99L : written.get(rnd.nextInt(written.size()));
    ops.set(i, new Operation(r.id(), r.process(), r.key(), r.f(), r.input(), v, r.status(), r.call(),
        r.ret(), r.line()));
    return History.of(ops);
  }
}
