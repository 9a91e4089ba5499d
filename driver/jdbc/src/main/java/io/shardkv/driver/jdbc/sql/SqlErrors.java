package io.shardkv.driver.jdbc.sql;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;

/**
 * The SQLStates the driver reports and factories for the exceptions that carry them. Every message
 * says what went wrong, where, and what is supported instead. docs/jdbc.md has the same table.
 */
public final class SqlErrors {

  /** The whole supported subset, appended to messages about anything outside it. */
  public static final String SUPPORTED_SUBSET =
      "ShardKV supports one table kv (k VARCHAR PRIMARY KEY, v VARCHAR) and: SELECT v|k, v|* FROM"
          + " kv WHERE k = ? | k IN (?, ...); SELECT v|k, v|* FROM kv [WHERE k LIKE 'prefix%'] [LIMIT n]"
          + " (a per-shard scan); INSERT INTO kv (k, v) VALUES (?, ?) [ON CONFLICT (k) DO NOTHING | DO"
          + " UPDATE SET v = EXCLUDED.v]; UPDATE kv SET v"
          + " = ? WHERE k = ? [AND v = ?]; UPDATE kv SET v = v || ? WHERE k = ?; DELETE FROM kv"
          + " WHERE k = ?";

  public static final String FEATURE_NOT_SUPPORTED = "0A000";
  public static final String SYNTAX_ERROR = "42601";
  public static final String UNDEFINED_TABLE = "42S02";
  public static final String UNDEFINED_COLUMN = "42S22";
  public static final String DATATYPE_MISMATCH = "42804";
  public static final String DATA_EXCEPTION = "22000";
  public static final String NULL_VALUE_NOT_ALLOWED = "22004";
  /** An INSERT of a key that already exists (PostgreSQL's unique_violation). */
  public static final String UNIQUE_VIOLATION = "23505";
  public static final String INVALID_CHARACTER_VALUE_FOR_CAST = "22018";
  public static final String INVALID_PARAMETER_VALUE = "22023";
  public static final String UNABLE_TO_CONNECT = "08001";
  public static final String CONNECTION_DOES_NOT_EXIST = "08003";
  public static final String CONNECTION_FAILURE = "08006";

  /** SQL standard "transaction resolution unknown": the write may or may not have been applied. */
  public static final String OUTCOME_UNKNOWN = "08007";

  public static final String TIMEOUT = "HYT00";
  public static final String WRONG_PARAMETER_COUNT = "07001";
  public static final String QUERY_CANNOT_BE_EXECUTED_AS_UPDATE = "07003";
  public static final String NOT_A_QUERY = "07005";
  public static final String INVALID_DESCRIPTOR_INDEX = "07009";
  public static final String INVALID_CURSOR_STATE = "24000";
  public static final String READ_ONLY = "25006";
  public static final String FUNCTION_SEQUENCE_ERROR = "HY010";
  public static final String INVALID_ARGUMENT = "HY009";

  private SqlErrors() {}

  /** 0A000: a JDBC or SQL feature outside what ShardKV offers. */
  public static SQLFeatureNotSupportedException unsupported(String what) {
    return new SQLFeatureNotSupportedException(
        what + " is not supported by ShardKV. " + SUPPORTED_SUBSET, FEATURE_NOT_SUPPORTED);
  }

  /** 0A000 for a JDBC API method (no SQL subset in the message: it is about the Java API). */
  public static SQLFeatureNotSupportedException unsupportedMethod(String method) {
    return new SQLFeatureNotSupportedException(
        method + " is not supported by the ShardKV JDBC driver", FEATURE_NOT_SUPPORTED);
  }

  /** 42601 with the position (1-based character offset, line and column) of the offending token. */
  public static SQLSyntaxErrorException syntax(String sql, int offset, String what) {
    return new SQLSyntaxErrorException(
        "Syntax error at " + where(sql, offset) + ": " + what, SYNTAX_ERROR);
  }

  /** 0A000 raised by the parser for a recognised but unsupported construct, with its position. */
  public static SQLFeatureNotSupportedException unsupportedAt(String sql, int offset, String what) {
    return new SQLFeatureNotSupportedException(
        what + " is not supported (at " + where(sql, offset) + "). " + SUPPORTED_SUBSET,
        FEATURE_NOT_SUPPORTED);
  }

  public static SQLSyntaxErrorException unknownTable(String sql, int offset, String name) {
    return new SQLSyntaxErrorException(
        "Table '"
            + name
            + "' does not exist (at "
            + where(sql, offset)
            + "); ShardKV has exactly one table, kv (k VARCHAR PRIMARY KEY, v VARCHAR)",
        UNDEFINED_TABLE);
  }

  public static SQLSyntaxErrorException unknownColumn(String sql, int offset, String name) {
    return new SQLSyntaxErrorException(
        "Column '"
            + name
            + "' does not exist (at "
            + where(sql, offset)
            + "); table kv has the columns k (the key) and v (the value)",
        UNDEFINED_COLUMN);
  }

  public static SQLSyntaxErrorException typeMismatch(String sql, int offset, String what) {
    return new SQLSyntaxErrorException(
        what + " (at " + where(sql, offset) + ")", DATATYPE_MISMATCH);
  }

  /** 22004: keys and values are never NULL in ShardKV. */
  public static SQLDataException nullValue(String role) {
    return new SQLDataException(
        role
            + " is NULL, but ShardKV stores no NULLs: k and v must be non-null strings "
            + "(delete a row with DELETE FROM kv WHERE k = ?)",
        NULL_VALUE_NOT_ALLOWED);
  }

  public static SQLNonTransientConnectionException connectionClosed() {
    return new SQLNonTransientConnectionException(
        "The connection is closed", CONNECTION_DOES_NOT_EXIST);
  }

  public static SQLException closed(String what) {
    return new SQLException(what + " is closed", FUNCTION_SEQUENCE_ERROR);
  }

  /**
   * "position 12 (line 1, column 12)" for a 0-based char offset: positions and columns count
   * Unicode code points from 1, so a character outside the BMP (an emoji) counts once.
   */
  static String where(String sql, int offset) {
    int end = Math.min(offset, sql.length());
    int line = 1;
    int column = 1;
    for (int i = 0; i < end; i = sql.offsetByCodePoints(i, 1)) {
      if (sql.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    int position = sql.codePointCount(0, end) + 1 + Math.max(0, offset - end);
    return "position " + position + " (line " + line + ", column " + column + ")";
  }
}
