package io.shardkv.chaos.report;

import io.shardkv.chaos.history.Op;
import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.PartitionResult;
import io.shardkv.linearizability.Shrinker;
import io.shardkv.linearizability.Status;
import io.shardkv.linearizability.models.Models;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The minimal counterexample of a key the checker found not linearizable: that key's ops as the
 * checker saw them, shrunk by {@link Shrinker} (sound steps only, to a 1-minimal history that is
 * still not linearizable), each op tied back to its lines of {@code history.edn} so the pages can
 * show its times, process and any extra keys the history carries for it (today {@code :error};
 * later {@code :group :term :index} of the log entry that served it).
 *
 * @param key the key
 * @param model the checker's model
 * @param failingOp the op the checker could not linearize in the key's full history (the timeline marks it)
 * @param ops the counterexample, in invocation order
 * @param minimal whether it is 1-minimal (false only when the shrinker ran out of time)
 * @param keyOps how many ops of the key the checker looked at
 * @param checks how many histories the shrinker checked
 * @param millis time spent shrinking
 * @param note why shrinking stopped early, or empty
 */
public record Counterexample(Object key, String model, Shown failingOp, List<Shown> ops, Shown shrunkFailingOp,
    boolean minimal, int keyOps, int checks, long millis, String note) {

  /**
   * One op of a counterexample.
   *
   * @param invoke its invocation in the history
   * @param completion its completion, or null
   * @param position the invocation's position in the history (0-based; the file's line - 1)
   * @param weakened true when the shrinker turned its completion into {@code :info}
   */
  public record Shown(Op invoke, Op completion, int position, boolean weakened) {
    /** The op's outcome in the counterexample. */
    public Op.Type type() {
      return weakened || completion == null ? Op.Type.INFO : completion.type();
    }

    /** What it returned: {@code → 3} (a read), {@code ok} (a write), {@code ✗ failed}, {@code → ? (:info)}. */
    public String outcome() {
      return switch (type()) {
        case OK -> java.util.Objects.equals(completion.value(), invoke.value()) && invoke.value() != null ? "ok"
            : "→ " + io.shardkv.chaos.history.Edn.line(completion.value());
        case FAIL -> "✗ failed";
        default -> weakened ? "→ ? (:ok weakened to :info)" : "→ ? (:info)";
      };
    }

    /** One line: process, function, value, what it returned. */
    public String text() {
      return "p" + invoke.process() + " " + call() + " " + outcome();
    }

    /** What it asked: {@code write 3}, {@code cas [1 2]}, {@code read}. */
    public String call() {
      return invoke.f() + (invoke.value() == null ? "" : " " + io.shardkv.chaos.history.Edn.line(invoke.value()));
    }
  }

  /**
   * The counterexamples of {@code keys} (at most {@code maxKeys}), each shrunk within {@code budget},
   * all of them within {@code total}.
   */
  public static List<Counterexample> find(List<Op> history, String model, List<?> keys, int maxKeys, Duration budget,
      Duration total) {
    long deadline = System.nanoTime() + total.toNanos();
    Model<?> m = Models.byName(model, false);
    List<Operation> all = linearizableOps(history);
    int[] completionAt = completions(history);
    List<Counterexample> out = new ArrayList<>();
    for (Object key : keys) {
      long left = deadline - System.nanoTime();
      if (out.size() >= maxKeys || left <= 0) {
        break;
      }
      Duration keyBudget = Duration.ofNanos(Math.min(budget.toNanos(), left));
      List<Operation> ops = new ArrayList<>();
      for (Operation o : all) {
        if (Objects.equals(o.key(), key)) {
          ops.add(o);
        }
      }
      PartitionResult full = Checker.check(m, History.of(ops), CheckOptions.defaults().withThreads(1)
          .withTimeout(keyBudget)).firstIllegal();
      if (full == null) {
        continue; // not illegal on its own (or undecided in time): nothing to show
      }
      long t0 = System.nanoTime();
      Shrinker.Result r = Shrinker.shrink(m, ops, keyBudget);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      List<Shown> shown = new ArrayList<>();
      for (Operation o : r.ops()) {
        shown.add(shown(history, completionAt, o));
      }
      Shown failing = full.failingOp() >= 0 ? shown(history, completionAt, full.ops().get(full.failingOp())) : null;
      Shown shrunkFailing = r.failure() != null && r.failure().failingOp() >= 0
          ? shown(history, completionAt, r.failure().ops().get(r.failure().failingOp())) : null;
      out.add(new Counterexample(key, model, failing, shown, shrunkFailing, r.minimal(), ops.size(), r.checks(), ms,
          r.note()));
    }
    return out;
  }

  private static Shown shown(List<Op> history, int[] completionAt, Operation o) {
    int pos = o.line() - 1;
    int c = completionAt[pos];
    return new Shown(history.get(pos), c < 0 ? null : history.get(c), pos, o.status() == Status.INFO
        && c >= 0 && history.get(c).type() != Op.Type.INFO);
  }

  /**
   * The client ops of a history as the checker reads them (nemesis ops skipped, an invocation the
   * history never completed is INFO), each op's {@code line} being its invocation's position + 1.
   */
  public static List<Operation> linearizableOps(List<Op> history) {
    History.Builder b = new History.Builder();
    for (int i = 0; i < history.size(); i++) {
      Op op = history.get(i);
      if (!op.isClient()) {
        continue;
      }
      if (op.isInvoke()) {
        b.invoke(op.process(), op.key(), op.f(), op.value(), i + 1);
      } else {
        Status s = switch (op.type()) {
          case OK -> Status.OK;
          case FAIL -> Status.FAIL;
          default -> Status.INFO;
        };
        b.complete(op.process(), s, op.f(), op.value(), i + 1);
      }
    }
    return b.build().ops();
  }

  /** For each position holding a client invocation, the position of its completion (or -1). */
  static int[] completions(List<Op> history) {
    int[] out = new int[history.size()];
    java.util.Arrays.fill(out, -1);
    Map<Long, Integer> open = new java.util.HashMap<>();
    for (int i = 0; i < history.size(); i++) {
      Op op = history.get(i);
      if (!op.isClient()) {
        continue;
      }
      if (op.isInvoke()) {
        open.put(op.process(), i);
      } else {
        Integer inv = open.remove(op.process());
        if (inv != null) {
          out[inv] = i;
        }
      }
    }
    return out;
  }
}
