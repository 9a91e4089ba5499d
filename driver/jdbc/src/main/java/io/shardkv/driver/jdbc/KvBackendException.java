package io.shardkv.driver.jdbc;

/**
 * A {@link KvBackend} call did not complete normally. Exactly one of two subclasses is thrown:
 * {@link KvDefiniteFailureException} (the operation did not take effect) or {@link
 * KvIndefiniteOutcomeException} (the operation may have taken effect). The split is the Jepsen
 * distinction between {@code :fail} and {@code :info}.
 */
public abstract sealed class KvBackendException extends Exception
    permits KvDefiniteFailureException, KvIndefiniteOutcomeException {

  KvBackendException(String message, Throwable cause) {
    super(message, cause);
  }

  /** True if the operation may have taken effect. */
  public abstract boolean isIndefinite();
}
