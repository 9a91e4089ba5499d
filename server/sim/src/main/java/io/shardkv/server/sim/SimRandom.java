package io.shardkv.server.sim;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The simulator's only source of randomness: SplitMix64 (Steele, Lea, Flood 2014), written out here so
 * a seed produces the same stream on every JVM and JDK version (the JDK's generators are not promised
 * to stay bit-identical across releases).
 *
 * <p>Independent streams are derived with {@link #fork(String)} as hash(parent's seed, label): the
 * child's seed depends only on where the parent came from and the label, never on how many values the
 * parent drew or which other streams it forked before. So adding a random stream (or a draw) in one
 * component never shifts any other component's stream. A label names one stream: forking the same
 * label twice from one parent is refused. Not thread-safe: one simulator, one thread.
 */
public final class SimRandom implements RandomGenerator {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  /** This stream's seed: the root seed, or hash(parent's seed, label) for a fork. Never changes. */
  private final long seed;
  private final Set<String> forked = new HashSet<>();
  private long state;

  public SimRandom(long seed) {
    this.seed = seed;
    this.state = seed;
  }

  @Override
  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix64(state);
  }

  // The bounded and floating-point draws are defined here too, not inherited from RandomGenerator's
  // defaults, so their algorithm (and so every replay) cannot change with the JDK.

  @Override
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in {@code [0, bound)} by rejection sampling (no modulo bias). */
  @Override
  public long nextLong(long bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
    long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
    while (true) {
      long r = nextLong() >>> 1;
      if (r < limit) return r % bound;
    }
  }

  @Override
  public int nextInt(int bound) {
    return (int) nextLong(bound);
  }

  /**
   * A derived, independent stream named {@code label} (e.g. {@code "node-3"}, {@code "network"}):
   * seeded with hash(this stream's seed, label), whatever this stream drew or forked before.
   *
   * @throws IllegalStateException if {@code label} was already forked from this stream
   */
  public SimRandom fork(String label) {
    if (!forked.add(label)) {
      throw new IllegalStateException("random stream '" + label + "' forked twice from one parent: "
          + "a label names one stream, give the second one its own label");
    }
    return new SimRandom(mix64(mix64(seed ^ GOLDEN_GAMMA) ^ fnv1a(label)));
  }

  /** True with probability {@code p} (0 never draws true, 1 always). */
  public boolean chance(double p) {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return nextDouble() < p;
  }

  /** Uniform in {@code [lo, hi]} inclusive. */
  public long between(long lo, long hi) {
    if (hi < lo) throw new IllegalArgumentException("empty range [" + lo + ", " + hi + "]");
    if (hi == lo) return lo;
    return lo + nextLong(hi - lo + 1);
  }

  /** Uniform in {@code [0, bound)}. */
  public int below(int bound) {
    return nextInt(bound);
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static long fnv1a(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
