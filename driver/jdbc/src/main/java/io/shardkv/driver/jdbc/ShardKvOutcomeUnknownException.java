package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.sql.SQLException;

/**
 * SQLState {@value SqlErrors#OUTCOME_UNKNOWN} ("transaction resolution unknown" in the SQL
 * standard): a write may or may not have been applied — its deadline passed or the connection broke
 * after it was sent, and it may still apply later. The connection stays usable. Retrying an INSERT
 * or a plain UPDATE (blind put) is safe; before retrying an append or a compare-and-set, read the
 * key.
 *
 * <p>Deliberately not an {@link java.sql.SQLTransientException}: generic retry logic that retries
 * transient errors would apply a non-idempotent write twice.
 */
public final class ShardKvOutcomeUnknownException extends SQLException {

  public ShardKvOutcomeUnknownException(String message, Throwable cause) {
    super(message, SqlErrors.OUTCOME_UNKNOWN, cause);
  }
}
