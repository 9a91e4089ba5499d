package io.shardkv.server.replica;

import io.shardkv.server.statemachine.ReplicatedStateMachine;

/**
 * Adapts one replicated service (unsharded KV, config center, shard group) to a {@link ReplicaHost}:
 * which client requests go through the log, which are reads served by ReadIndex, and how a read is
 * evaluated. Implementations are deterministic and pure, like their state machines.
 * Factories: {@link Services}.
 */
public interface HostedService {

  /** The state machine the host applies committed commands to (the host owns its lifecycle). */
  ReplicatedStateMachine stateMachine();

  /** How the host treats a client's request bytes. */
  sealed interface Admission {
    /** Propose {@code logCommand} (the request, possibly wrapped) and answer with its applied result. */
    record Propose(byte[] logCommand) implements Admission {}

    /** A read: confirm leadership with ReadIndex, then answer with {@link #read(byte[])}. */
    record Read() implements Admission {}

    /** Answer {@code result} at once (e.g. BAD_REQUEST for bytes that do not decode). */
    record Reject(byte[] result) implements Admission {}
  }

  /** Classifies a request; never throws for any bytes. */
  Admission admit(byte[] request);

  /**
   * The command to append for {@code logCommand} (from an {@link Admission.Propose}) when this
   * replica, as leader, stamps client writes for session expiry (Raft thesis §6.3; kv.SessionClock):
   * its clock {@code leaderMillis} and the idle limit {@code idleMillis}. A service without sessions
   * keeps the default (unchanged). Pure: the stamp comes from the host, never from a clock here.
   */
  default byte[] stamped(byte[] logCommand, long leaderMillis, long idleMillis) {
    return logCommand;
  }

  /** Client sessions held by the applied state (live, expired); {@code NONE} for a service without. */
  default io.shardkv.server.kv.DedupTable.Counts sessionCounts() {
    return io.shardkv.server.kv.DedupTable.Counts.NONE;
  }

  /** Evaluates a read admitted as {@link Admission.Read} against the applied state; never throws. */
  byte[] read(byte[] request);

  /** A short deterministic description of the applied state for the app-layer trace line. */
  default String traceState() {
    return "applied=" + stateMachine().lastAppliedIndex();
  }

  // ------------------------------------------------------------------ lifecycle hooks
  // The host calls these on its own thread, from inside its Ready loop, in the order stated; a
  // service that does more than serve clients (a shard group's migrations) lives on them. Each
  // default does nothing, so a plain service implements none.

  /** Once, at the end of the host's construction (after the storage was loaded). */
  default void attach(Host host) {}

  /** After every tick (Raft's tick and the request timeouts), with the host's tick count. */
  default void onTick(long ticks) {}

  /** After the state machine applied a committed command ({@code result} is its result). */
  default void onApplied(byte[] command, byte[] result) {}

  /** When this replica has just become its group's leader (after the Ready that made it so). */
  default void onBecameLeader() {}

  /** Appended to {@link #traceState()} in the app-layer trace line (e.g. " mseq=3"); "" for none. */
  default String traceSuffix() {
    return "";
  }

  /** What the host offers a service through {@link #attach}. */
  interface Host {
    /** True while this replica leads its group (and its storage has not failed). */
    boolean isLeader();

    /** Ticks since the host started. */
    long ticks();

    /** Proposes a command of the service's own; true if this node appended it to its log. */
    boolean propose(byte[] command);

    /** Runs {@code input} as one input of the host's Ready loop (queued while a flush is pending). */
    void input(Runnable input);

    /** An app-layer trace line (only written when tracing is on). */
    void trace(String body);
  }
}
