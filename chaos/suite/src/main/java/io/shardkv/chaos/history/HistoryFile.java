package io.shardkv.chaos.history;

import io.shardkv.linearizability.BadHistoryException;
import io.shardkv.linearizability.format.EdnReader;
import io.shardkv.linearizability.format.Keyword;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Jepsen EDN history (one op map per line, or one vector of maps) into {@link Op}s, in file
 * order — every op, the nemesis's included. {@code :process :nemesis} (or any other non-integer
 * process) becomes {@link Op#NEMESIS}; a missing {@code :time} or {@code :index} becomes the op's
 * position; keys other than {@code :type :f :value :process :time :index} land in
 * {@link Op#extra()}. Errors are {@link BadHistoryException}s naming the line.
 */
public final class HistoryFile {
  private static final Set<String> CORE = Set.of("type", "f", "value", "process", "time", "index");

  private HistoryFile() {}

  public static List<Op> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  public static List<Op> parse(String text) {
    List<Op> ops = new ArrayList<>();
    EdnReader r = new EdnReader(text, 1);
    boolean vector = r.peekIs('[');
    if (vector) {
      r.consume();
    }
    while (true) {
      if (vector && r.peekIs(']')) {
        break;
      }
      Object v = r.read();
      int line = r.lastLine();
      if (v == EdnReader.EOF) {
        if (vector) {
          throw new BadHistoryException(line, "invalid EDN: missing ']' at the end of the history vector");
        }
        break;
      }
      if (!(v instanceof Map<?, ?> m)) {
        throw new BadHistoryException(line, "expected an op map {:type .. :f .. :process ..}, got " + v);
      }
      ops.add(op(m, ops.size(), line));
    }
    return ops;
  }

  private static Op op(Map<?, ?> m, int position, int line) {
    Op.Type type = Op.Type.of(name(m.get(Keyword.of("type")), "type", line));
    if (type == null) {
      throw new BadHistoryException(line, "unknown :type " + m.get(Keyword.of("type"))
          + " (expected :invoke, :ok, :fail or :info)");
    }
    String f = name(m.get(Keyword.of("f")), "f", line);
    Object p = m.get(Keyword.of("process"));
    if (p == null) {
      throw new BadHistoryException(line, "op has no :process");
    }
    long process = p instanceof Long l ? l : Op.NEMESIS;
    long time = m.get(Keyword.of("time")) instanceof Long t ? t : position;
    long index = m.get(Keyword.of("index")) instanceof Long i ? i : position;
    Map<String, Object> extra = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String k = e.getKey() instanceof Keyword kw ? kw.name() : String.valueOf(e.getKey());
      if (!CORE.contains(k)) {
        extra.put(k, e.getValue());
      }
    }
    return new Op(type, process, f, m.get(Keyword.of("value")), time, index, extra);
  }

  private static String name(Object v, String field, int line) {
    if (v instanceof Keyword k) {
      return k.name();
    }
    if (v instanceof String s) {
      return s;
    }
    throw new BadHistoryException(line, v == null ? "op has no :" + field : "op has :" + field + " " + v + " (expected a keyword)");
  }
}
