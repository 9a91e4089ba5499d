package io.shardkv.linearizability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable list of operations, ids dense and equal to list positions. Build one from a stream
 * of invoke/complete events with {@link Builder} (what the readers and the simulator do), or from
 * operations that already carry call/return positions with {@link #of(List)}.
 */
public final class History {
  private final List<Operation> ops;

  private History(List<Operation> ops) {
    this.ops = Collections.unmodifiableList(ops);
  }

  /** Wraps operations, renumbering ids to their list positions. */
  public static History of(List<Operation> ops) {
    List<Operation> copy = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      copy.add(op.id() == i ? op : op.withId(i));
    }
    return new History(copy);
  }

  public List<Operation> ops() {
    return ops;
  }

  public int size() {
    return ops.size();
  }

  /** Number of distinct processes that issued an operation. */
  public int processCount() {
    return (int) ops.stream().mapToLong(Operation::process).distinct().count();
  }

  /**
   * Builds a history from events in real-time order. Each event gets the next position on the
   * time axis. An invoke still open at {@link #build()} becomes INFO (Jepsen: the client crashed or
   * the run ended). Calling a process that still has an open op, or completing one that has none, is
   * a {@link BadHistoryException}.
   */
  public static final class Builder {
    private final List<Operation> ops = new ArrayList<>();
    private final Map<Long, Pending> open = new LinkedHashMap<>();
    private long position;

    private record Pending(int slot, Object key, String f, Object input, long call, int line) {}

    /** Records an invoke; returns its position on the time axis. */
    public long invoke(long process, Object key, String f, Object input, int line) {
      Pending previous = open.get(process);
      if (previous != null) {
        throw new BadHistoryException(line, "process " + process + " invokes :" + f
            + " while its :" + previous.f() + " invoked on line " + previous.line()
            + " has not completed; give a crashed client a new process id or complete the op first");
      }
      long at = position++;
      open.put(process, new Pending(ops.size(), key, f, input, at, line));
      ops.add(null); // slot filled at completion, keeps ops in invoke order
      return at;
    }

    /**
     * Records a completion for {@code process}. {@code f}, when non-null, must match the invoke's.
     * {@code output} is the completion's value; for INFO it is ignored.
     */
    public long complete(long process, Status status, String f, Object output, int line) {
      Pending p = open.remove(process);
      if (p == null) {
        throw new BadHistoryException(line, "process " + process + " completes :" + f
            + " but has no open invoke; every :ok/:fail/:info needs an earlier :invoke by the same process");
      }
      if (f != null && !f.equals(p.f())) {
        throw new BadHistoryException(line, "process " + process + " completes :" + f
            + " but its open invoke (line " + p.line() + ") is :" + p.f());
      }
      long at = position++;
      ops.set(p.slot(), new Operation(p.slot(), process, p.key(), p.f(), p.input(),
          status == Status.INFO ? null : output, status, p.call(), at, p.line()));
      return at;
    }

    /** Ends the history: still-open invokes become INFO ops. */
    public History build() {
      for (Map.Entry<Long, Pending> e : open.entrySet()) {
        Pending p = e.getValue();
        ops.set(p.slot(), new Operation(p.slot(), e.getKey(), p.key(), p.f(), p.input(), null,
            Status.INFO, p.call(), Operation.NEVER, p.line()));
      }
      open.clear();
      return new History(new ArrayList<>(ops));
    }
  }
}
