package io.shardkv.linearizability.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.format.Format;
import io.shardkv.linearizability.format.HistoryReader;
import io.shardkv.linearizability.models.KvModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KvSearchTest {
  private static History kv(String... lines) {
    return HistoryReader.parse(String.join("\n", lines), Format.PORCUPINE_KV, false).history();
  }

  private static String e(int p, String type, String f, String v) {
    return "{:process " + p + ", :type :" + type + ", :f :" + f + ", :key \"k\", :value " + v + "}";
  }

  private static Verdict check(History h, boolean optimized) {
    return Checker.check(new KvModel(), h, CheckOptions.defaults().withOptimized(optimized)).verdict();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void concurrentAppendsMayBeSeenInEitherOrder(boolean optimized) {
    History h = kv(e(0, "invoke", "append", "\"a\""), e(1, "invoke", "append", "\"b\""),
        e(0, "ok", "append", "\"a\""), e(1, "ok", "append", "\"b\""),
        e(2, "invoke", "get", "nil"), e(2, "ok", "get", "\"ba\""));
    assertEquals(Verdict.LINEARIZABLE, check(h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void sequentialAppendsSeenOutOfOrderAreNotLinearizable(boolean optimized) {
    History h = kv(e(0, "invoke", "append", "\"a\""), e(0, "ok", "append", "\"a\""),
        e(1, "invoke", "append", "\"b\""), e(1, "ok", "append", "\"b\""),
        e(2, "invoke", "get", "nil"), e(2, "ok", "get", "\"ba\""));
    assertEquals(Verdict.NOT_LINEARIZABLE, check(h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void unreadAppendsOverwrittenByAPutAreFine(boolean optimized) {
    History h = kv(e(0, "invoke", "append", "\"a\""), e(1, "invoke", "append", "\"b\""),
        e(3, "invoke", "put", "\"p\""),
        e(0, "ok", "append", "\"a\""), e(1, "ok", "append", "\"b\""), e(3, "ok", "put", "\"p\""),
        e(2, "invoke", "get", "nil"), e(2, "ok", "get", "\"p\""));
    assertEquals(Verdict.LINEARIZABLE, check(h, optimized));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anUnreadAppendThatMustPrecedeAReadIsStillCaught(boolean optimized) {
    // "b" completes before the get starts and nothing replaces the value: the get must contain it
    History h = kv(e(0, "invoke", "append", "\"a\""), e(0, "ok", "append", "\"a\""),
        e(1, "invoke", "append", "\"b\""), e(1, "ok", "append", "\"b\""),
        e(2, "invoke", "get", "nil"), e(2, "ok", "get", "\"a\""));
    assertEquals(Verdict.NOT_LINEARIZABLE, check(h, optimized));
  }
}
