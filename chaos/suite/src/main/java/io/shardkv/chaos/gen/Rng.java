package io.shardkv.chaos.gen;

import java.util.SplittableRandom;

/**
 * A pure source of randomness for generators: an immutable seed. {@link #random()} gives a
 * {@link SplittableRandom} for one decision (the same one every time it is asked), {@link #next()}
 * the Rng for the following decision, {@link #fork(long)} an independent stream (one per
 * generator), so a generator asked twice in the same state decides the same way.
 */
public record Rng(long seed) {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  public static Rng of(long seed) {
    return new Rng(mix(seed));
  }

  public SplittableRandom random() {
    return new SplittableRandom(mix(seed));
  }

  public Rng next() {
    return new Rng(seed + GOLDEN);
  }

  /** An independent stream for {@code salt} (e.g. one per generator or per key). */
  public Rng fork(long salt) {
    return new Rng(mix(seed ^ mix(salt + GOLDEN)));
  }

  /** Stafford's mix13 (the SplitMix64 finalizer). */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
