package io.shardkv.linearizability.search;

import static io.shardkv.linearizability.Histories.edn;
import static io.shardkv.linearizability.Histories.fail;
import static io.shardkv.linearizability.Histories.info;
import static io.shardkv.linearizability.Histories.inv;
import static io.shardkv.linearizability.Histories.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.PartitionResult;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.models.RegisterModel;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearizationSearchTest {

  private static Verdict check(Model<?> m, History h, boolean optimized) {
    return Checker.check(m, h, CheckOptions.defaults().withOptimized(optimized).withThreads(1)).verdict();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void readConcurrentWithWriteMaySeeEitherValue(boolean optimized) {
    History h = edn(inv(0, "write", "1"), ok(0, "write", "1"),
        inv(1, "write", "2"), inv(2, "read", "nil"), ok(2, "read", "1"), ok(1, "write", "2"),
        inv(2, "read", "nil"), ok(2, "read", "2"));
    assertEquals(Verdict.LINEARIZABLE, check(RegisterModel.register(), h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void readAfterCompletedOverwriteSeeingOldValueIsNotLinearizable(boolean optimized) {
    History h = edn(inv(0, "write", "1"), ok(0, "write", "1"),
        inv(0, "write", "2"), ok(0, "write", "2"),
        inv(1, "read", "nil"), ok(1, "read", "1"));
    assertEquals(Verdict.NOT_LINEARIZABLE, check(RegisterModel.register(), h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void indeterminateWriteMayTakeEffectLongAfterItsInfo(boolean optimized) {
    History h = edn(inv(0, "write", "1"), info(0, "write", "1"),
        inv(1, "read", "nil"), ok(1, "read", "nil"),
        inv(1, "read", "nil"), ok(1, "read", "1"));
    assertEquals(Verdict.LINEARIZABLE, check(RegisterModel.register(), h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void indeterminateWriteMayNeverTakeEffect(boolean optimized) {
    History h = edn(inv(0, "write", "1"), info(0, "write", "1"),
        inv(1, "read", "nil"), ok(1, "read", "nil"));
    assertEquals(Verdict.LINEARIZABLE, check(RegisterModel.register(), h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void indeterminateWriteCannotTakeEffectBeforeItsInvoke(boolean optimized) {
    History h = edn(inv(1, "read", "nil"), ok(1, "read", "1"),
        inv(0, "write", "1"), info(0, "write", "1"));
    assertEquals(Verdict.NOT_LINEARIZABLE, check(RegisterModel.register(), h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void failedWriteDidNotHappen(boolean optimized) {
    History h = edn(inv(0, "write", "1"), fail(0, "write", "1"),
        inv(1, "read", "nil"), ok(1, "read", "1"));
    assertEquals(Verdict.NOT_LINEARIZABLE, check(RegisterModel.register(), h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void failedCasIsACompareThatSawAnotherValueOnlyInTheEtcdReading(boolean optimized) {
    // the register holds 1 throughout; a failed cas [1 2] claims it saw something else
    History h = edn(inv(0, "write", "1"), ok(0, "write", "1"),
        inv(1, "cas", "[1 2]"), fail(1, "cas", "[1 2]"));
    assertEquals(Verdict.NOT_LINEARIZABLE, check(RegisterModel.casRegisterFailedCasIsCompare(), h, optimized));
    assertEquals(Verdict.LINEARIZABLE, check(RegisterModel.casRegister(), h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void casSwapsOnlyWhenTheValueMatches(boolean optimized) {
    History ok = edn(inv(0, "write", "1"), ok(0, "write", "1"), inv(0, "cas", "[1 2]"),
        ok(0, "cas", "[1 2]"), inv(1, "read", "nil"), ok(1, "read", "2"));
    History bad = edn(inv(0, "write", "3"), ok(0, "write", "3"), inv(0, "cas", "[1 2]"),
        ok(0, "cas", "[1 2]"));
    assertEquals(Verdict.LINEARIZABLE, check(RegisterModel.casRegister(), ok, optimized));
    assertEquals(Verdict.NOT_LINEARIZABLE, check(RegisterModel.casRegister(), bad, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void illegalPartitionReportsLongestPrefixAndFailingOp(boolean optimized) {
    History h = edn(inv(0, "write", "1"), ok(0, "write", "1"),
        inv(0, "write", "2"), ok(0, "write", "2"),
        inv(1, "read", "nil"), ok(1, "read", "1"));
    CheckResult r = Checker.check(RegisterModel.register(), h,
        CheckOptions.defaults().withOptimized(optimized));
    PartitionResult p = r.firstIllegal();
    assertArrayEquals(new int[] {0, 1}, p.linearization());
    assertEquals("read", p.ops().get(p.failingOp()).f());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void linearizableResultCarriesACompleteLinearization(boolean optimized) {
    History h = edn(inv(0, "write", "1"), inv(1, "read", "nil"), ok(0, "write", "1"),
        ok(1, "read", "1"));
    CheckResult r = Checker.check(RegisterModel.register(), h,
        CheckOptions.defaults().withOptimized(optimized));
    assertArrayEquals(new int[] {0, 1}, r.partitions().get(0).linearization());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void exhaustedTimeBudgetGivesUnknownNotAVerdict(boolean optimized) {
    History h = io.shardkv.linearizability.gen.HistoryGenerator.generate(
        new io.shardkv.linearizability.gen.HistoryGenerator.Spec(
            io.shardkv.linearizability.gen.HistoryGenerator.Kind.REGISTER, 3000, 30, 0.03, 1, true), 7);
    CheckResult r = Checker.check(RegisterModel.register(), h,
        CheckOptions.defaults().withOptimized(optimized).withTimeout(Duration.ofNanos(1)));
    assertEquals(Verdict.UNKNOWN, r.verdict());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void exhaustedStepLimitGivesUnknownAndTheSameAnswerWhateverTheMachinesSpeed(boolean optimized) {
    // The simulator bounds its checks by steps, not time, so that a seed's verdict does not change
    // with the machine's load (a 60 s timeout once turned a sim test UNKNOWN at load 20).
    History h = io.shardkv.linearizability.gen.HistoryGenerator.generate(
        new io.shardkv.linearizability.gen.HistoryGenerator.Spec(
            io.shardkv.linearizability.gen.HistoryGenerator.Kind.REGISTER, 3000, 30, 0.03, 1, true), 7);
    CheckOptions limited = CheckOptions.defaults().withOptimized(optimized).withThreads(1).withStepLimit(2048);
    CheckResult first = Checker.check(RegisterModel.register(), h, limited);
    CheckResult second = Checker.check(RegisterModel.register(), h, limited);
    assertEquals(Verdict.UNKNOWN, first.verdict());
    PartitionResult p = first.partitions().get(0);
    assertTrue(p.reason().startsWith("step limit reached after 3072 steps"), p.reason());
    assertEquals(p.reason(), second.partitions().get(0).reason());
    assertArrayEquals(p.linearization(), second.partitions().get(0).linearization());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void exhaustedMemoryCapGivesUnknownNotAVerdict(boolean optimized) {
    History h = io.shardkv.linearizability.gen.HistoryGenerator.generate(
        new io.shardkv.linearizability.gen.HistoryGenerator.Spec(
            io.shardkv.linearizability.gen.HistoryGenerator.Kind.REGISTER, 3000, 30, 0.03, 1, true), 7);
    CheckResult r = Checker.check(RegisterModel.register(), h,
        CheckOptions.defaults().withOptimized(optimized).withMemoryCap(10_000));
    assertEquals(Verdict.UNKNOWN, r.verdict());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void emptyHistoryIsLinearizable(boolean optimized) {
    assertEquals(Verdict.LINEARIZABLE, check(RegisterModel.register(), edn(), optimized));
  }
}
