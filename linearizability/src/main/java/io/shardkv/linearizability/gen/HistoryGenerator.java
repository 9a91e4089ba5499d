package io.shardkv.linearizability.gen;

import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded generator of histories that are linearizable by construction, optionally with a definite
 * stale read injected (then not linearizable by construction). Used by the property tests and the
 * benchmark.
 *
 * <p>Construction: a real sequential object is simulated. Every op is invoked, later takes effect on
 * the object at one instant (its output is what the object returned then), and later completes — so
 * its linearization point lies inside its interval. An op chosen to be indeterminate completes as
 * {@code :info} before or after taking effect, or never takes effect; its process is then retired
 * and a fresh process id replaces it (as Jepsen does). A cas whose compare fails at its instant
 * completes {@code :fail}. Written values are unique.
 *
 * <p>Stale read: once some write W1 of value y completed before another write W2 was invoked, and W2
 * completed, an idle process reads and returns y. Every linearization orders W1 &lt; W2 &lt; read, and
 * only W1 writes y, so the read is definitely stale.
 */
public final class HistoryGenerator {

  /** Which object the history is about. */
  public enum Kind { REGISTER, CAS_REGISTER, KV }

  /**
   * @param kind object type
   * @param ops number of operations to invoke
   * @param processes concurrent client processes
   * @param infoRate probability that an op ends indeterminate
   * @param keys number of keys (KV only)
   * @param staleRead inject one definite stale read (makes the history not linearizable)
   */
  public record Spec(Kind kind, int ops, int processes, double infoRate, int keys, boolean staleRead) {}

  private final Spec spec;
  private final Random rnd;
  private final History.Builder b = new History.Builder();
  private final Map<Object, Object> state = new HashMap<>();
  private long nextValue = 1;
  private long nextProcess;
  private long now;
  private boolean staleInjected;

  private static final class Pending {
    long process;
    Object key;
    String f;
    Object input;
    Object output;
    boolean applied;
    boolean info;
    boolean skipEffect;
    Status status = Status.OK;
    long invokedAt;
  }

  private record Done(Object key, Object value, long call, long ret) {}

  private final List<Done> completedWrites = new ArrayList<>();

  private HistoryGenerator(Spec spec, long seed) {
    this.spec = spec;
    this.rnd = new Random(seed);
  }

  /** Generates the history for {@code spec} from {@code seed}; the same inputs give the same history. */
  public static History generate(Spec spec, long seed) {
    return generateReporting(spec, seed).history();
  }

  /** A generated history and whether a stale read was actually injected (it needs two writes). */
  public record Generated(History history, boolean staleReadInjected) {}

  public static Generated generateReporting(Spec spec, long seed) {
    HistoryGenerator g = new HistoryGenerator(spec, seed);
    History h = g.run();
    return new Generated(h, g.staleInjected);
  }

  private History run() {
    List<Pending> active = new ArrayList<>();
    List<Pending> orphans = new ArrayList<>(); // INFO ops that may still take effect
    List<Long> idle = new ArrayList<>();
    for (int i = 0; i < spec.processes(); i++) {
      idle.add(nextProcess++);
    }
    int invoked = 0;
    while (invoked < spec.ops() || !active.isEmpty()) {
      now++;
      int choice = rnd.nextInt(3);
      if (choice == 0 && !idle.isEmpty() && invoked < spec.ops()) {
        long p = idle.remove(rnd.nextInt(idle.size()));
        if (spec.staleRead() && !staleInjected && invoked > spec.ops() / 3 && injectStale(p)) {
          idle.add(p);
          invoked++;
          continue;
        }
        active.add(invoke(p));
        invoked++;
      } else if (choice == 1 && !active.isEmpty()) {
        Pending op = active.get(rnd.nextInt(active.size()));
        if (!op.applied) {
          apply(op);
        }
      } else if (!active.isEmpty()) {
        Pending op = active.get(rnd.nextInt(active.size()));
        if (op.info) {
          b.complete(op.process, Status.INFO, op.f, null, 0);
          active.remove(op);
          idle.add(nextProcess++);
          if (!op.applied && !op.skipEffect) {
            orphans.add(op);
          }
        } else if (op.applied) {
          b.complete(op.process, op.status, op.f, op.output, 0);
          active.remove(op);
          idle.add(op.process);
          if (op.status == Status.OK && isWrite(op)) {
            completedWrites.add(new Done(op.key, writtenValue(op), op.invokedAt, now));
          }
        }
      }
      if (!orphans.isEmpty() && rnd.nextInt(8) == 0) {
        apply(orphans.remove(rnd.nextInt(orphans.size())));
      }
    }
    return b.build();
  }

