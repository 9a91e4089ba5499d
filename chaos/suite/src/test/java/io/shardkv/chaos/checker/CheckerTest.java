package io.shardkv.chaos.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.history.Edn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckerTest {
  @TempDir Path dir;

  private static Checker fixed(Validity v) {
    return in -> new Result(v, Edn.map("n", 1));
  }

  private static Validity compose(Checker... cs) throws Exception {
    Map<String, Checker> m = new LinkedHashMap<>();
    for (int i = 0; i < cs.length; i++) {
      m.put("c" + i, cs[i]);
    }
    return Checkers.compose(m).check(new CheckInput(Path.of("x"), List.of(), null)).valid();
  }

  @Test
  void composedVerdictsInvalidBeatsUnknownBeatsValid() throws Exception {
    assertEquals(Validity.VALID, compose(fixed(Validity.VALID), fixed(Validity.VALID)));
    assertEquals(Validity.UNKNOWN, compose(fixed(Validity.VALID), fixed(Validity.UNKNOWN)));
    assertEquals(Validity.INVALID, compose(fixed(Validity.UNKNOWN), fixed(Validity.INVALID), fixed(Validity.VALID)));
    assertEquals(Validity.VALID, compose());
  }

  @Test
  void aCheckerThatThrowsIsUnknownWithItsErrorNotACrash() throws Exception {
    Checker boom = in -> {
      throw new IllegalStateException("model exploded");
    };
    Result r = Checkers.compose(Map.of("boom", boom)).check(new CheckInput(Path.of("x"), List.of(), null));
    assertEquals(Validity.UNKNOWN, r.valid());
    assertTrue(Edn.line(r.asMap()).contains("model exploded"), Edn.line(r.asMap()));
    assertEquals(Validity.INVALID, compose(boom, fixed(Validity.INVALID)));
  }

  @Test
  void aLinearizableRegisterHistoryIsValid() throws Exception {
    Histories h = new Histories()
        .call(0, "write", 1L, 1L, "r0")
        .invoke(1, "cas", List.of(1L, 2L), "r0").invoke(2, "read", null, "r0")
        .ok(2, "read", 2L, "r0").ok(1, "cas", List.of(1L, 2L), "r0")
        .invoke(3, "write", 4L, "r0").info(3, "write", 4L, "r0")
        .call(4, "read", null, 4L, "r0")
        .call(5, "read", null, null, "r1")
        .invoke(6, "cas", List.of(3L, 0L), "r1").fail(6, "cas", List.of(3L, 0L), "r1");
    Result r = new LinearizableChecker("cas-register", false, Duration.ofSeconds(10)).check(h.input(dir));
    assertEquals(Validity.VALID, r.valid(), Edn.line(r.asMap()));
    assertEquals(2, r.details().get(Edn.kw("keys")));
  }

  @Test
  void aStaleReadIsNotLinearizableAndGetsAnHtmlReport() throws Exception {
    Histories h = new Histories()
        .call(0, "write", 1L, 1L, "r0")
        .call(1, "write", 2L, 2L, "r0")
        .call(2, "read", null, 1L, "r0")
        .call(3, "read", null, null, "r1");
    Result r = new LinearizableChecker("cas-register", false, Duration.ofSeconds(10)).check(h.input(dir));
    assertEquals(Validity.INVALID, r.valid());
    assertEquals(List.of("r0"), r.details().get(Edn.kw("invalid-keys")));
    assertTrue(Files.readString(dir.resolve("linear-r0.html")).contains("<html"));
  }

  @Test
  void anAppendAppliedTwiceBreaksBothTheKvModelAndTheAppendCheck() throws Exception {
    Histories h = new Histories()
        .call(0, "append", "0;", "0;", "a0")
        .call(1, "append", "1;", "1;", "a0")
        .finalRead(2, "get", "0;1;1;", "a0");
    CheckInput in = h.input(dir);
    assertEquals(Validity.INVALID, new LinearizableChecker("kv", false, Duration.ofSeconds(10)).check(in).valid());
    Result r = new AppendChecker().check(in);
    assertEquals(Validity.INVALID, r.valid());
    assertEquals(Map.of(Edn.kw("duplicated"), 1), r.details().get(Edn.kw("anomaly-counts")));
  }

  @Test
  void appendsSeenInOneOrderWithInfoAppendsRecoveredAreValid() throws Exception {
    Histories h = new Histories()
        .call(0, "append", "0;", "0;", "a0")
        .invoke(1, "append", "1;", "a0").info(1, "append", "1;", "a0")
        .invoke(2, "append", "2;", "a0").invoke(3, "get", null, "a0").ok(3, "get", "0;", "a0").ok(2, "append", "2;", "a0")
        .call(4, "get", null, "0;1;2;", "a0")
        .finalRead(5, "get", "0;1;2;", "a0");
    CheckInput in = h.input(dir);
    Result r = new AppendChecker().check(in);
    assertEquals(Validity.VALID, r.valid(), Edn.line(r.asMap()));
    assertEquals(1, r.details().get(Edn.kw("recovered-info-appends")));
    assertEquals(Validity.VALID, new LinearizableChecker("kv", false, Duration.ofSeconds(10)).check(in).valid());
  }

  @Test
  void theAppendCheckNamesLostUnexpectedAndReorderedElements() throws Exception {
    Histories h = new Histories()
        .call(0, "append", "0;", "0;", "a0")
        .call(1, "append", "1;", "1;", "a0")
        .call(2, "get", null, "1;0;", "a0")
        .call(3, "get", null, "0;", "a0")
        .finalRead(4, "get", "0;1;7;", "a0");
    Result r = new AppendChecker().check(h.input(dir));
    assertEquals(Validity.INVALID, r.valid());
    Map<?, ?> counts = (Map<?, ?>) r.details().get(Edn.kw("anomaly-counts"));
    assertEquals(1, counts.get(Edn.kw("lost")), counts.toString());
    assertEquals(1, counts.get(Edn.kw("unexpected")), counts.toString());
    assertEquals(1, counts.get(Edn.kw("incompatible-order")), "1;0; against the longest read 0;1;7;: " + counts);
  }

  @Test
  void anAcknowledgedAppendNoReadConfirmsIsUnknownNotValid() throws Exception {
    Histories h = new Histories()
        .call(0, "append", "0;", "0;", "a0")
        .invoke(1, "get", null, "a0").fail(1, "get", null, "a0");
    assertEquals(Validity.UNKNOWN, new AppendChecker().check(h.input(dir)).valid());
  }

  @Test
  void aSetWithEveryAcknowledgedElementInTheFinalReadIsValid() throws Exception {
    Histories h = new Histories()
        .call(0, "add", 0L, 0L, "s0")
        .invoke(1, "add", 1L, "s0").info(1, "add", 1L, "s0")
        .invoke(2, "add", 2L, "s0").fail(2, "add", 2L, "s0")
        .call(3, "read", null, List.of(0L), "s0")
        .finalRead(4, "read", List.of(0L, 1L), "s0");
    Result r = new SetChecker().check(h.input(dir));
    assertEquals(Validity.VALID, r.valid(), Edn.line(r.asMap()));
    assertEquals(1, r.details().get(Edn.kw("recovered-info-adds")));
  }

  @Test
  void theSetCheckNamesLostStaleDuplicatedAndUnexpectedElements() throws Exception {
    Histories h = new Histories()
        .call(0, "add", 0L, 0L, "s0")
        .call(1, "add", 1L, 1L, "s0")
        .call(2, "add", 2L, 2L, "s0")
        .call(3, "read", null, List.of(0L, 1L), "s0")
        .finalRead(4, "read", List.of(0L, 2L, 2L, 9L), "s0");
    Result r = new SetChecker().check(h.input(dir));
    assertEquals(Validity.INVALID, r.valid());
    Map<?, ?> counts = (Map<?, ?>) r.details().get(Edn.kw("anomaly-counts"));
    assertEquals(Map.of(Edn.kw("lost"), 1, Edn.kw("stale"), 1, Edn.kw("duplicated"), 1, Edn.kw("unexpected"), 1), counts);
  }

  @Test
  void aSetKeyWithoutASuccessfulFinalReadIsUnknown() throws Exception {
    Histories h = new Histories().call(0, "add", 0L, 0L, "s0").call(1, "read", null, List.of(0L), "s0");
    Result r = new SetChecker().check(h.input(dir));
    assertEquals(Validity.UNKNOWN, r.valid());
    assertEquals(List.of("s0"), r.details().get(Edn.kw("keys-without-final-read")));
  }

  @Test
  void aRunWhoseClientsNeverSucceededIsUnknown() throws Exception {
    Histories none = new Histories().invoke(0, "read", null, "r0").fail(0, "read", null, "r0")
        .invoke(1, "write", 1L, "r0").info(1, "write", 1L, "r0");
    Result r = new StatsChecker().check(none.input(dir));
    assertEquals(Validity.UNKNOWN, r.valid());
    assertEquals(0L, r.details().get(Edn.kw("ok-count")));
    Histories some = new Histories().call(0, "read", null, null, "r0").nemesis("kill", Edn.kw("one")).nemesis("kill", Map.of());
    Result s = new StatsChecker().check(some.input(dir));
    assertEquals(Validity.VALID, s.valid());
    assertEquals(Map.of(Edn.kw("kill"), 1L), s.details().get(Edn.kw("nemesis")));
  }

  @Test
  void availabilityIsMeasuredInsideAndOutsideFaultWindows() throws Exception {
    Histories h = new Histories()
        .call(0, "read", null, 1L, "r0")                         // outside
        .nemesis("kill", Edn.kw("one")).nemesis("kill", Map.of())  // window opens at the invocation
        .invoke(1, "read", null, "r0").fail(1, "read", null, "r0")   // inside, failed
        .call(2, "read", null, 1L, "r0")                         // inside, ok
        .nemesis("start", Edn.kw("all")).nemesis("start", Map.of())  // window closes at the completion
        .call(3, "read", null, 1L, "r0")                         // outside
        .add(io.shardkv.chaos.history.Op.Type.INVOKE, 4, "read", null, "r0", Map.of("final", true))
        .add(io.shardkv.chaos.history.Op.Type.FAIL, 4, "read", null, "r0", Map.of("final", true));
    Result r = new AvailabilityChecker().check(h.input(dir));
    assertEquals(Edn.map("ops", 2L, "ok", 1L, "availability", 0.5, "answered", 0.5), r.details().get(Edn.kw("in-faults")));
    assertEquals(Edn.map("ops", 2L, "ok", 2L, "availability", 1.0, "answered", 1.0), r.details().get(Edn.kw("outside-faults")));
    assertEquals(1, AvailabilityChecker.windows(h.ops()).size());
  }

  @Test
  void latencyQuantilesArePerFunction() throws Exception {
    Result r = new LatencyChecker().check(new Histories().call(0, "read", null, 1L, "r0").call(0, "write", 2L, 2L, "r0").input(dir));
    Map<?, ?> byF = (Map<?, ?>) r.details().get(Edn.kw("by-f"));
    assertEquals(2, byF.size());
    assertEquals(1L, ((Map<?, ?>) ((Map<?, ?>) byF.get(Edn.kw("read"))).get(Edn.kw("ok"))).get(Edn.kw("count")));
  }
}
