package io.shardkv.linearizability;

import java.util.List;
import java.util.Objects;

/**
 * A sequential specification, Porcupine style: an initial state and a step function over
 * operations. States are values: never null, compared with {@link #equal} and {@link #hash}
 * (by default {@code equals}/{@code hashCode}); the search memoizes them, so they must be immutable.
 *
 * <p>How statuses are read (Jepsen semantics): an OK op happened; a FAIL op did not happen unless
 * {@link #prepare} keeps it (a model may define a failed op as a completed observation, e.g. the
 * Porcupine etcd cas-register's failed compare); an INFO op may take effect at any instant after its
 * call, or never, and when it does take effect it has its successful effect ({@link #step} sees it
 * with {@code output == null}).
 *
 * @param <S> state type
 */
public interface Model<S> {

  /** Short name used on the command line and in reports, e.g. {@code cas-register}. */
  String name();

  /** The state before any operation. */
  S init();

  /**
   * The state after {@code op} runs in {@code state}, or {@code null} when {@code op} cannot run
   * there (its observed output contradicts the state, or a precondition such as a compare fails).
   */
  S step(S state, Operation op);

  /**
   * True when {@code op} never changes the state: for every state where {@link #step} is legal it
   * returns an equal state. The search linearizes such ops eagerly (a sound forced move), and drops
   * INFO ones (an unobserved read constrains nothing). Reads are read-only; writes are not.
   */
  boolean readOnly(Operation op);

  /**
   * True when linearizing {@code op} right now, in {@code state}, can never lose a linearization:
   * for every completion α op β of the current configuration, op α β is one too. The search then
   * takes {@code op} as a forced move, without trying alternatives. Must only hold where
   * {@link #step} leaves the state equal. The default is {@link #readOnly} (see the lemma in
   * {@code LinearizationSearch}); models may add cases they can prove.
   */
  default boolean forcedIn(S state, Operation op) {
    return readOnly(op);
  }

  /** What {@link #lookahead} says about the walk over the ops not yet linearized. */
  enum Lookahead { CONTINUE, STOP, DEAD }

  /**
   * Sound look-ahead pruning. The search walks the call and return entries of the ops not yet
   * linearized, in real-time order, from the current configuration (state {@code state}); for each
   * entry it asks this method. STOP ends the walk; DEAD declares that no completion of the current
   * configuration exists (the model must be able to prove it from what it has seen in the walk);
   * CONTINUE goes on. The default stops at once (no pruning).
   */
  default Lookahead lookahead(S state, Operation op, boolean returnEntry) {
    return Lookahead.STOP;
  }

  /**
   * Value tracking (optional). If the model's states are plain values, {@code produces(op)} is the
   * state {@code op} leaves when it takes effect (or null if it is not a producer or the state it
   * leaves depends on the state before), {@code requires(op)} the state a completed op needs to be
   * legal (or null), and {@code valueKey(state)} the value of a state — all as keys with value
   * equality. The search then prunes a configuration that has just left state v when no producer
   * of v remains unlinearized but some completed op still requires v: v can never come back.
   * Defaults return null (no tracking).
   */
  default Object produces(Operation op) {
    return null;
  }

  /** See {@link #produces}. */
  default Object requires(Operation op) {
    return null;
  }

  /** See {@link #produces}. */
  default Object valueKey(S state) {
    return null;
  }

  /**
   * Validates an op and decides whether it takes part: returns the op (possibly rewritten) to
   * check, or {@code null} to drop it. The default drops FAIL ops (they did not happen) and INFO
   * read-only ops (they may not have happened and observed nothing). Throws
   * {@link BadHistoryException} for an op the model does not know (unknown {@code f}, malformed value).
   */
  default Operation prepare(Operation op) {
    validate(op);
    if (op.status() == Status.FAIL) {
      return null;
    }
    if (op.status() == Status.INFO && readOnly(op)) {
      return null;
    }
    return op;
  }

  /** Throws {@link BadHistoryException} (naming the op's line) if the model cannot run {@code op}. */
  void validate(Operation op);

  /** Which independent part of the history {@code op} belongs to; null means the single part. */
  default Object partition(Operation op) {
    return op.key();
  }

  /**
   * A sound reduction of one partition's prepared ops: the result must be linearizable iff the input
   * is. The default is the identity; models override it to drop indeterminate ops whose effect nobody
   * can observe (see each model's javadoc for the argument).
   */
  default List<Operation> simplify(List<Operation> partitionOps) {
    return partitionOps;
  }

  default boolean equal(S a, S b) {
    return Objects.equals(a, b);
  }

  default int hash(S state) {
    return Objects.hashCode(state);
  }

  default String describeOp(Operation op) {
    return op.toString();
  }

  default String describeState(S state) {
    return String.valueOf(state);
  }
}
