package io.shardkv.server.sim;

/**
 * A violated invariant or a liveness bound missed in a simulation. The message always names the
 * seed, the simulated time, the node (when one is involved) and the invariant, so the failure can be
 * replayed from the seed alone.
 */
public final class SimulationFailure extends AssertionError {
  private final long seed;
  private final long timeMs;
  private final String invariant;

  public SimulationFailure(long seed, long timeMs, String node, String invariant, String detail) {
    super("seed " + seed + ", t=" + timeMs + "ms" + (node == null ? "" : ", " + node)
        + ": " + invariant + " violated: " + detail);
    this.seed = seed;
    this.timeMs = timeMs;
    this.invariant = invariant;
  }

  public long seed() { return seed; }
  public long timeMs() { return timeMs; }
  public String invariant() { return invariant; }
}
