package io.shardkv.chaos.history;

import io.shardkv.linearizability.format.JepsenEdnWriter;
import io.shardkv.linearizability.format.Keyword;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small helpers for the EDN the suite writes besides the history: keyword maps built inline and a
 * pretty printer for {@code results.edn} and {@code test.edn} (one entry per line, nested maps
 * indented; short collections stay on one line).
 */
public final class Edn {
  private Edn() {}

  public static Keyword kw(String name) {
    return Keyword.of(name);
  }

  /** An ordered map from alternating names and values: {@code map("valid?", true, "ops", 12)}. */
  public static Map<Object, Object> map(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("map needs name/value pairs");
    }
    Map<Object, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      Object k = namesAndValues[i];
      m.put(k instanceof String s ? Keyword.of(s) : k, namesAndValues[i + 1]);
    }
    return m;
  }

  /** One-line EDN text of a value. */
  public static String line(Object v) {
    return JepsenEdnWriter.edn(v);
  }

  /** Multi-line EDN text of a value. */
  public static String pretty(Object v) {
    StringBuilder b = new StringBuilder();
    pretty(b, v, 0);
    return b.append('\n').toString();
  }

  private static void pretty(StringBuilder b, Object v, int indent) {
    String flat = JepsenEdnWriter.edn(v);
    if (flat.length() + indent <= 100 || !(v instanceof Map<?, ?> || v instanceof Collection<?>)) {
      b.append(flat);
      return;
    }
    if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          b.append('\n').append(" ".repeat(indent + 1));
        }
        first = false;
        String k = JepsenEdnWriter.edn(e.getKey());
        b.append(k).append(' ');
        pretty(b, e.getValue(), indent + 2 + k.length());
      }
      b.append('}');
      return;
    }
    b.append('[');
    boolean first = true;
    for (Object x : (Collection<?>) v) {
      if (!first) {
        b.append('\n').append(" ".repeat(indent + 1));
      }
      first = false;
      pretty(b, x, indent + 1);
    }
    b.append(']');
  }
}
