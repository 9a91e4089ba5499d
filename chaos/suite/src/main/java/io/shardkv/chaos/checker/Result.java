package io.shardkv.chaos.checker;

import io.shardkv.linearizability.format.Keyword;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one checker found: its verdict and a details map (keyword keys, EDN-able values) that goes
 * into {@code results.edn} / {@code results.json} with {@code :valid?} first.
 */
public record Result(Validity valid, Map<Object, Object> details) {
  public Result {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** The details with {@code :valid?} in front. */
  public Map<Object, Object> asMap() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put(Keyword.of("valid?"), valid.edn());
    details.forEach((k, v) -> {
      if (!Keyword.of("valid?").equals(k)) {
        m.put(k, v);
      }
    });
    return m;
  }
}
