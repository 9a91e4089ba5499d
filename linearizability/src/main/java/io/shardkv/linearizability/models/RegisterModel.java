package io.shardkv.linearizability.models;

import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * A read/write register ({@code register}); with {@code cas} enabled, a compare-and-set register
 * ({@code cas-register}). Values are compared by value, integers by numeric value; the initial value
 * is nil.
 *
 * <ul>
 *   <li>{@code :read} observes the current value (its completion's {@code :value}); read-only.</li>
 *   <li>{@code :write v} sets the value.</li>
 *   <li>{@code :cas [a b]} sets the value to b if it is a; an OK cas requires the value to be a.</li>
 * </ul>
 * FAIL ops did not happen, except with {@code failedCasIsCompare} (the Porcupine etcd register): then
 * a FAIL cas is a completed compare that saw a value other than a — read-only, legal iff value ≠ a.
 * A FAIL read (Porcupine's {@code :fail :read :timed-out}) returned nothing: dropped.
 */
public final class RegisterModel implements Model<Object> {
  private final boolean cas;
  private final boolean failedCasIsCompare;

  private RegisterModel(boolean cas, boolean failedCasIsCompare) {
    this.cas = cas;
    this.failedCasIsCompare = failedCasIsCompare;
  }

  /** {@code register}: read and write. */
  public static RegisterModel register() {
    return new RegisterModel(false, false);
  }

  /** {@code cas-register} with Jepsen semantics: a FAIL cas did not happen. */
  public static RegisterModel casRegister() {
    return new RegisterModel(true, false);
  }

  /** {@code cas-register} over Porcupine etcd logs: a FAIL cas saw a value other than its expected one. */
  public static RegisterModel casRegisterFailedCasIsCompare() {
    return new RegisterModel(true, true);
  }

  @Override
  public String name() {
    return cas ? "cas-register" : "register";
  }

  @Override
  public Object init() {
    return Values.Nil.NIL;
  }

  @Override
  public void validate(Operation op) {
    switch (op.f()) {
      case "read", "write" -> { }
      case "cas" -> {
        if (!cas) {
          throw Values.unknownOp(op, name(), ":read :write");
        }
        Values.pair(op, "expected new");
      }
      default -> throw Values.unknownOp(op, name(), cas ? ":read :write :cas" : ":read :write");
    }
  }

  @Override
  public Operation prepare(Operation op) {
    validate(op);
    if (op.status() == Status.FAIL) {
      return failedCasIsCompare && op.f().equals("cas") ? op : null;
    }
    if (op.status() == Status.INFO && readOnly(op)) {
      return null;
    }
    return op;
  }

  /**
   * The value that replaces, in {@link #simplify}, every written value nobody observes. Sound: let φ
   * map unobserved values to UNSEEN and keep the others. Every op's legality depends on the state only
   * through equality with an observed value (a read's output, a cas's or failed compare's expected
   * value), and φ(x) = x for those, so step(φ(s), φ(op)) = φ(step(s, op)): the rewritten history has
   * exactly the same linearizations. What it buys: all "dead" states become one, so the memo merges
   * them, and {@link #forcedIn} can take unobserved writes eagerly.
   */
  record Unseen(Object original) {
    /** The state itself (all instances are equal; {@code original} only serves descriptions). */
    static final Unseen UNSEEN = new Unseen("(unread value)");

    static Unseen of(Object original) {
      return new Unseen(original);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Unseen;
    }

    @Override
    public int hashCode() {
      return 0x5eed;
    }

    @Override
    public String toString() {
      return original instanceof String str ? "\"" + str + "\" (never read)" : original + " (never read)";
    }
  }

  /**
   * Read-only ops, and — in partitions without failed compares — a write of UNSEEN while the state is
   * UNSEEN. Lemma for the latter: in any completion α w β, the op right after w runs in state UNSEEN,
   * so it is no read and no cas (they need an observed value) and no failed compare (none exist): it
   * is a write, or w is last. Then w α β is a completion too: w leaves UNSEEN unchanged, so α runs as
   * before; at w's old place the next op is a write, legal in any state. And w may move earlier: it
   * is a candidate, so no unlinearized op returned before its call.
   */
  @Override
  public boolean forcedIn(Object state, Operation op) {
    return readOnly(op) || (state instanceof Unseen && op.f().equals("write")
        && op.input() instanceof Unseen);
  }

  /**
   * Look-ahead: walking the unlinearized ops in real-time order, up to the first call of an op that
   * may change the value (a write or a cas, completed or not), every read-only op (read, failed
   * compare) whose return is met returned before any such op was called, so every completion
   * linearizes it before all of them, in the current state: if it is illegal there, nothing
   * completes.
   */
  @Override
  public Lookahead lookahead(Object state, Operation op, boolean returnEntry) {
    if (!readOnly(op)) {
      return returnEntry ? Lookahead.CONTINUE : Lookahead.STOP;
    }
    if (!returnEntry) {
      return Lookahead.CONTINUE;
    }
    return step(state, op) == null ? Lookahead.DEAD : Lookahead.CONTINUE;
  }

  /** Writes produce their value, cas ops their new value (when they take effect). */
  @Override
  public Object produces(Operation op) {
    return switch (op.f()) {
      case "write" -> key(Values.state(op.input()));
      case "cas" -> op.status() == Status.FAIL ? null : key(Values.state(Values.pair(op, "expected new")[1]));
      default -> null;
    };
  }

  /** A completed read needs its value; a completed cas its expected value. */
  @Override
  public Object requires(Operation op) {
    if (op.status() != Status.OK) {
      return null;
    }
    return switch (op.f()) {
      case "read" -> key(Values.state(op.output()));
      case "cas" -> key(Values.state(Values.pair(op, "expected new")[0]));
      default -> null;
    };
  }

  @Override
  public Object valueKey(Object state) {
    return key(state);
  }

  @Override
  public boolean readOnly(Operation op) {
    return op.f().equals("read") || (op.f().equals("cas") && op.status() == Status.FAIL);
  }

  @Override
  public Object step(Object state, Operation op) {
    switch (op.f()) {
      case "read":
        return Values.same(state, Values.state(op.output())) ? state : null;
      case "write":
        return Values.state(op.input());
      default: {
        Object[] ab = Values.pair(op, "expected new");
        boolean matches = Values.same(state, Values.state(ab[0]));
        if (op.status() == Status.FAIL) {
          return matches ? null : state;
        }
        return matches ? Values.state(ab[1]) : null;
      }
    }
  }

  @Override
  public boolean equal(Object a, Object b) {
    return Values.same(a, b);
  }

  @Override
  public int hash(Object state) {
    return Values.hash(state);
  }

  /**
   * Drops INFO writes and INFO cas ops whose written value nobody observes. Argument: let w write v
   * (a write, or a cas succeeding to v) and suppose no other op reads v, no OK/INFO cas expects v, and
   * no FAIL compare can be ordered after w (none returns after w's call). Take any linearization with
   * w in it. The op right after w runs in state v, so it is not a read (nobody reads v), not a cas
   * (none expects v), not a FAIL compare (none can follow w): it is a write, or nothing. A write is
   * legal in any state, so removing w leaves a linearization. Conversely w is INFO and may never have
   * happened, so removing it never turns a linearizable history illegal. Repeated to a fixed point
   * (each removal only removes observers).
   */
  @Override
  public List<Operation> simplify(List<Operation> ops) {
    List<Operation> current = ops;
    while (true) {
      List<Operation> kept = new ArrayList<>(current.size());
      for (Operation op : current) {
        if (!(op.status() == Status.INFO && unobserved(op, current))) {
          kept.add(op);
        }
      }
      if (kept.size() == current.size()) {
        return rewriteUnobserved(current);
      }
      current = kept;
    }
  }

  /** Replaces unobserved written values by UNSEEN (see {@link Unseen}); needs no failed compares. */
  private List<Operation> rewriteUnobserved(List<Operation> ops) {
    java.util.Set<Object> observed = new java.util.HashSet<>();
    for (Operation o : ops) {
      switch (o.f()) {
        case "read" -> observed.add(key(Values.state(o.output())));
        case "cas" -> {
          if (o.status() == Status.FAIL) {
            return ops; // keep the forced-move lemma simple: no rewriting with failed compares
          }
          observed.add(key(Values.state(Values.pair(o, "expected new")[0])));
        }
        default -> { }
      }
    }
    List<Operation> out = new ArrayList<>(ops.size());
    for (Operation o : ops) {
      if (o.f().equals("write") && !observed.contains(key(Values.state(o.input())))) {
        out.add(o.withKeyAndValues(o.key(), Unseen.of(o.input()), o.output()));
      } else if (o.f().equals("cas")) {
        Object[] ab = Values.pair(o, "expected new");
        out.add(observed.contains(key(Values.state(ab[1]))) ? o
            : o.withKeyAndValues(o.key(), java.util.Arrays.asList(ab[0], Unseen.of(ab[1])), o.output()));
      } else {
        out.add(o);
      }
    }
    return out;
  }

  /** Value-equality key consistent with {@link Values#same} (integers by numeric value). */
  private static Object key(Object v) {
    return v instanceof Number n && !(v instanceof Double || v instanceof Float) ? (Object) n.longValue() : v;
  }

  private boolean unobserved(Operation w, List<Operation> ops) {
    Object v;
    if (w.f().equals("write")) {
      v = w.input();
    } else if (w.f().equals("cas")) {
      v = Values.pair(w, "expected new")[1];
    } else {
      return false;
    }
    Object vs = Values.state(v);
    for (Operation o : ops) {
      if (o == w) {
        continue;
      }
      switch (o.f()) {
        case "read" -> {
          if (Values.same(Values.state(o.output()), vs)) {
            return false;
          }
        }
        case "cas" -> {
          if (o.status() == Status.FAIL) {
            if (o.ret() > w.call()) {
              return false;
            }
          } else if (Values.same(Values.state(Values.pair(o, "expected new")[0]), vs)) {
            return false;
          }
        }
        default -> { }
      }
    }
    return true;
  }

  @Override
  public String describeOp(Operation op) {
    String what = switch (op.f()) {
      case "read" -> "read " + (op.status() == Status.INFO ? "?" : String.valueOf(op.output()));
      case "write" -> "write " + op.input();
      default -> "cas " + op.input() + (op.status() == Status.FAIL ? " (saw another value)" : "");
    };
    return what + (op.status() == Status.INFO ? " (indeterminate)" : "");
  }
}
