package io.shardkv.driver.jdbc;

/**
 * A write may or may not have taken effect — typically its deadline passed after the request was
 * sent, or the connection broke before the answer arrived. The write may still apply later (it may
 * sit in a leader's log). Retrying a non-idempotent write (append, compare-and-set) after this is
 * not safe without reading first. Only writes throw this; reads fail definitely.
 */
public final class KvIndefiniteOutcomeException extends KvBackendException {

  public KvIndefiniteOutcomeException(String message) {
    this(message, null);
  }

  public KvIndefiniteOutcomeException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isIndefinite() {
    return true;
  }
}
