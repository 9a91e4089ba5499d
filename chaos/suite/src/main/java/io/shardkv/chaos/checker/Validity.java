package io.shardkv.chaos.checker;

import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.format.Keyword;

/** A checker's verdict, Jepsen's {@code :valid?}: true, false or {@code :unknown}. */
public enum Validity {
  VALID, INVALID, UNKNOWN;

  /** Jepsen's composition: invalid beats unknown beats valid. */
  public Validity and(Validity other) {
    if (this == INVALID || other == INVALID) {
      return INVALID;
    }
    if (this == UNKNOWN || other == UNKNOWN) {
      return UNKNOWN;
    }
    return VALID;
  }

  /** The {@code :valid?} value: {@code true}, {@code false} or {@code :unknown}. */
  public Object edn() {
    return switch (this) {
      case VALID -> Boolean.TRUE;
      case INVALID -> Boolean.FALSE;
      case UNKNOWN -> Keyword.of("unknown");
    };
  }

  /** The word on the verdict line: valid, invalid, unknown. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code chaos run}'s exit status: 0 valid, 1 invalid, 2 unknown (Jepsen's). */
  public int exitCode() {
    return switch (this) {
      case VALID -> 0;
      case INVALID -> 1;
      case UNKNOWN -> 2;
    };
  }

  public static Validity of(Verdict v) {
    return switch (v) {
      case LINEARIZABLE -> VALID;
      case NOT_LINEARIZABLE -> INVALID;
      case UNKNOWN -> UNKNOWN;
    };
  }

  /** Reads a {@code :valid?} value back. */
  public static Validity fromEdn(Object v) {
    if (Boolean.TRUE.equals(v)) {
      return VALID;
    }
    if (Boolean.FALSE.equals(v)) {
      return INVALID;
    }
    return UNKNOWN;
  }
}
