package io.shardkv.linearizability;

import java.util.List;

/**
 * The verdict for one partition (one key, or the whole history when the model does not partition).
 *
 * @param key the partition key (null for the single partition)
 * @param verdict LINEARIZABLE, NOT_LINEARIZABLE, or UNKNOWN (timeout, memory cap, or cancelled
 *     because another partition was already illegal and {@link CheckOptions#decideAll} was off)
 * @param ops the partition's operations as checked (after the model's prepare/simplify), ids local
 * @param linearization for LINEARIZABLE a full linearization; otherwise the longest linearizable
 *     prefix found (indices into {@code ops}, in linearization order)
 * @param failingOp for NOT_LINEARIZABLE the op that could not be linearized after the longest
 *     prefix (an index into {@code ops}), else -1
 * @param reason for UNKNOWN why (timeout, memory, cancelled); else empty
 * @param configurations number of (linearized-set, state) configurations explored
 * @param millis time spent on this partition
 */
public record PartitionResult(Object key, Verdict verdict, List<Operation> ops,
    int[] linearization, int failingOp, String reason, long configurations, long millis) {

  /** Length of the longest linearizable prefix (the whole partition when linearizable). */
  public int prefixLength() {
    return linearization.length;
  }
}
