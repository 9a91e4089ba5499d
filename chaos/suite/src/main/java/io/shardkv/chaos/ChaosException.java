package io.shardkv.chaos;

/**
 * A failure of the test harness itself (a host that cannot be reached, a command that failed, a
 * cluster that never became healthy), as opposed to a finding about the database. Its message says
 * what failed, where, and how to fix it; {@code chaos run} turns it into exit status 255.
 */
public class ChaosException extends RuntimeException {
  public ChaosException(String message) {
    super(message);
  }

  public ChaosException(String message, Throwable cause) {
    super(message, cause);
  }
}
