package io.shardkv.chaos.checker;

import io.shardkv.chaos.history.HistoryWriter;
import io.shardkv.chaos.history.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made histories: a builder that numbers and times ops in the order they are added. */
final class Histories {
  private final List<Op> ops = new ArrayList<>();

  Histories invoke(long process, String f, Object value, Object key) {
    return add(Op.Type.INVOKE, process, f, value, key, Map.of());
  }

  Histories ok(long process, String f, Object value, Object key) {
    return add(Op.Type.OK, process, f, value, key, Map.of());
  }

  Histories fail(long process, String f, Object value, Object key) {
    return add(Op.Type.FAIL, process, f, value, key, Map.of());
  }

  Histories info(long process, String f, Object value, Object key) {
    return add(Op.Type.INFO, process, f, value, key, Map.of());
  }

  /** An invocation and its :ok, back to back. */
  Histories call(long process, String f, Object in, Object out, Object key) {
    return invoke(process, f, in, key).ok(process, f, out, key);
  }

  Histories finalRead(long process, String f, Object out, Object key) {
    add(Op.Type.INVOKE, process, f, null, key, Map.of("final", true));
    return add(Op.Type.OK, process, f, out, key, Map.of("final", true));
  }

  Histories nemesis(String f, Object value) {
    return add(Op.Type.INFO, Op.NEMESIS, f, value, null, Map.of());
  }

  Histories add(Op.Type type, long process, String f, Object value, Object key, Map<String, Object> extra) {
    Map<String, Object> x = new LinkedHashMap<>();
    if (key != null) {
      x.put("key", key);
    }
    x.putAll(extra);
    ops.add(new Op(type, process, f, value, ops.size() * 1_000_000L, ops.size(), x));
    return this;
  }

  List<Op> ops() {
    return List.copyOf(ops);
  }

  /** Writes the history to {@code dir/history.edn} and returns the checker input. */
  CheckInput input(Path dir) {
    Path file = dir.resolve("history.edn");
    try (HistoryWriter w = new HistoryWriter(file)) {
      ops.forEach(w::append);
    }
    return new CheckInput(file, ops, dir);
  }
}
