package io.shardkv.linearizability;

import java.time.Duration;

/**
 * Knobs of one check.
 *
 * @param timeout wall-clock budget for the whole history; partitions still open then are UNKNOWN
 * @param memoryCapBytes budget for the memo caches of all partitions together; a partition whose
 *     cache would exceed its share gives up as UNKNOWN
 * @param decideAll verbose mode: decide every partition instead of stopping at the first illegal one
 * @param threads worker threads for partitions (1 = check in the caller's thread)
 * @param optimized enable the sound optimizations (eager read-only ops, model simplification,
 *     return-order candidates); off gives the plain Porcupine-style search, used to cross-check
 * @param stepLimit candidate steps each partition's search may take before it is UNKNOWN
 *     ({@code Long.MAX_VALUE}: no limit). Unlike the timeout it does not depend on the machine's
 *     speed or load, so a caller that must reproduce its verdict (the simulator) sets this
 */
public record CheckOptions(Duration timeout, long memoryCapBytes, boolean decideAll, int threads,
    boolean optimized, long stepLimit) {

  public static CheckOptions defaults() {
    return new CheckOptions(Duration.ofSeconds(60), defaultMemoryCap(), false,
        Runtime.getRuntime().availableProcessors(), true, Long.MAX_VALUE);
  }

  /** Half of the JVM's maximum heap. */
  public static long defaultMemoryCap() {
    return Runtime.getRuntime().maxMemory() / 2;
  }

  public CheckOptions withTimeout(Duration t) {
    return new CheckOptions(t, memoryCapBytes, decideAll, threads, optimized, stepLimit);
  }

  public CheckOptions withMemoryCap(long bytes) {
    return new CheckOptions(timeout, bytes, decideAll, threads, optimized, stepLimit);
  }

  public CheckOptions withDecideAll(boolean all) {
    return new CheckOptions(timeout, memoryCapBytes, all, threads, optimized, stepLimit);
  }

  public CheckOptions withThreads(int n) {
    return new CheckOptions(timeout, memoryCapBytes, decideAll, Math.max(1, n), optimized, stepLimit);
  }

  public CheckOptions withOptimized(boolean on) {
    return new CheckOptions(timeout, memoryCapBytes, decideAll, threads, on, stepLimit);
  }

  public CheckOptions withStepLimit(long steps) {
    return new CheckOptions(timeout, memoryCapBytes, decideAll, threads, optimized, Math.max(1, steps));
  }
}
