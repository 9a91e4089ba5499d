package io.shardkv.linearizability.models;

import io.shardkv.linearizability.BadHistoryException;
import io.shardkv.linearizability.Operation;
import java.util.List;
import java.util.Objects;

/** Small helpers shared by the models: the nil state, value comparison, pair extraction. */
final class Values {
  private Values() {}

  /** The register state "no value" (Jepsen's nil). States are never null. */
  record Nil() {
    static final Nil NIL = new Nil();

    @Override
    public String toString() {
      return "nil";
    }
  }

  static Object state(Object value) {
    return value == null ? Nil.NIL : value;
  }

  /** Value equality; integral numbers compare by value whatever their boxed type. */
  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && isIntegral(x) && isIntegral(y)) {
      return x.longValue() == y.longValue();
    }
    return Objects.equals(a, b);
  }

  static int hash(Object v) {
    if (v instanceof Number x && isIntegral(x)) {
      return Long.hashCode(x.longValue());
    }
    return Objects.hashCode(v);
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }

  /** The two elements of a {@code [a b]} value, or a BadHistoryException naming the op's line. */
  static Object[] pair(Operation op, String what) {
    if (op.input() instanceof List<?> l && l.size() == 2) {
      return new Object[] {l.get(0), l.get(1)};
    }
    throw new BadHistoryException(op.line(), ":" + op.f() + " needs a value [" + what + "], got "
        + op.input());
  }

  static BadHistoryException unknownOp(Operation op, String model, String known) {
    return new BadHistoryException(op.line(), "unknown op :" + op.f() + " for model " + model
        + " (known: " + known + "); pick another --model or fix the history");
  }
}
