package io.shardkv.linearizability.format;

import io.shardkv.linearizability.BadHistoryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small EDN reader that knows line numbers (for error messages). Reads nil, booleans, integers
 * (as Long), floats (Double), strings, characters (as String), keywords ({@link Keyword}), symbols
 * (as String), lists and vectors (List), maps (LinkedHashMap), sets; skips comments, {@code #_}
 * discards and tags ({@code #jepsen.history.Op{...}} reads as the map).
 */
public final class EdnReader {
  /** Returned by {@link #read()} at the end of input. */
  public static final Object EOF = new Object();

  private final String s;
  private int pos;
  private int line;
  private int lastLine;

  public EdnReader(String text, int firstLine) {
    this.s = text;
    this.line = firstLine;
  }

  /** Line on which the last value returned by {@link #read()} began. */
  public int lastLine() {
    return lastLine;
  }

  /** Skips whitespace/comments; true if the next char is {@code c} (not consumed). */
  public boolean peekIs(char c) {
    skip();
    return pos < s.length() && s.charAt(pos) == c;
  }

  /** Consumes one char (after {@link #peekIs}). */
  public void consume() {
    pos++;
  }

  public Object read() {
    skip();
    lastLine = line;
    if (pos >= s.length()) {
      return EOF;
    }
    return value();
  }

  private Object value() {
    skip();
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '(':
      case '[':
        pos++;
        return seq(c == '(' ? ')' : ']');
      case '{': {
        pos++;
        List<Object> kv = seq('}');
        if (kv.size() % 2 != 0) {
          throw error("map literal has an odd number of forms");
        }
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.size(); i += 2) {
          m.put(kv.get(i), kv.get(i + 1));
        }
        return m;
      }
      case '"':
        return string();
      case '\\': {
        pos++;
        int start = pos;
        pos++;
        while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
          pos++;
        }
        String ch = s.substring(start, Math.min(pos, s.length()));
        return switch (ch) {
          case "newline" -> "\n";
          case "space" -> " ";
          case "tab" -> "\t";
          default -> ch.substring(0, 1);
        };
      }
      case '#': {
        pos++;
        if (pos < s.length() && s.charAt(pos) == '{') {
          pos++;
          return new LinkedHashSet<>(seq('}'));
        }
        if (pos < s.length() && s.charAt(pos) == '_') {
          pos++;
          value();
          return value();
        }
        token(); // tag name
        return value();
      }
      case ')':
      case ']':
      case '}':
        throw error("unexpected '" + c + "'");
      default:
        return atom(token());
    }
  }

  private List<Object> seq(char close) {
    List<Object> out = new ArrayList<>();
    int opened = line;
    while (true) {
      skip();
      if (pos >= s.length()) {
        throw new BadHistoryException(opened, "invalid EDN: missing '" + close
            + "' (the form opened on this line is never closed)");
      }
      if (s.charAt(pos) == close) {
        pos++;
        return out;
      }
      out.add(value());
    }
  }

  private String string() {
    pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c == '\n') {
        line++;
      }
      if (c == '\\' && pos < s.length()) {
        char e = s.charAt(pos++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("bad \\u escape");
            }
            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> b.append(e);
        }
      } else {
        b.append(c);
      }
    }
  }

  private String token() {
    int start = pos;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (Character.isWhitespace(c) || c == ',' || "()[]{}\";".indexOf(c) >= 0) {
        break;
      }
      pos++;
    }
    if (pos == start) {
      throw error("unexpected '" + s.charAt(pos) + "'");
    }
    return s.substring(start, pos);
  }

  private Object atom(String t) {
    switch (t) {
      case "nil":
        return null;
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        break;
    }
    if (t.charAt(0) == ':') {
      if (t.length() == 1) {
        throw error("empty keyword");
      }
      return new Keyword(t.substring(1));
    }
    char c = t.charAt(0);
    if (Character.isDigit(c) || ((c == '-' || c == '+') && t.length() > 1 && Character.isDigit(t.charAt(1)))) {
      String num = t.endsWith("N") || t.endsWith("M") ? t.substring(0, t.length() - 1) : t;
      try {
        if (num.contains(".") || num.contains("e") || num.contains("E")) {
          return Double.parseDouble(num);
        }
        return Long.parseLong(num.startsWith("+") ? num.substring(1) : num);
      } catch (NumberFormatException e) {
        throw error("bad number '" + t + "'");
      }
    }
    return t; // symbol
  }

  private void skip() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '\n') {
        line++;
        pos++;
      } else if (Character.isWhitespace(c) || c == ',') {
        pos++;
      } else if (c == ';') {
        while (pos < s.length() && s.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private BadHistoryException error(String what) {
    return new BadHistoryException(line, "invalid EDN: " + what);
  }
}
