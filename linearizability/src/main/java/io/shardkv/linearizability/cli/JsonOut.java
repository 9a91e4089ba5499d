package io.shardkv.linearizability.cli;

import io.shardkv.linearizability.format.JsonString;
import java.util.Collection;
import java.util.Map;

/** Minimal JSON writer for the CLI's one-object-per-file output (no dependency needed). */
final class JsonOut {
  private JsonOut() {}

  static String write(Object v) {
    StringBuilder b = new StringBuilder();
    append(b, v);
    return b.toString();
  }

  static void append(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      quote(b, s);
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        quote(b, String.valueOf(e.getKey()));
        b.append(':');
        append(b, e.getValue());
      }
      b.append('}');
    } else if (v instanceof Collection<?> c) {
      b.append('[');
      boolean first = true;
      for (Object x : c) {
        if (!first) {
          b.append(',');
        }
        first = false;
        append(b, x);
      }
      b.append(']');
    } else {
      quote(b, v.toString());
    }
  }

  static void quote(StringBuilder b, String s) {
    JsonString.append(b, s);
  }
}
