package io.shardkv.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code shardkv client}'s standard input, split into words by a documented quoting
 * rule (docs/real-cluster.md, "client on standard input"):
 *
 * <ul>
 *   <li>Words are separated by spaces or tabs.</li>
 *   <li>{@code '...'} is taken literally (no escapes inside).</li>
 *   <li>{@code "..."} is taken literally except that {@code \"} is a quote and {@code \\} a backslash.</li>
 *   <li>Outside quotes, a backslash makes the next character literal ({@code key\ with\ spaces}).</li>
 *   <li>Quoted and unquoted parts next to each other make one word ({@code a"b c"} is {@code ab c});
 *       {@code ''} is the empty word.</li>
 *   <li>For {@code put} and {@code append}, a VALUE that is not one quoted word is the rest of the line
 *       after the key, taken literally (trailing blanks removed): {@code put k hello world} stores
 *       {@code hello world}, as it always has.</li>
 * </ul>
 *
 * An unterminated quote or a trailing backslash is an error naming the column.
 */
final class InputLine {
  /** A word and where the rest of the line after it starts (an index into the line). */
  record Word(String text, int end) {}

  private InputLine() {}

  /** Thrown for a line that does not follow the quoting rule; the message says where and why. */
  static final class QuoteException extends IllegalArgumentException {
    QuoteException(String message) {
      super(message);
    }
  }

  /** All words of {@code line}. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    int i = skipBlanks(line, 0);
    while (i < line.length()) {
      Word w = next(line, i);
      out.add(w.text());
      i = skipBlanks(line, w.end());
    }
    return out;
  }

  /**
   * The words of a {@code put}/{@code append} line: op, key, and the value as the rule above says
   * (one quoted word, or the literal rest of the line). Returns fewer than 3 entries when the value
   * is missing.
   */
  static List<String> opKeyRest(String line) {
    List<String> out = new ArrayList<>();
    int i = skipBlanks(line, 0);
    for (int n = 0; n < 2 && i < line.length(); n++) {
      Word w = next(line, i);
      out.add(w.text());
      i = skipBlanks(line, w.end());
    }
    if (out.size() < 2 || i >= line.length()) return out;
    String rest = line.substring(i).stripTrailing();
    char c = rest.charAt(0);
    if (c == '\'' || c == '"') {
      Word w = next(line, i);
      if (skipBlanks(line, w.end()) >= line.length()) {
        out.add(w.text());
        return out;
      }
    }
    out.add(rest);
    return out;
  }

  private static int skipBlanks(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
    return i;
  }

  /** The word starting at {@code start} (not a blank). */
  private static Word next(String s, int start) {
    StringBuilder b = new StringBuilder();
    int i = start;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t') break;
      if (c == '\'') {
        int close = s.indexOf('\'', i + 1);
        if (close < 0) throw new QuoteException("unterminated ' starting at column " + (i + 1));
        b.append(s, i + 1, close);
        i = close + 1;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < s.length() && s.charAt(j) != '"'; j++) {
          char d = s.charAt(j);
          if (d == '\\' && j + 1 < s.length() && (s.charAt(j + 1) == '"' || s.charAt(j + 1) == '\\')) {
            b.append(s.charAt(++j));
          } else {
            b.append(d);
          }
        }
        if (j >= s.length()) throw new QuoteException("unterminated \" starting at column " + (i + 1));
        i = j + 1;
      } else if (c == '\\') {
        if (i + 1 >= s.length()) throw new QuoteException("backslash at the end of the line (column " + (i + 1) + ")");
        b.append(s.charAt(i + 1));
        i += 2;
      } else {
        b.append(c);
        i++;
      }
    }
    return new Word(b.toString(), i);
  }
}
