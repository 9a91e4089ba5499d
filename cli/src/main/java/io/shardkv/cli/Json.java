package io.shardkv.cli;

/** The one JSON-writing helper the CLI needs: a string literal with RFC 8259 escapes. */
final class Json {
  private Json() {}

  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }

  static String string(String s) {
    StringBuilder b = new StringBuilder();
    string(b, s);
    return b.toString();
  }
}
