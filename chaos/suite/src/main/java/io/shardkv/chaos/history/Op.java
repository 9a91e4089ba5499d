package io.shardkv.chaos.history;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One Jepsen operation: an entry of a campaign's history and, before it is performed, what a
 * generator asks for. History entries are invocations ({@link Type#INVOKE}) and completions
 * ({@link Type#OK} happened, {@link Type#FAIL} certainly did not happen, {@link Type#INFO}
 * indeterminate); nemesis operations are always {@link Type#INFO}, invocation and completion alike,
 * with process {@link #NEMESIS}.
 *
 * @param type what kind of entry
 * @param process the logical client process (0, 1, ...), {@link #NEMESIS}, or {@link #UNASSIGNED}
 *     in a generator's template before a free process is picked
 * @param f the function ({@code read}, {@code cas}, {@code start-partition}, ...)
 * @param value arguments on invocation, results on completion
 * @param time nanoseconds since the start of the run; in a template, the earliest time to perform it
 * @param index position in the history, -1 until journaled
 * @param extra further keys of the op map, in order ({@code key}, {@code error}, {@code grudge},
 *     {@code clock-offsets}, {@code final}, ...); Jepsen allows any
 */
public record Op(Type type, long process, String f, Object value, long time, long index,
    Map<String, Object> extra) {

  /** The process of nemesis operations ({@code :process :nemesis} in EDN). */
  public static final long NEMESIS = -1;
  /** A template's process before the interpreter picks a free one. */
  public static final long UNASSIGNED = Long.MIN_VALUE;

  /** Jepsen's {@code :type}. */
  public enum Type {
    INVOKE, OK, FAIL, INFO;

    public String keyword() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Type of(String keyword) {
      for (Type t : values()) {
        if (t.keyword().equals(keyword)) {
          return t;
        }
      }
      return null;
    }
  }

  public Op {
    extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** A client invocation template: run {@code f} with {@code value} as soon as a process is free. */
  public static Op invoke(String f, Object value) {
    return new Op(Type.INVOKE, UNASSIGNED, f, value, 0, -1, Map.of());
  }

  /** A nemesis operation template. */
  public static Op nemesis(String f, Object value) {
    return new Op(Type.INFO, NEMESIS, f, value, 0, -1, Map.of());
  }

  public boolean isNemesis() {
    return process == NEMESIS;
  }

  public boolean isClient() {
    return process >= 0;
  }

  public boolean isInvoke() {
    return type == Type.INVOKE;
  }

  /** The {@code :key} of a client op, or null. */
  public Object key() {
    return extra.get("key");
  }

  /** The {@code :error} of a completion, or null. */
  public String error() {
    Object e = extra.get("error");
    return e == null ? null : e.toString();
  }

  /** True for ops of the final phase (after healing), marked {@code :final true}. */
  public boolean isFinal() {
    return Boolean.TRUE.equals(extra.get("final"));
  }

  public Op withProcess(long p) {
    return new Op(type, p, f, value, time, index, extra);
  }

  public Op withTime(long t) {
    return new Op(type, process, f, value, t, index, extra);
  }

  public Op withIndex(long i) {
    return new Op(type, process, f, value, time, i, extra);
  }

  public Op withType(Type t) {
    return new Op(t, process, f, value, time, index, extra);
  }

  public Op withValue(Object v) {
    return new Op(type, process, f, v, time, index, extra);
  }

  /** A copy with {@code :name value} added (or replaced); a null value removes the key. */
  public Op with(String name, Object v) {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    if (v == null) {
      m.remove(name);
    } else {
      m.put(name, v);
    }
    return new Op(type, process, f, value, time, index, m);
  }

  /** The completion of this invocation: it happened, observing {@code result}. */
  public Op ok(Object result) {
    return new Op(Type.OK, process, f, result, time, index, extra);
  }

  /** The completion of this invocation: it certainly did not happen. */
  public Op fail(String error) {
    return new Op(Type.FAIL, process, f, value, time, index, extra).with("error", error);
  }

  /** The completion of this invocation: it may or may not have happened. */
  public Op info(String error) {
    return new Op(Type.INFO, process, f, value, time, index, extra).with("error", error);
  }

  @Override
  public String toString() {
    return HistoryWriter.line(this);
  }
}
