package io.shardkv.linearizability.format;

/**
 * Writes a Java string as a JSON string literal. One quoting rule for every JSON the checker emits
 * (the CLI's {@code --json} and {@code --output json} objects and the data embedded in the HTML report): {@code "} and
 * {@code \} escaped, control characters as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX},
 * and {@code <} as {@code \}{@code u003c} so the literal can sit inside an HTML {@code <script>}
 * element — JSON readers decode it to the same string.
 */
public final class JsonString {
  private JsonString() {}

  public static void append(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '<' -> b.append("\\u003c");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
