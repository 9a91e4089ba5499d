package io.shardkv.chaos.checker;

import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A client invocation and its completion (null when the history ended first, which counts as
 * {@code :info}).
 */
public record OpPair(Op invoke, Op completion) {
  public Op.Type type() {
    return completion == null ? Op.Type.INFO : completion.type();
  }

  /** The completion's value (what an {@code :ok} op observed), or null. */
  public Object result() {
    return completion == null ? null : completion.value();
  }

  /** Position of the completion in the history, or {@link Long#MAX_VALUE} if none. */
  public long end() {
    return completion == null ? Long.MAX_VALUE : completion.index();
  }

  /** Latency in nanoseconds, or -1 without a completion. */
  public long latencyNanos() {
    return completion == null ? -1 : completion.time() - invoke.time();
  }

  /** The client ops of {@code history}, paired, in invocation order. */
  public static List<OpPair> clientOps(List<Op> history) {
    List<OpPair> pairs = new ArrayList<>();
    Map<Long, Integer> open = new HashMap<>();
    for (Op op : history) {
      if (!op.isClient()) {
        continue;
      }
      if (op.isInvoke()) {
        open.put(op.process(), pairs.size());
        pairs.add(new OpPair(op, null));
      } else {
        Integer i = open.remove(op.process());
        if (i != null) {
          pairs.set(i, new OpPair(pairs.get(i).invoke(), op));
        }
      }
    }
    return pairs;
  }

  /**
   * The nemesis ops of {@code history}, paired: Jepsen writes a nemesis invocation and its
   * completion both as {@code :info}; they alternate, since one nemesis thread runs one op at a
   * time.
   */
  public static List<OpPair> nemesisOps(List<Op> history) {
    List<OpPair> pairs = new ArrayList<>();
    Op open = null;
    for (Op op : history) {
      if (!op.isNemesis()) {
        continue;
      }
      if (open == null) {
        open = op;
      } else {
        pairs.add(new OpPair(open, op));
        open = null;
      }
    }
    if (open != null) {
      pairs.add(new OpPair(open, null));
    }
    return pairs;
  }
}
