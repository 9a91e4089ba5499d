package io.shardkv.chaos.checker;

import io.shardkv.chaos.history.Edn;
import java.util.LinkedHashMap;
import java.util.Map;

/** Composition of checkers. */
public final class Checkers {
  private Checkers() {}

  /**
   * Runs each checker (in order) and merges: the details map holds each checker's result under its
   * name; the verdict is the worst one. A checker that throws counts as unknown, with the error.
   */
  public static Checker compose(Map<String, Checker> checkers) {
    Map<String, Checker> copy = new LinkedHashMap<>(checkers);
    return input -> {
      Map<Object, Object> details = new LinkedHashMap<>();
      Validity v = Validity.VALID;
      for (Map.Entry<String, Checker> e : copy.entrySet()) {
        Result r = safe(e.getValue(), input);
        v = v.and(r.valid());
        details.put(Edn.kw(e.getKey()), r.asMap());
      }
      return new Result(v, details);
    };
  }

  /** Runs {@code c}; an exception becomes an unknown result naming it. */
  public static Result safe(Checker c, CheckInput input) {
    try {
      return c.check(input);
    } catch (Exception | StackOverflowError | OutOfMemoryError e) {
      return new Result(Validity.UNKNOWN, Edn.map("error", e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }
}
