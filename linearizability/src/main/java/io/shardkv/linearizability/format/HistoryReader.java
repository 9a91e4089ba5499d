package io.shardkv.linearizability.format;

import io.shardkv.linearizability.BadHistoryException;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads histories: Jepsen EDN (one op map per line, or one vector of maps; {@code :type :f :value
 * :process :time :index}, optional {@code :key}), Porcupine's etcd log lines, and Porcupine's kv
 * lines (EDN maps with {@code :key}). Events are taken in file order, which is their real-time order;
 * {@code :time} and {@code :index} are not needed. Ops whose {@code :process} is not an integer (the
 * nemesis) are skipped. With {@code independent}, every value is a {@code [k v]} tuple: k becomes the
 * op's key and v its value. Errors are {@link BadHistoryException}s naming the line.
 */
public final class HistoryReader {
  private static final Pattern ETCD = Pattern.compile(
      "^INFO\\s+jepsen\\.util\\s+-\\s+(\\d+)\\s+:(\\w+)\\s+:(\\w+)\\s+(.*?)\\s*$");

  private HistoryReader() {}

  public static ParsedHistory read(Path file, Format format, boolean independent) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), format, independent);
  }

  public static ParsedHistory parse(String text, Format format, boolean independent) {
    Format f = format == Format.AUTO ? detect(text) : format;
    return switch (f) {
      case PORCUPINE_ETCD -> etcd(text);
      case JEPSEN_EDN, PORCUPINE_KV -> edn(text, f, independent);
      default -> throw new IllegalStateException(f.toString());
    };
  }

  /** Detects the format from the first non-blank line. */
  public static Format detect(String text) {
    int line = 1;
    for (String l : text.split("\n", -1)) {
      String t = l.strip();
      if (!t.isEmpty() && !t.startsWith(";")) {
        if (t.startsWith("INFO") && t.contains("jepsen.util")) {
          return Format.PORCUPINE_ETCD;
        }
        if (t.startsWith("{") && t.contains(":key") && t.contains(":f")) {
          return Format.PORCUPINE_KV;
        }
        if (t.startsWith("{") || t.startsWith("[") || t.startsWith("#")) {
          return Format.JEPSEN_EDN;
        }
        throw new BadHistoryException(line, "cannot detect the history format from '" + abbreviate(t)
            + "'; expected a Jepsen EDN map or vector, or Porcupine log lines; or name it with --format");
      }
      line++;
    }
    return Format.JEPSEN_EDN; // empty history
  }

  private static ParsedHistory etcd(String text) {
    History.Builder b = new History.Builder();
    TreeSet<String> fs = new TreeSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String l = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (l.isBlank()) {
        continue;
      }
      Matcher m = ETCD.matcher(l);
      if (!m.matches()) {
        throw new BadHistoryException(lineNo, "not a Porcupine etcd log line: '" + abbreviate(l)
            + "' (expected 'INFO  jepsen.util - PROCESS<TAB>:TYPE<TAB>:F<TAB>VALUE')");
      }
      long process = Long.parseLong(m.group(1));
      String type = m.group(2);
      String f = m.group(3);
      Object value = new EdnReader(m.group(4), lineNo).read();
      if (value == EdnReader.EOF) {
        value = null;
      }
      fs.add(f);
      event(b, type, process, null, f, value, lineNo);
    }
    return new ParsedHistory(b.build(), Format.PORCUPINE_ETCD, fs, false);
  }

  private static ParsedHistory edn(String text, Format format, boolean independent) {
    History.Builder b = new History.Builder();
    TreeSet<String> fs = new TreeSet<>();
    boolean keyed = false;
    EdnReader r = new EdnReader(text, 1);
    boolean vector = r.peekIs('[');
    if (vector) {
      r.consume();
    }
    while (true) {
      if (vector && r.peekIs(']')) {
        r.consume();
        if (r.read() != EdnReader.EOF) {
          throw new BadHistoryException(r.lastLine(), "text after the history vector");
        }
        break;
      }
      Object v = r.read();
      int lineNo = r.lastLine();
      if (v == EdnReader.EOF) {
        if (vector) {
          throw new BadHistoryException(lineNo, "invalid EDN: missing ']' at the end of the history vector");
        }
        break;
      }
      if (!(v instanceof Map<?, ?> m)) {
        throw new BadHistoryException(lineNo, "expected an op map {:type .. :f .. :process ..}, got "
            + abbreviate(String.valueOf(v)));
      }
      Object process = m.get(Keyword.of("process"));
      if (!(process instanceof Long p)) {
        if (process == null) {
          throw new BadHistoryException(lineNo, "op has no :process");
        }
        continue; // nemesis or other non-client ops
      }
      String type = name(m.get(Keyword.of("type")), "type", lineNo);
      String f = name(m.get(Keyword.of("f")), "f", lineNo);
      Object value = m.get(Keyword.of("value"));
      Object key = m.get(Keyword.of("key"));
      if (independent) {
        if (value instanceof List<?> kv && kv.size() == 2) {
          key = kv.get(0);
          value = kv.get(1);
        } else if (!(type.equals("info") && value == null) && !(type.equals("invoke") && value == null)) {
          throw new BadHistoryException(lineNo, "--independent needs :value [key value], got "
              + value);
        }
      }
      keyed |= key != null;
      fs.add(f);
      event(b, type, p, key, f, value, lineNo);
    }
    return new ParsedHistory(b.build(), format, fs, keyed);
  }

  private static void event(History.Builder b, String type, long process, Object key, String f,
      Object value, int line) {
    switch (type) {
      case "invoke" -> b.invoke(process, key, f, value, line);
      case "ok" -> b.complete(process, Status.OK, f, value, line);
      case "fail" -> b.complete(process, Status.FAIL, f, value, line);
      case "info" -> b.complete(process, Status.INFO, f, value, line);
      default -> throw new BadHistoryException(line, "unknown :type :" + type
          + " (expected :invoke, :ok, :fail or :info)");
    }
  }

  private static String name(Object v, String field, int line) {
    if (v instanceof Keyword k) {
      return k.name();
    }
    if (v instanceof String s) {
      return s;
    }
    throw new BadHistoryException(line, "op has " + (v == null ? "no :" + field : ":" + field + " " + v
        + " (expected a keyword)"));
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
