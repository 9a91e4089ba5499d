package io.shardkv.chaos.report;

import io.shardkv.linearizability.format.JsonString;
import io.shardkv.linearizability.format.Keyword;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/** Small helpers for the generated pages: escaping, compact JSON for embedded data, the shared style sheet. */
public final class Html {
  private Html() {}

  /** Text escaped for HTML element content and attribute values. */
  public static String esc(Object o) {
    String s = String.valueOf(o);
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Compact JSON of maps, collections, {@code long[]}/{@code int[]}/{@code double[]}, strings,
   * keywords (their names), numbers, booleans and null. Safe inside a {@code <script>} element
   * ({@code <} is escaped in strings).
   */
  public static String json(Object v) {
    StringBuilder b = new StringBuilder();
    json(b, v);
    return b.toString();
  }

  static void json(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      b.append(v);
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      b.append(Double.isFinite(d) ? num(d) : "null");
    } else if (v instanceof Keyword k) {
      JsonString.append(b, k.name());
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        JsonString.append(b, e.getKey() instanceof Keyword k ? k.name() : String.valueOf(e.getKey()));
        b.append(':');
        json(b, e.getValue());
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
        json(b, x);
      }
      b.append(']');
    } else if (v instanceof long[] a) {
      b.append('[');
      for (int i = 0; i < a.length; i++) {
        b.append(i == 0 ? "" : ",").append(a[i]);
      }
      b.append(']');
    } else if (v instanceof int[] a) {
      b.append('[');
      for (int i = 0; i < a.length; i++) {
        b.append(i == 0 ? "" : ",").append(a[i]);
      }
      b.append(']');
    } else if (v instanceof double[] a) {
      b.append('[');
      for (int i = 0; i < a.length; i++) {
        b.append(i == 0 ? "" : ",").append(Double.isFinite(a[i]) ? num(a[i]) : "null");
      }
      b.append(']');
    } else {
      JsonString.append(b, v.toString());
    }
  }

  /** A number with at most three decimals, no trailing zeros. */
  public static String num(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.valueOf((long) d);
    }
    String s = String.format(Locale.ROOT, "%.3f", d);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** A resource of this package as text (the pages' script and style). */
  public static String resource(String name) {
    try (InputStream in = Html.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " in the chaos jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The start of a page: doctype, title, the shared style sheet inline. */
  public static StringBuilder page(String title) {
    StringBuilder b = new StringBuilder(8192);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        .append(esc(title)).append("</title>\n<style>\n").append(resource("report.css")).append("</style>\n</head>\n");
    return b;
  }
}
