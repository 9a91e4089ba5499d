package io.shardkv.linearizability.models;

import io.shardkv.linearizability.BadHistoryException;
import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * A key-value map ({@code kv}), checked one key at a time (P-compositionality: keys are independent
 * objects). Per key the state is a value or absent.
 *
 * <ul>
 *   <li>{@code :get} observes the value: nil means absent; {@code ""} matches absent or the empty
 *       string (Porcupine's kv histories read "" for a key never written). Read-only.</li>
 *   <li>{@code :put v} sets it; {@code :append s} appends a string (absent counts as "");</li>
 *   <li>{@code :cas [old new]} sets new if the value is old (nil = absent); {@code :delete} removes it.</li>
 * </ul>
 * The key is the op's {@code :key}, or {@code k} of an independent {@code [k v]} value. FAIL ops did
 * not happen; INFO gets are dropped.
 */
public final class KvModel implements Model<Object> {

  @Override
  public String name() {
    return "kv";
  }

  @Override
  public Object init() {
    return Values.Nil.NIL;
  }

  @Override
  public void validate(Operation op) {
    if (op.key() == null) {
      throw new BadHistoryException(op.line(), ":" + op.f() + " has no key; kv ops need :key, or"
          + " [k v] values with --independent");
    }
    switch (op.f()) {
      case "get", "put", "delete" -> { }
      case "append" -> {
        if (!(op.input() instanceof String)) {
          throw new BadHistoryException(op.line(), ":append needs a string value, got " + op.input());
        }
      }
      case "cas" -> Values.pair(op, "old new");
      default -> throw Values.unknownOp(op, name(), ":get :put :append :cas :delete");
    }
  }

  @Override
  public boolean readOnly(Operation op) {
    return op.f().equals("get");
  }

  /**
   * The state of a key whose string contains a put or appended value that no get and no cas ever
   * sees (so it can never be observed again until a put, delete or cas replaces it). Introduced by
   * {@link #simplify}, which rewrites such values to POISONED. Sound: every string containing an
   * unobserved value u behaves exactly like POISONED — no get can return it (its output would contain
   * u), no cas can match it (its expected value would contain u), appends keep it containing u, and
   * put/delete replace it. So the rewritten history has the same linearizations, and all such states
   * share one memo entry instead of one per order of the unobserved appends.
   */
  record Poisoned(Object original) {
    /** The state itself (all instances are equal; {@code original} only serves descriptions). */
    static final Poisoned POISONED = new Poisoned("(unread value)");

    static Poisoned of(Object original) {
      return new Poisoned(original);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Poisoned;
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
   * Gets, and a put/append of POISONED while the state is POISONED. Lemma for the latter: in any
   * completion α w β, the ops from w up to the next put/delete/cas run on a poisoned string, so they
   * are appends; moving w to the front leaves α unchanged (POISONED stays POISONED), and at w's old
   * place those appends now run on the previous string, legal because every state is a string or
   * absent ({@link #simplify} only poisons when all puts write strings), until the same
   * put/delete/cas restores the same state.
   */
  @Override
  public boolean forcedIn(Object state, Operation op) {
    return readOnly(op) || (state instanceof Poisoned && op.input() instanceof Poisoned
        && (op.f().equals("append") || op.f().equals("put")));
  }

  @Override
  public Object step(Object state, Operation op) {
    switch (op.f()) {
      case "get": {
        if (state instanceof Poisoned) {
          return null;
        }
        Object seen = op.output();
        if (seen == null) {
          return state == Values.Nil.NIL ? state : null;
        }
        if ("".equals(seen) && state == Values.Nil.NIL) {
          return state;
        }
        return Values.same(state, seen) ? state : null;
      }
      case "put":
        return Values.state(op.input());
      case "delete":
        return Values.Nil.NIL;
      case "append": {
        if (state instanceof Poisoned || op.input() instanceof Poisoned) {
          return Poisoned.POISONED;
        }
        if (state == Values.Nil.NIL) {
          return op.input();
        }
        return state instanceof String s ? s + op.input() : null;
      }
      default: {
        Object[] oldNew = Values.pair(op, "old new");
        return Values.same(state, Values.state(oldNew[0])) ? Values.state(oldNew[1]) : null;
      }
    }
  }

  /**
   * Prefix rule. Walking the unlinearized ops in real-time order until the first call of an op that
   * can replace the value (put, delete, cas — completed or not): every get g whose return entry is
   * met before that call returned before any such op was called, so every completion linearizes g
   * before all of them; between now and g only appends run, and appends only extend the string. So
   * g must observe the current string s plus some suffix: if g's output does not start with s (or g
   * saw absent while s is present), there is no completion.
   */
  @Override
  public Lookahead lookahead(Object state, Operation op, boolean returnEntry) {
    switch (op.f()) {
      case "append":
        return Lookahead.CONTINUE;
      case "get": {
        if (!returnEntry) {
          return Lookahead.CONTINUE;
        }
        Object seen = op.output();
        if (state instanceof Poisoned) {
          return Lookahead.DEAD;
        }
        if (state == Values.Nil.NIL) {
          return Lookahead.CONTINUE;
        }
        if (seen == null) {
          return Lookahead.DEAD;
        }
        if (state instanceof String s && seen instanceof String o) {
          return o.startsWith(s) ? Lookahead.CONTINUE : Lookahead.DEAD;
        }
        return Lookahead.STOP;
      }
      default:
        return returnEntry ? Lookahead.CONTINUE : Lookahead.STOP;
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
   * Drops INFO puts and appends of a non-empty string s that no get and no cas ever sees, when every
   * put of the key writes a string (so every state is a string or absent). Argument: in a
   * linearization containing such an op w, every state from w up to the next put/delete/cas-success
   * contains s as a substring (appends only extend the string), so no get returns in that stretch (no
   * get output contains s) and no cas succeeds there (no cas expects a string containing s): the ops
   * between w and the next put/delete are appends, legal on any string. Removing w changes only
   * those intermediate strings, which nobody observes. An INFO op may never happen, so the converse
   * holds trivially.
   */
  @Override
  public List<Operation> simplify(List<Operation> ops) {
    for (Operation op : ops) {
      if (op.f().equals("put") && !(op.input() instanceof String)) {
        return ops;
      }
      if (op.f().equals("cas") && !(Values.pair(op, "old new")[1] instanceof String)
          && Values.pair(op, "old new")[1] != null) {
        return ops;
      }
    }
    List<Operation> kept = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      if (!(op.status() == Status.INFO && unobserved(op, ops))) {
        kept.add(op);
      }
    }
    return poison(kept.size() == ops.size() ? ops : kept);
  }

  /** Rewrites put/append/cas-new values that no get or cas observes to POISONED (see {@link Poisoned}). */
  private static List<Operation> poison(List<Operation> ops) {
    List<String> observed = new ArrayList<>();
    for (Operation o : ops) {
      Object seen = switch (o.f()) {
        case "get" -> o.output();
        case "cas" -> Values.pair(o, "old new")[0];
        default -> null;
      };
      if (seen instanceof String str) {
        observed.add(str);
      } else if (seen != null) {
        return ops;
      }
    }
    List<Operation> out = new ArrayList<>(ops.size());
    for (Operation o : ops) {
      switch (o.f()) {
        case "put", "append" -> out.add(unobserved(o.input(), observed)
            ? o.withKeyAndValues(o.key(), Poisoned.of(o.input()), o.output()) : o);
        case "cas" -> {
          Object[] oldNew = Values.pair(o, "old new");
          out.add(unobserved(oldNew[1], observed)
              ? o.withKeyAndValues(o.key(), java.util.Arrays.asList(oldNew[0], Poisoned.of(oldNew[1])), o.output())
              : o);
        }
        default -> out.add(o);
      }
    }
    return out;
  }

  private static boolean unobserved(Object value, List<String> observed) {
    if (!(value instanceof String v) || v.isEmpty()) {
      return false;
    }
    for (String o : observed) {
      if (o.contains(v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean unobserved(Operation w, List<Operation> ops) {
    if (!(w.f().equals("put") || w.f().equals("append")) || !(w.input() instanceof String s)
        || s.isEmpty()) {
      return false;
    }
    for (Operation o : ops) {
      Object seen = switch (o.f()) {
        case "get" -> o.output();
        case "cas" -> Values.pair(o, "old new")[0];
        default -> null;
      };
      if (seen != null && (!(seen instanceof String str) || str.contains(s))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String describeOp(Operation op) {
    String v = switch (op.f()) {
      case "get" -> "get " + (op.status() == Status.INFO ? "?" : "\"" + op.output() + "\"");
      case "delete" -> "delete";
      default -> op.f() + " " + (op.input() instanceof String s ? "\"" + s + "\"" : String.valueOf(op.input()));
    };
    return "[" + op.key() + "] " + v + (op.status() == Status.INFO ? " (indeterminate)" : "");
  }
}
