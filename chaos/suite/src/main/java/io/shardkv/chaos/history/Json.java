package io.shardkv.chaos.history;

import io.shardkv.linearizability.format.JsonString;
import io.shardkv.linearizability.format.Keyword;
import java.util.Collection;
import java.util.Map;

/**
 * JSON text of the results tree ({@code results.json}): maps become objects (keyword keys lose their
 * colon), collections arrays, keywords strings ({@code :unknown} → {@code "unknown"}), numbers and
 * booleans themselves, null {@code null}. Non-finite doubles become null.
 */
public final class Json {
  private Json() {}

  public static String write(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v, 0);
    return b.append('\n').toString();
  }

  private static void write(StringBuilder b, Object v, int indent) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      b.append(v);
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      b.append(Double.isFinite(d) ? String.valueOf(d) : "null");
    } else if (v instanceof Keyword k) {
      JsonString.append(b, k.name());
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        b.append("{}");
        return;
      }
      b.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append("  ".repeat(indent + 1));
        Object k = e.getKey();
        JsonString.append(b, k instanceof Keyword kw ? kw.name() : String.valueOf(k));
        b.append(": ");
        write(b, e.getValue(), indent + 1);
        b.append(++i < m.size() ? ",\n" : "\n");
      }
      b.append("  ".repeat(indent)).append('}');
    } else if (v instanceof Collection<?> c) {
      b.append('[');
      int i = 0;
      for (Object x : c) {
        if (i++ > 0) {
          b.append(", ");
        }
        write(b, x, indent + 1);
      }
      b.append(']');
    } else {
      JsonString.append(b, v.toString());
    }
  }
}
