package io.shardkv.chaos.gen;

import io.shardkv.chaos.history.Op;

/**
 * A generator's answer. {@link Kind#OP}: perform {@code op} (its process is one of the context's
 * free processes, its time when to perform it) and continue with {@code rest}. {@link Kind#PENDING}:
 * nothing now (no free process, or waiting for time to pass); ask {@code rest} again later.
 * {@link Kind#LOG}: write {@code message} to the run's log and continue with {@code rest}.
 * {@link Kind#DONE}: exhausted.
 */
public record Step(Kind kind, Op op, String message, Generator rest) {
  public enum Kind { OP, PENDING, LOG, DONE }

  public static final Step DONE = new Step(Kind.DONE, null, null, null);

  public static Step op(Op op, Generator rest) {
    return new Step(Kind.OP, op, null, rest);
  }

  public static Step pending(Generator rest) {
    return new Step(Kind.PENDING, null, null, rest);
  }

  public static Step log(String message, Generator rest) {
    return new Step(Kind.LOG, null, message, rest);
  }

  public boolean isOp() {
    return kind == Kind.OP;
  }

  public boolean isDone() {
    return kind == Kind.DONE;
  }

  public boolean isPending() {
    return kind == Kind.PENDING;
  }
}
