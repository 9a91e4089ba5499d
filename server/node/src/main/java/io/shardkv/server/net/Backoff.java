package io.shardkv.server.net;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Exponential backoff with jitter for reconnect attempts: the n-th consecutive failure waits
 * {@code min(max, base * 2^n)} scaled by a random factor in [1 - jitter, 1]. Jitter spreads the
 * reconnects of many nodes after a common failure. Seeded, so a given link's delays are
 * reproducible. Not thread-safe (one link, on its loop thread).
 */
public final class Backoff {
  private final long baseNanos;
  private final long maxNanos;
  private final double jitter;
  private final SplittableRandom random;
  private int failures;

  public Backoff(Duration base, Duration max, double jitter, long seed) {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 < base <= max: base=" + base + " max=" + max);
    }
    if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
    this.baseNanos = base.toNanos();
    this.maxNanos = max.toNanos();
    this.jitter = jitter;
    this.random = new SplittableRandom(seed);
  }

  /** The delay before the next attempt; counts one more failure. */
  public Duration nextDelay() {
    int shift = Math.min(failures, 40);
    long raw = baseNanos << shift;
    long capped = raw <= 0 || raw > maxNanos || shift == 40 ? maxNanos : raw;
    failures++;
    double factor = 1 - jitter * random.nextDouble();
    return Duration.ofNanos((long) (capped * factor));
  }

  /** Consecutive failures since the last {@link #reset}. */
  public int failures() { return failures; }

  /** After a success: the next failure waits {@code base} again. */
  public void reset() { failures = 0; }
}
