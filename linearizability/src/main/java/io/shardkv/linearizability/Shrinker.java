package io.shardkv.linearizability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks a non-linearizable history to a small counterexample that is still a proof: the result
 * is not linearizable, and every step that led to it is one that <em>cannot create a violation that
 * was not there</em> — if the original history were linearizable, so would be the result. Hence a
 * non-linearizable result convicts the original, whatever the search found along the way.
 *
 * <p>The steps, each sound for any {@link Model} that keeps its contract (an INFO op, when it takes
 * effect, has its successful effect; a read-only op leaves the state equal):
 * <ol>
 *   <li><b>Drop an op the checker ignores</b> ({@link Model#prepare} returns null: a FAIL op that did
 *       not happen, an INFO read): the checked history is the same.</li>
 *   <li><b>Drop a read-only op</b> ({@link Model#readOnly}). Any linearization of the history minus
 *       that op is still legal (the op changed no state) and still respects real time.</li>
 *   <li><b>Weaken a completed op to INFO</b> (it returns "never"; its call stays). A linearization of
 *       the original still serves: the op keeps its place, which lies after its call, and as INFO it
 *       has the effect it had. Only real-time constraints are removed; no interval is shortened.</li>
 *   <li><b>Truncate at a call</b>: drop every op invoked at or after position T, and weaken to INFO
 *       the ops still open at T. Take a linearization L of the original and cut it before the first
 *       dropped op: every kept completed op returned before T, hence before that dropped op was
 *       invoked, hence precedes it in L; kept INFO ops after the cut simply never took effect. So the
 *       truncated history is linearizable. Truncation is monotone (a truncation of a truncation is
 *       one), which lets the shrinker binary-search the earliest T.</li>
 * </ol>
 * Nothing else is done: writes are never dropped (the violation might need them), intervals are never
 * shortened, values are never changed.
 *
 * <p>The search alternates truncation, dropping and weakening until no single step keeps the
 * history non-linearizable: the result is <b>1-minimal</b> with respect to these steps (re-checked
 * with {@link Checker} at each step; a check that comes out UNKNOWN counts as "not shown
 * non-linearizable" and the step is not taken). If the time budget runs out first, the result is
 * still a sound counterexample, only possibly not 1-minimal ({@link Result#minimal()} false).
 */
public final class Shrinker {
  private Shrinker() {}

  /**
   * What the shrinker produced.
   *
   * @param ops the counterexample's ops (original ids and lines kept; weakened ops are INFO)
   * @param verdict the checker's verdict on {@code ops}: NOT_LINEARIZABLE unless the input was not
   * @param failure the checker's result for {@code ops} (its failing op, longest prefix)
   * @param minimal true when no single step keeps it non-linearizable (checked, not assumed)
   * @param checks how many histories were checked
   * @param originalOps ops of the input
   * @param note why shrinking stopped early, or empty
   */
  public record Result(List<Operation> ops, Verdict verdict, PartitionResult failure, boolean minimal, int checks,
      int originalOps, String note) {}

  /**
   * Shrinks {@code ops} (one partition of a history: one key, ops carrying call/return positions on
   * one axis) under {@code model}. The input must be NOT_LINEARIZABLE; otherwise the result is the
   * input itself with its verdict and a note (a valid history is never turned into an invalid one).
   */
  public static Result shrink(Model<?> model, List<Operation> ops, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    Search s = new Search(model, deadline);
    CheckResult first = s.check(ops);
    if (first.verdict() != Verdict.NOT_LINEARIZABLE) {
      return new Result(List.copyOf(ops), first.verdict(), first.firstIllegal(), false, s.checks, ops.size(),
          "the history is " + first.verdict().label() + ": nothing to shrink");
    }
    List<Operation> cur = relevant(model, ops);
    boolean changed = true;
    while (changed && !s.late()) {
      changed = false;
      List<Operation> t = s.earliestTruncation(cur);
      if (!t.equals(cur)) {
        cur = t;
        changed = true;
      }
      for (int i = cur.size() - 1; i >= 0 && !s.late(); i--) {
        if (i >= cur.size()) {
          continue;
        }
        Operation op = cur.get(i);
        List<Operation> next = null;
        if (model.readOnly(op)) {
          next = drop(cur, i);
        } else if (op.completed()) {
          next = weaken(cur, i);
        }
        if (next != null && s.illegal(next)) {
          cur = relevant(model, next);
          changed = true;
        }
      }
    }
    boolean minimal = !s.late() && s.oneMinimal(cur);
    CheckResult last = s.check(cur);
    return new Result(List.copyOf(cur), last.verdict(), last.firstIllegal(), minimal, s.checks, ops.size(),
        s.late() ? "time budget of " + budget.toMillis() + " ms used up: sound, perhaps not 1-minimal" : "");
  }

  /** Step 1: the ops the checker would not ignore. */
  static List<Operation> relevant(Model<?> model, List<Operation> ops) {
    List<Operation> out = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      if (model.prepare(op) != null) {
        out.add(op);
      }
    }
    return out;
  }

  /** Step 2: {@code ops} without the op at {@code i} (sound only for a read-only op). */
  public static List<Operation> drop(List<Operation> ops, int i) {
    List<Operation> out = new ArrayList<>(ops);
    out.remove(i);
    return out;
  }

  /** Step 3: the op at {@code i} weakened to INFO: same call, no return, no observed output. */
  public static List<Operation> weaken(List<Operation> ops, int i) {
    List<Operation> out = new ArrayList<>(ops);
    out.set(i, toInfo(ops.get(i)));
    return out;
  }

  private static Operation toInfo(Operation op) {
    return new Operation(op.id(), op.process(), op.key(), op.f(), op.input(), null, Status.INFO, op.call(),
        Operation.NEVER, op.line());
  }

  /** Step 4: drop the ops invoked at or after {@code t}; the ops still open at {@code t} become INFO. */
  public static List<Operation> truncate(List<Operation> ops, long t) {
    List<Operation> out = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      if (op.call() >= t) {
        continue;
      }
      out.add(op.ret() > t && op.completed() ? toInfo(op) : op);
    }
    return out;
  }

  /** The checks of one shrink, with its deadline. */
  private static final class Search {
    final Model<?> model;
    final long deadline;
    int checks;

    Search(Model<?> model, long deadline) {
      this.model = model;
      this.deadline = deadline;
    }

    boolean late() {
      return System.nanoTime() > deadline;
    }

    CheckResult check(List<Operation> ops) {
      checks++;
      long left = Math.max(1, deadline - System.nanoTime());
      CheckOptions o = CheckOptions.defaults().withThreads(1).withTimeout(Duration.ofNanos(left));
      return Checker.check(model, History.of(ops), o);
    }

    boolean illegal(List<Operation> ops) {
      return check(ops).verdict() == Verdict.NOT_LINEARIZABLE;
    }

    /** The shortest truncation that is still illegal (binary search: truncation is monotone). */
    List<Operation> earliestTruncation(List<Operation> ops) {
      List<Long> calls = new ArrayList<>();
      for (Operation op : ops) {
        calls.add(op.call());
      }
      calls.sort(null);
      // truncating at calls[k] keeps the ops invoked before the k-th call; k = size keeps them all
      int lo = 1;
      int hi = calls.size();
      List<Operation> best = ops;
      while (lo < hi && !late()) {
        int mid = (lo + hi) >>> 1;
        List<Operation> t = relevant(model, truncate(ops, calls.get(mid)));
        if (illegal(t)) {
          hi = mid;
          best = t;
        } else {
          lo = mid + 1;
        }
      }
      return best;
    }

    /** True when no single step keeps {@code ops} illegal. */
    boolean oneMinimal(List<Operation> ops) {
      long lastCall = Long.MIN_VALUE;
      for (Operation op : ops) {
        lastCall = Math.max(lastCall, op.call());
      }
      if (!ops.isEmpty() && illegal(relevant(model, truncate(ops, lastCall)))) {
        return false;
      }
      for (int i = 0; i < ops.size(); i++) {
        Operation op = ops.get(i);
        if (model.readOnly(op) ? illegal(drop(ops, i)) : op.completed() && illegal(weaken(ops, i))) {
          return false;
        }
        if (late()) {
          return false;
        }
      }
      return true;
    }
  }
}
