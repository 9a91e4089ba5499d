package io.shardkv.chaos.gen;

import static io.shardkv.chaos.gen.GenSim.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.run.Campaign;
import io.shardkv.chaos.run.TestSpec;
import io.shardkv.chaos.workload.Workload;
import io.shardkv.chaos.workload.WorkloadOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GenTest {
  private static final Op A = Op.invoke("a", null);
  private static final Op B = Op.invoke("b", null);

  private static List<String> fs(List<Op> history) {
    return GenSim.invocations(history).stream().map(Op::f).toList();
  }

  private static TestSpec spec(long seed, String workload) {
    return new TestSpec(workload, List.of("kill", "pause", "reconfig", "trigger", "partition", "clock"), 2,
        io.shardkv.chaos.nemesis.Targets.SPECS, 20, 6, 50, 3, 40,
        seed, 5, 5, "local", List.of("n1", "n2", "n3", "n4", "n5"), false);
  }

  private static List<String> schedule(long seed, String workload) {
    TestSpec s = spec(seed, workload);
    Workload w = Workload.byName(workload, new WorkloadOptions(s.concurrency(), s.keyCount(), s.opsPerKey()));
    // latencies vary with the op so processes free up in a non-trivial order; some ops crash (:info)
    return GenSim.run(Campaign.generator(s, w), s.concurrency(), op -> (3 + op.toString().length() % 17) * MS,
        op -> op.toString().length() % 11 == 0 ? Op.Type.INFO : Op.Type.OK, 3000).stream().map(Op::toString).toList();
  }

  @Test
  void theSameSeedGivesTheSameScheduleOfOpsAndFaults_anotherSeedAnother() {
    for (String w : Workload.NAMES) {
      List<String> a = schedule(42, w);
      assertEquals(a, schedule(42, w), w);
      assertNotEquals(a, schedule(43, w), w);
      assertTrue(a.stream().anyMatch(l -> l.contains(":process :nemesis")), "the schedule has faults: " + w);
      assertTrue(a.size() > 1000, w + " schedule too short: " + a.size());
    }
  }

  @Test
  void aGeneratorAskedTwiceInTheSameContextAnswersTheSame() {
    TestSpec s = spec(7, "register");
    Generator g = Campaign.generator(s, Workload.byName("register", new WorkloadOptions(6, 3, 40)));
    Context ctx = Context.initial(6);
    Step first = g.next(ctx);
    while (first.kind() == Step.Kind.LOG) {
      g = first.rest();
      first = g.next(ctx);
    }
    assertEquals(first.op(), g.next(ctx).op());
  }

  @Test
  void limitEmitsAtMostNOps() {
    assertEquals(List.of("a", "a", "a"), fs(GenSim.run(Gen.limit(3, Gen.repeat(A)), 2, 100)));
  }

  @Test
  void timeLimitDropsOpsDueAfterItsCutoffCountedFromTheFirstOp() {
    List<Op> h = GenSim.run(Gen.timeLimit(1.0, Gen.repeat(A)), 1, 10_000);
    List<Op> inv = GenSim.invocations(h);
    assertTrue(inv.stream().allMatch(o -> o.time() < 1000 * MS), "an op after the cutoff");
    assertTrue(inv.size() >= 95, "one client at 10 ms per op does about 100 ops per second: " + inv.size());
  }

  @Test
  void phasesStartOnlyWhenEveryOpOfThePreviousPhaseCompleted() {
    Generator g = Gen.phases(Gen.limit(4, Gen.repeat(A)), Gen.once(B));
    List<Op> h = GenSim.run(g, 3, op -> (op.f().equals("a") ? 100 + 50 * op.process() : 1) * MS, op -> Op.Type.OK, 100);
    long lastA = h.stream().filter(o -> o.f().equals("a") && !o.isInvoke()).mapToLong(Op::time).max().orElseThrow();
    long b = h.stream().filter(o -> o.f().equals("b") && o.isInvoke()).findFirst().orElseThrow().time();
    assertTrue(b >= lastA, "b at " + b + " before the last a completed at " + lastA);
  }

  @Test
  void thenMovesOnAsSoonAsTheFirstIsExhaustedWithoutWaiting() {
    List<Op> h = GenSim.run(Gen.then(Gen.once(A), Gen.once(B)), 2, op -> 100 * MS, op -> Op.Type.OK, 10);
    assertEquals(0, GenSim.invocations(h).get(1).time());
  }

  @Test
  void staggerSpacesOpsByRandomGapsBelowTwiceTheMean() {
    List<Op> inv = GenSim.invocations(GenSim.run(Gen.stagger(Rng.of(1), 0.1, Gen.repeat(A)), 10, op -> MS,
        op -> Op.Type.OK, 400));
    double total = 0;
    for (int i = 1; i < inv.size(); i++) {
      long gap = inv.get(i).time() - inv.get(i - 1).time();
      assertTrue(gap >= 0 && gap < 200 * MS, "gap " + gap);
      total += gap;
    }
    double mean = total / (inv.size() - 1) / 1e9;
    assertTrue(mean > 0.085 && mean < 0.115, "mean gap " + mean);
  }

  @Test
  void delaySpacesOpsExactly() {
    List<Op> inv = GenSim.invocations(GenSim.run(Gen.delay(0.25, Gen.limit(4, Gen.repeat(A))), 4, 10));
    assertEquals(List.of(0L, 250 * MS, 500 * MS, 750 * MS), inv.stream().map(Op::time).toList());
  }

  @Test
  void mixDrawsFromEveryGeneratorUntilAllAreExhausted() {
    Generator g = Gen.mix(Rng.of(3), Gen.limit(20, Gen.repeat(A)), Gen.limit(20, Gen.repeat(B)));
    List<String> f = fs(GenSim.run(g, 2, 100));
    assertEquals(40, f.size());
    assertEquals(20, f.stream().filter("a"::equals).count());
    assertNotEquals(List.of(), f.subList(0, 20).stream().filter("b"::equals).toList(), "mixed, not one after the other");
  }

  @Test
  void anyTakesWhicheverOpIsDueSoonest() {
    Generator g = Gen.any(Gen.delay(1.0, Gen.limit(2, Gen.repeat(A))), Gen.delay(0.3, Gen.limit(4, Gen.repeat(B))));
    // a at 0 and 1.0 s, b at 0, 0.3, 0.6, 0.9 s; the tie at 0 goes to the first generator
    assertEquals(List.of("a", "b", "b", "b", "b", "a"), fs(GenSim.run(g, 4, 100)));
  }

  @Test
  void anyLetsGeneratorsWithOpsDueAtOnceTakeTurns() {
    Generator g = Gen.any(Gen.repeat(A), Gen.repeat(B), Gen.repeat(Op.invoke("c", null)));
    assertEquals(List.of("a", "b", "c", "a", "b", "c", "a"), fs(GenSim.run(g, 1, 7)));
  }

  @Test
  void flipFlopAlternatesAndStopsWhenEitherSideIsExhausted() {
    assertEquals(List.of("a", "b", "a", "b", "a", "b"), fs(GenSim.run(Gen.flipFlop(Gen.limit(3, Gen.repeat(A)), Gen.repeat(B)), 1, 100)));
  }

  @Test
  void processLimitEndsOnceMoreThanNProcessesExisted() {
    List<Op> h = GenSim.run(Gen.processLimit(5, Gen.repeat(A)), 1, op -> MS, op -> Op.Type.INFO, 1000);
    Set<Long> processes = new HashSet<>();
    GenSim.invocations(h).forEach(o -> processes.add(o.process()));
    assertEquals(Set.of(0L, 1L, 2L, 3L, 4L), processes);
  }

  @Test
  void aCrashedProcessIsReplacedByOldPlusConcurrency() {
    List<Op> h = GenSim.run(Gen.limit(6, Gen.repeat(A)), 2, op -> MS, op -> Op.Type.INFO, 100);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), GenSim.invocations(h).stream().map(Op::process).sorted().toList());
  }

  @Test
  void nemesisOpsRunOnlyOnTheNemesisThreadAndClientOpsNeverDo() {
    Generator g = Gen.any(Gen.clients(Gen.limit(10, Gen.repeat(A))), Gen.nemesis(Gen.limit(3, Gen.repeat(Op.nemesis("kill", null)))));
    List<Op> h = GenSim.run(g, 2, 100);
    assertTrue(h.stream().filter(o -> o.f().equals("kill")).allMatch(Op::isNemesis));
    assertTrue(h.stream().filter(o -> o.f().equals("a")).allMatch(Op::isClient));
    assertEquals(6, h.stream().filter(o -> o.f().equals("kill")).count(), "3 nemesis ops, each :info twice");
  }

  @Test
  void keyedGivesEachGroupOfThreadsItsOwnKeyAndAFreshKeyAfterOpsPerKey() {
    Generator g = Keyed.of(2, "k", 6, k -> Gen.limit(3, Gen.repeat(A)));
    List<Op> inv = GenSim.invocations(GenSim.run(g, 4, op -> (1 + op.process()) * MS, op -> Op.Type.OK, 1000));
    Map<Object, Integer> perKey = new HashMap<>();
    Map<Object, Set<Long>> groups = new HashMap<>();
    for (Op o : inv) {
      perKey.merge(o.key(), 1, Integer::sum);
      groups.computeIfAbsent(o.key(), k -> new HashSet<>()).add(o.process() % 4 / 2);
    }
    assertEquals(Map.of("k0", 3, "k1", 3, "k2", 3, "k3", 3, "k4", 3, "k5", 3), perKey);
    groups.forEach((k, gs) -> assertEquals(1, gs.size(), "key " + k + " used by more than one group: " + gs));
  }

  @Test
  void sleepHoldsTheNextPhaseBackForItsDuration() {
    List<Op> inv = GenSim.invocations(GenSim.run(Gen.then(Gen.sleep(2.0), Gen.once(A)), 1, 10));
    assertEquals(2000 * MS, inv.get(0).time());
  }
}
