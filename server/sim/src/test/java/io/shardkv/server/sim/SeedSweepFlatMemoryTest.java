package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link SeedSweep#forEach} runs in flat memory: results come back in seed order and only a bounded
 * window of seeds is ever started and not yet consumed, however long the sweep (issue 10: keeping
 * every result ran a 100,000-seed sweep out of a 1 GiB heap).
 */
class SeedSweepFlatMemoryTest {

  @Test
  void aLongSweepKeepsAtMostFourSeedsPerThreadUnconsumedAndDeliversThemInSeedOrder() {
    int threads = 3;
    AtomicLong started = new AtomicLong();
    long[] consumed = {0};
    long[] expectedSeed = {1};
    long[] maxOutstanding = {0};
    SeedSweep.forEach(new SeedSweep.Range(1, 100_000), threads, seed -> {
      started.incrementAndGet();
      return seed;
    }, seed -> {
      assertEquals(expectedSeed[0]++, seed, "results come in seed order");
      consumed[0]++;
      maxOutstanding[0] = Math.max(maxOutstanding[0], started.get() - consumed[0]);
    });
    assertEquals(100_000, consumed[0]);
    assertTrue(maxOutstanding[0] <= 4L * threads, "at most 4 seeds per thread started and not consumed, saw "
        + maxOutstanding[0]);
  }

  @Test
  void theStreamedDigestEqualsTheDigestOfTheCollectedResults() {
    SeedSweep.Range range = new SeedSweep.Range(5, 60);
    SeedSweep.Digest streamed = new SeedSweep.Digest();
    SeedSweep.forEach(range, 2, seed -> "d" + seed * 31, new java.util.function.Consumer<String>() {
      long seed = 5;
      @Override public void accept(String d) { streamed.add(seed++, d); }
    });
    java.util.List<Long> seeds = SeedSweep.run(range, 2, s -> s);
    assertEquals(SeedSweep.combinedDigest(seeds, s -> s, s -> "d" + s * 31), streamed.hex());
  }
}
