package io.shardkv.linearizability;

import java.util.Objects;

/**
 * One completed (or indeterminate) operation of a history.
 *
 * <p>{@code call} and {@code ret} are positions on one real-time axis: event indices or clock
 * readings, whichever the source has. Operation {@code a} precedes {@code b} in real time iff
 * {@code a.ret() < b.call()}; equal values are treated as concurrent. An {@link Status#INFO} op has
 * {@code ret == Long.MAX_VALUE} (it may take effect at any time after its call, or never).
 *
 * @param id dense index of this op inside its {@link History} (0..size-1)
 * @param process the client process that issued it (Jepsen {@code :process})
 * @param key partition key ({@code :key}, or {@code k} of an independent {@code [k v]} value); null
 *     when the history has a single object
 * @param f the function name, e.g. {@code read}, {@code write}, {@code cas}, {@code append}
 * @param input the invoke's value (what was asked), may be null
 * @param output the completion's value (what was observed), may be null; null for INFO ops
 * @param status how it completed
 * @param call invoke position
 * @param ret completion position, {@code Long.MAX_VALUE} for INFO
 * @param line 1-based source line of the invoke (0 when not read from a file), for messages
 */
public record Operation(
    int id, long process, Object key, String f, Object input, Object output, Status status,
    long call, long ret, int line) {

  /** Return position used for operations that never completed. */
  public static final long NEVER = Long.MAX_VALUE;

  public Operation {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(status, "status");
    if (status == Status.INFO) {
      ret = NEVER;
    }
    if (ret < call) {
      throw new IllegalArgumentException("op " + id + " returns (" + ret + ") before its call (" + call + ")");
    }
  }

  /** True when the op completed (OK or FAIL); INFO ops never return. */
  public boolean completed() {
    return status != Status.INFO;
  }

  /** A copy with another id (used when a partition renumbers its ops). */
  public Operation withId(int newId) {
    return new Operation(newId, process, key, f, input, output, status, call, ret, line);
  }

  /** A copy with another key, input and output (used to unwrap Jepsen independent tuples). */
  public Operation withKeyAndValues(Object newKey, Object newInput, Object newOutput) {
    return new Operation(id, process, newKey, f, newInput, newOutput, status, call, ret, line);
  }

  @Override
  public String toString() {
    return "p" + process + " " + f + (key == null ? "" : " [" + key + "]") + " " + input + " -> "
        + (status == Status.INFO ? "?" : String.valueOf(output)) + " :" + status.keyword();
  }
}
