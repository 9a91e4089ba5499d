package io.shardkv.linearizability;

import static io.shardkv.linearizability.Histories.inv;
import static io.shardkv.linearizability.Histories.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.gen.HistoryGenerator;
import io.shardkv.linearizability.gen.HistoryGenerator.Kind;
import io.shardkv.linearizability.gen.HistoryGenerator.Spec;
import io.shardkv.linearizability.models.Models;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shrinker's promises: its result is still not linearizable, is 1-minimal (no single sound step
 * keeps it illegal — checked here by brute force, not by asking the shrinker), is made of the
 * input's ops only weakened, and a valid history is never turned into an invalid one.
 */
class ShrinkerTest {
  private static final Duration BUDGET = Duration.ofSeconds(30);

  private static Model<?> model(Kind k) {
    return Models.byName(switch (k) {
      case REGISTER -> "register";
      case CAS_REGISTER -> "cas-register";
      case KV -> "kv";
    }, false);
  }

  private static Verdict verdict(Model<?> m, List<Operation> ops) {
    return Checker.check(m, History.of(ops), CheckOptions.defaults().withThreads(1)).verdict();
  }

  @Test
  void aStaleReadAmongManyOpsShrinksToTheWritesItNeedsAndTheStaleRead() {
    History h = Histories.edn(
        inv(0, "write", "1"), ok(0, "write", "1"),
        inv(1, "read", "nil"), ok(1, "read", "1"),
        inv(2, "write", "2"), ok(2, "write", "2"),
        inv(0, "read", "nil"), ok(0, "read", "2"),
        inv(1, "write", "3"), ok(1, "write", "3"),
        inv(2, "read", "nil"), ok(2, "read", "1"), // stale: 1 was overwritten by 2 and 3
        inv(0, "read", "nil"), ok(0, "read", "3"),
        inv(1, "write", "4"), ok(1, "write", "4"));
    Model<?> m = Models.byName("cas-register", false);
    Shrinker.Result r = Shrinker.shrink(m, h.ops(), BUDGET);

    assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict());
    assertTrue(r.minimal(), r.note());
    assertOneMinimal(m, r.ops());
    // the stale read and the write it contradicts remain; other reads and the last write are gone
    List<String> shown = r.ops().stream().map(o -> o.f() + " " + (o.completed() ? o.output() : o.input()))
        .collect(Collectors.toList());
    assertTrue(shown.contains("read 1"), shown.toString());
    assertFalse(shown.contains("read 3"), shown.toString());
    assertTrue(r.ops().size() < h.size(), shown.toString());
    assertTrue(r.ops().stream().noneMatch(o -> o.f().equals("write") && Objects.equals(o.input(), 4L)),
        "the write invoked after the stale read is truncated away: " + shown);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void shrunkGeneratedStaleReadsStayIllegalAreOneMinimalAndOnlyWeakenTheInput(Kind kind) {
    Model<?> m = model(kind);
    int shrunk = 0;
    for (long seed = 1; seed <= 12; seed++) {
      HistoryGenerator.Generated g =
          HistoryGenerator.generateReporting(new Spec(kind, 120, 5, 0.1, 2, true), seed);
      if (!g.staleReadInjected()) {
        continue;
      }
      List<Operation> part = illegalPartition(m, g.history());
      Shrinker.Result r = Shrinker.shrink(m, part, BUDGET);
      assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict(), "seed " + seed);
      assertTrue(r.minimal(), "seed " + seed + ": " + r.note());
      assertOneMinimal(m, r.ops());
      assertOnlyWeakened(part, r.ops());
      assertTrue(r.ops().size() <= part.size());
      shrunk++;
    }
    assertTrue(shrunk >= 5, "only " + shrunk + " histories had a stale read to shrink");
  }

  /** Every step the shrinker may take, applied at random to linearizable histories, keeps them so. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void noStepTurnsALinearizableHistoryIntoAnIllegalOne(Kind kind) {
    Model<?> m = model(kind);
    Random rnd = new Random(kind.ordinal() + 41L);
    int steps = 0;
    for (int i = 0; i < 150; i++) {
      History h = HistoryGenerator.generate(new Spec(kind, 10 + rnd.nextInt(30), 1 + rnd.nextInt(5), 0.1, 1, false),
          rnd.nextLong());
      List<Operation> ops = new ArrayList<>(h.ops());
      assertEquals(Verdict.LINEARIZABLE, verdict(m, ops));
      for (int k = 0; k < 6 && !ops.isEmpty(); k++) {
        int j = rnd.nextInt(ops.size());
        Operation op = ops.get(j);
        switch (rnd.nextInt(3)) {
          case 0 -> ops = m.readOnly(op) ? Shrinker.drop(ops, j) : ops;
          case 1 -> ops = op.completed() ? Shrinker.weaken(ops, j) : ops;
          default -> ops = Shrinker.truncate(ops, op.call());
        }
        steps++;
        assertEquals(Verdict.LINEARIZABLE, verdict(m, ops), "history " + i + " after step " + k + ": " + ops);
      }
    }
    assertTrue(steps > 500);
  }

  @Test
  void aLinearizableHistoryIsReturnedAsItIsWithItsVerdict() {
    History h = Histories.edn(inv(0, "write", "1"), ok(0, "write", "1"), inv(1, "read", "nil"), ok(1, "read", "1"));
    Shrinker.Result r = Shrinker.shrink(Models.byName("cas-register", false), h.ops(), BUDGET);
    assertEquals(Verdict.LINEARIZABLE, r.verdict());
    assertEquals(h.ops(), r.ops());
    assertFalse(r.minimal());
    assertTrue(r.note().contains("nothing to shrink"), r.note());
  }

  private static List<Operation> illegalPartition(Model<?> m, History h) {
    PartitionResult p = Checker.check(m, h, CheckOptions.defaults()).firstIllegal();
    Object key = p.key();
    return h.ops().stream().filter(o -> Objects.equals(m.partition(o), key)).collect(Collectors.toList());
  }

  /** Brute force: each single step (drop a read-only op, weaken a completed one, truncate by one call) yields a legal history. */
  private static void assertOneMinimal(Model<?> m, List<Operation> ops) {
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      if (m.readOnly(op)) {
        assertEquals(Verdict.LINEARIZABLE, verdict(m, Shrinker.drop(ops, i)), "dropping " + op + " keeps it illegal");
      } else if (op.completed()) {
        assertEquals(Verdict.LINEARIZABLE, verdict(m, Shrinker.weaken(ops, i)), "weakening " + op + " keeps it illegal");
      }
    }
    long last = ops.stream().mapToLong(Operation::call).max().orElseThrow();
    assertEquals(Verdict.LINEARIZABLE, verdict(m, Shrinker.truncate(ops, last)), "truncating the last call keeps it illegal");
  }

  /** Each shrunk op is an input op, the same or weakened to INFO with the same call. */
  private static void assertOnlyWeakened(List<Operation> input, List<Operation> out) {
    Map<Integer, Operation> byId = input.stream().collect(Collectors.toMap(Operation::id, Function.identity()));
    for (Operation o : out) {
      Operation in = byId.get(o.id());
      assertEquals(in.call(), o.call());
      assertEquals(in.input(), o.input());
      assertEquals(in.f(), o.f());
      if (o.status() != in.status()) {
        assertEquals(Status.INFO, o.status(), "only weakening to INFO: " + in + " -> " + o);
      } else {
        assertEquals(in.ret(), o.ret());
        assertEquals(in.output(), o.output());
      }
    }
  }
}
