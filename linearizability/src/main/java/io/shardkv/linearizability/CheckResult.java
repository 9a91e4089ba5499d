package io.shardkv.linearizability;

import java.util.List;

/**
 * The verdict for a history: the combination (false beats unknown beats true) of its partitions.
 *
 * @param verdict combined verdict
 * @param partitions one result per partition, in a stable order (illegal first, then by key)
 * @param ops number of operations in the input history
 * @param millis wall time of the check
 */
public record CheckResult(Verdict verdict, List<PartitionResult> partitions, int ops, long millis) {

  /** The first NOT_LINEARIZABLE partition, or null. */
  public PartitionResult firstIllegal() {
    for (PartitionResult p : partitions) {
      if (p.verdict() == Verdict.NOT_LINEARIZABLE) {
        return p;
      }
    }
    return null;
  }
}
