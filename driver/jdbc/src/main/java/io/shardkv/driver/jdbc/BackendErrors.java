package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

/** Maps {@link KvBackendException}s to SQLExceptions; the table is in docs/jdbc.md. */
final class BackendErrors {

  private BackendErrors() {}

  /**
   * @param operation what was attempted, e.g. "UPDATE (compare-and-set)"
   * @param key the key it was about
   */
  static SQLException toSql(KvBackendException e, String operation, String key) {
    String on = operation + " of key '" + abbreviate(key) + "'";
    if (e instanceof KvIndefiniteOutcomeException) {
      return new ShardKvOutcomeUnknownException(
          "The outcome of "
              + on
              + " is unknown: the write may or may not "
              + "have been applied, now or later ("
              + e.getMessage()
              + "). Read the key before retrying an append, a compare-and-set or an INSERT (a"
              + " repeated INSERT fails with 23505 if the first one was applied); a plain UPDATE and"
              + " INSERT ... ON CONFLICT (k) DO UPDATE are safe to repeat.",
          e);
    }
    KvDefiniteFailureException d = (KvDefiniteFailureException) e;
    String notApplied = on + " was not applied: ";
    return switch (d.reason()) {
      case UNAVAILABLE ->
          new SQLTransientConnectionException(
              notApplied
                  + "the cluster is unavailable ("
                  + e.getMessage()
                  + "); it is safe to retry",
              SqlErrors.CONNECTION_FAILURE,
              e);
      case TIMEOUT ->
          new SQLTimeoutException(
              notApplied
                  + "it timed out ("
                  + e.getMessage()
                  + "); it is safe to retry, perhaps with a longer timeout",
              SqlErrors.TIMEOUT,
              e);
      case REJECTED ->
          new SQLDataException(
              notApplied + "the cluster rejected it (" + e.getMessage() + ")",
              SqlErrors.DATA_EXCEPTION,
              e);
      case CLOSED ->
          new SQLNonTransientConnectionException(
              notApplied + "the connection is closed (" + e.getMessage() + ")",
              SqlErrors.CONNECTION_DOES_NOT_EXIST,
              e);
    };
  }

  static String abbreviate(String key) {
    return key.length() <= 64 ? key : key.substring(0, 61) + "...";
  }
}
