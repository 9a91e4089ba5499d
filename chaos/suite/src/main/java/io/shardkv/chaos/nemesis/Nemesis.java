package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.history.Op;
import java.util.Set;

/**
 * Injects one class of faults (Jepsen's nemesis). It runs on the single nemesis thread, one op at a
 * time. {@link #invoke} performs a nemesis op and returns its completion — always {@code :info}
 * (Jepsen: a fault's effect is never definite) — whose {@code :value} and extra keys record what it
 * actually did (the grudge, the hosts, the clock offsets), so the history tells the whole story. A
 * fault that cannot be applied is recorded with {@code :error}, not thrown; {@link #setup} and
 * {@link #teardown} throw {@link io.shardkv.chaos.ChaosException} when the testbed cannot support
 * the fault at all (the campaign then stops: exit 255).
 */
public interface Nemesis {
  /** The {@code :f} values this nemesis handles. */
  Set<String> fs();

  /** Prepares (and checks) the fault primitives: e.g. heals the network. */
  default void setup() {}

  Op invoke(Op op);

  /** Undoes every fault still active. */
  default void teardown() {}
}
