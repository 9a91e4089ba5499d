package io.shardkv.driver.routing;

/**
 * Timing of a client's retries, in milliseconds of whatever clock the caller feeds in (virtual
 * time in the simulator, a monotonic clock in the real driver).
 *
 * @param attemptTimeoutMillis how long to wait for the reply to one attempt before trying another
 *     server
 * @param callTimeoutMillis how long one operation may take in total before it is given up (with a
 *     definite or indefinite outcome, see {@link CallOutcome})
 * @param initialBackoffMillis pause after every server of a group failed once in a row
 * @param maxBackoffMillis cap of the exponential backoff
 */
public record RetryPolicy(long attemptTimeoutMillis, long callTimeoutMillis, long initialBackoffMillis,
    long maxBackoffMillis) {
  public RetryPolicy {
    if (attemptTimeoutMillis <= 0 || callTimeoutMillis <= 0 || initialBackoffMillis <= 0
        || maxBackoffMillis < initialBackoffMillis) {
      throw new IllegalArgumentException("retry policy needs positive timeouts and backoffs with "
          + "max >= initial, got " + this);
    }
  }

  /** 1 s per attempt, 10 s per call, backoff 10 ms doubling up to 1 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(1_000, 10_000, 10, 1_000);
  }

  /** The pause after {@code fullRounds} complete rounds of failures (1, 2, ...). */
  long backoffAfter(int fullRounds) {
    int shift = Math.min(30, Math.max(0, fullRounds - 1));
    return Math.min(maxBackoffMillis, initialBackoffMillis << shift);
  }
}
