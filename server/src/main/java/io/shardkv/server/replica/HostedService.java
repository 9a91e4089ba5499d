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

  /** Evaluates a read admitted as {@link Admission.Read} against the applied state; never throws. */
  byte[] read(byte[] request);

  /** A short deterministic description of the applied state for the app-layer trace line. */
  default String traceState() {
    return "applied=" + stateMachine().lastAppliedIndex();
  }
}
