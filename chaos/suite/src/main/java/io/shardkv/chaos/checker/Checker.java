package io.shardkv.chaos.checker;

/**
 * Judges a history (Jepsen's checker). Checkers are composed with {@link Checkers#compose}: the
 * combined verdict is the worst (invalid beats unknown beats valid), and a checker that throws
 * yields unknown with the error, never a crash.
 */
@FunctionalInterface
public interface Checker {
  Result check(CheckInput input) throws Exception;
}