  private Pending invoke(long p) {
    Pending op = new Pending();
    op.process = p;
    op.key = spec.kind() == Kind.KV ? String.valueOf(rnd.nextInt(Math.max(1, spec.keys()))) : null;
    int r = rnd.nextInt(10);
    switch (spec.kind()) {
      case REGISTER -> op.f = r < 5 ? "read" : "write";
      case CAS_REGISTER -> op.f = r < 4 ? "read" : r < 7 ? "write" : "cas";
      case KV -> op.f = r < 4 ? "get" : r < 6 ? "put" : "append";
    }
    switch (op.f) {
      case "write", "put" -> op.input = spec.kind() == Kind.KV ? "v" + nextValue++ : nextValue++;
      case "append" -> op.input = " a" + nextValue++;
      case "cas" -> {
        Object cur = state.get(op.key);
        Object expected = rnd.nextBoolean() || cur == null ? cur : (Object) (long) rnd.nextInt((int) nextValue);
        op.input = java.util.Arrays.asList(expected, nextValue++);
      }
      default -> op.input = null;
    }
    op.info = rnd.nextDouble() < spec.infoRate();
    op.skipEffect = op.info && rnd.nextBoolean();
    op.invokedAt = now;
    b.invoke(p, op.key, op.f, op.input, 0);
    return op;
  }

  private void apply(Pending op) {
    op.applied = true;
    if (op.skipEffect) {
      return;
    }
    Object cur = state.get(op.key);
    switch (op.f) {
      case "read", "get" -> op.output = spec.kind() == Kind.KV && cur == null ? "" : cur;
      case "write", "put" -> {
        state.put(op.key, op.input);
        op.output = op.input;
      }
      case "append" -> {
        state.put(op.key, (cur == null ? "" : (String) cur) + op.input);
        op.output = op.input;
      }
      default -> {
        List<?> ab = (List<?>) op.input;
        if (java.util.Objects.equals(cur, ab.get(0))) {
          state.put(op.key, ab.get(1));
        } else {
          op.status = Status.FAIL;
        }
        op.output = op.input;
      }
    }
  }

  private static boolean isWrite(Pending op) {
    return op.f.equals("write") || op.f.equals("put") || (op.f.equals("cas"));
  }

  private static Object writtenValue(Pending op) {
    return op.f.equals("cas") ? ((List<?>) op.input).get(1) : op.input;
  }

  /** Invokes and completes a read of a value that is definitely overwritten; false if none yet. */
  private boolean injectStale(long p) {
    for (int j = completedWrites.size() - 1; j >= 0; j--) {
      Done w2 = completedWrites.get(j);
      for (int i = j - 1; i >= 0; i--) {
        Done w1 = completedWrites.get(i);
        if (w1.ret() < w2.call() && java.util.Objects.equals(w1.key(), w2.key())
            && !w1.value().equals(w2.value())) {
          String f = spec.kind() == Kind.KV ? "get" : "read";
          b.invoke(p, w1.key(), f, null, 0);
          b.complete(p, Status.OK, f, w1.value(), 0);
          staleInjected = true;
          return true;
        }
      }
    }
    return false;
  }
}
