package io.shardkv.linearizability.format;

import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Operation;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes a history as Jepsen EDN, one op map per line, invokes and completions in real-time order:
 * {@code {:type :invoke, :f :write, :value 3, :process 0, :time 12, :index 0}}. {@code :time} is the
 * op's position on the history's time axis. Keyed ops get {@code :key k}, or with
 * {@code independent} the Jepsen tuple {@code :value [k v]}. {@link HistoryReader} reads it back.
 */
public final class JepsenEdnWriter {
  private JepsenEdnWriter() {}

  public static void write(History history, Writer out, boolean independent) throws IOException {
    record Event(long at, boolean call, Operation op) {}
    List<Event> events = new ArrayList<>();
    for (Operation op : history.ops()) {
      events.add(new Event(op.call(), true, op));
      if (op.completed()) {
        events.add(new Event(op.ret(), false, op));
      }
    }
    // At equal positions calls go first, so ties read back as concurrent (and an op's own call
    // always precedes its return).
    events.sort(Comparator.comparingLong(Event::at).thenComparing(e -> e.call() ? 0 : 1));
    long index = 0;
    for (Event e : events) {
      Operation op = e.op();
      String type = e.call() ? "invoke" : op.status().keyword();
      Object value = e.call() ? op.input() : op.output();
      StringBuilder b = new StringBuilder("{:type :").append(type).append(", :f :").append(op.f());
      if (op.key() != null && independent) {
        b.append(", :value [").append(edn(op.key())).append(' ').append(edn(value)).append(']');
      } else {
        b.append(", :value ").append(edn(value));
        if (op.key() != null) {
          b.append(", :key ").append(edn(op.key()));
        }
      }
      b.append(", :process ").append(op.process()).append(", :time ").append(e.at())
          .append(", :index ").append(index++).append("}\n");
      out.write(b.toString());
    }
    out.flush();
  }

  /** EDN text of a value: nil, booleans, numbers, strings, keywords, lists as vectors, maps. */
  public static String edn(Object v) {
    if (v == null) {
      return "nil";
    }
    if (v instanceof String s) {
      StringBuilder b = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\t' -> b.append("\\t");
          case '\r' -> b.append("\\r");
          default -> b.append(c);
        }
      }
      return b.append('"').toString();
    }
    if (v instanceof Collection<?> c) {
      StringBuilder b = new StringBuilder("[");
      for (Object x : c) {
        if (b.length() > 1) {
          b.append(' ');
        }
        b.append(edn(x));
      }
      return b.append(']').toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (b.length() > 1) {
          b.append(", ");
        }
        b.append(edn(e.getKey())).append(' ').append(edn(e.getValue()));
      }
      return b.append('}').toString();
    }
    return v.toString(); // numbers, booleans, keywords (Keyword.toString is :name)
  }
}
