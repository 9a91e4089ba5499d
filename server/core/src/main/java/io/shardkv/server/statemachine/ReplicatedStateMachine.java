package io.shardkv.server.statemachine;

/**
 * A deterministic state machine replicated by Raft: every replica applies the same committed
 * commands in log order and so reaches the same state and produces the same results.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Determinism.</b> The state after {@code restoreSnapshot(s)} (or construction) followed by
 *       the same sequence of {@code apply} calls, and every result returned, is identical bit for bit
 *       on every JVM: implementations use no clock, no randomness, no threads, and never iterate a
 *       hash collection over identity-hashed keys.</li>
 *   <li><b>Totality.</b> {@code apply} never throws for any command bytes: a command that does not
 *       decode or is invalid yields a {@code BAD_REQUEST} result and leaves the state unchanged (a
 *       corrupt committed entry must not crash every replica the same way).</li>
 *   <li><b>Order.</b> {@code index} strictly increases across calls; an index at or below
 *       {@link #lastAppliedIndex()} is a caller bug and throws {@link IllegalStateException}. Gaps
 *       are allowed (Raft's own no-op and configuration entries are not handed to the machine).</li>
 *   <li><b>Snapshots.</b> {@code takeSnapshot()} encodes the whole state including
 *       {@link #lastAppliedIndex()}; {@code restoreSnapshot(takeSnapshot())} on any instance built
 *       with the same parameters yields a machine whose next snapshot is byte-identical. Restoring
 *       malformed bytes throws {@link io.shardkv.driver.routing.DecodeException} and leaves the
 *       state unchanged.</li>
 * </ul>
 */
public interface ReplicatedStateMachine {

  /** Applies the committed command at log {@code index} and returns its encoded result. */
  byte[] apply(long index, byte[] command);

  /** The log index of the last applied command (0 before any). */
  long lastAppliedIndex();

  /** A self-contained encoding of the whole state, including the last applied index. */
  byte[] takeSnapshot();

  /** Replaces the whole state with the one encoded in {@code snapshot}. */
  void restoreSnapshot(byte[] snapshot);
}
