package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.ParsedSql;
import io.shardkv.driver.jdbc.sql.Parser;
import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Statement} over the SQL subset. Each execution is one or a few single-key operations,
 * applied at once (auto-commit). Not safe for use by several threads at once (as usual for JDBC
 * statements); several statements of one connection may run concurrently.
 */
class ShardKvStatement implements Statement {

  /** One entry of a batch: a parsed statement with its parameter values. */
  record BatchEntry(ParsedSql parsed, String[] params) {}

  final ShardKvConnection connection;
  private final List<BatchEntry> batch = new ArrayList<>();
  private ShardKvResultSet resultSet;
  private long updateCount = -1;
  private boolean closed;
  private boolean closeOnCompletion;
  private boolean poolable;
  private int queryTimeoutSeconds;
  private long maxRows;
  private int maxFieldSize;
  private int fetchSize;

  ShardKvStatement(ShardKvConnection connection) {
    this.connection = connection;
  }

  final void checkOpen() throws SQLException {
    if (connection.isClosed()) {
      throw SqlErrors.connectionClosed();
    }
    if (closed) {
      throw SqlErrors.closed("The statement");
    }
  }

  /** Runs one statement, replacing the current result. */
  final StatementExecutor.Outcome run(ParsedSql parsed, String[] params) throws SQLException {
    checkOpen();
    closeCurrentResult();
    StatementExecutor.Outcome outcome =
        StatementExecutor.execute(
            this,
            connection.backend(),
            connection.isReadOnly(),
            parsed,
            params,
            timeout(),
            maxRows,
            maxFieldSize);
    resultSet = outcome.resultSet();
    updateCount = outcome.updateCount();
    return outcome;
  }

  /** The deadline of one backend call: the query timeout if set, else the connection's. */
  final Duration timeout() {
    return queryTimeoutSeconds > 0
        ? Duration.ofSeconds(queryTimeoutSeconds)
        : connection.callTimeout();
  }

  static ParsedSql parseWithoutParameters(String sql) throws SQLException {
    ParsedSql parsed = Parser.parse(sql);
    if (parsed.parameterCount() > 0) {
      throw new SQLException(
          "The statement has "
              + parsed.parameterCount()
              + " ? parameter(s); a plain Statement "
              + "cannot bind them: use Connection.prepareStatement",
          SqlErrors.WRONG_PARAMETER_COUNT);
    }
    return parsed;
  }

  static SQLException notAQuery(String sql) {
    return new SQLException(
        "executeQuery needs a SELECT, but this statement returns an update count: "
            + sql
            + " (use executeUpdate or execute)",
        SqlErrors.NOT_A_QUERY);
  }

  static SQLException aQuery(String sql) {
    return new SQLException(
        "executeUpdate cannot run a SELECT, which returns rows: "
            + sql
            + " (use executeQuery or execute)",
        SqlErrors.QUERY_CANNOT_BE_EXECUTED_AS_UPDATE);
  }

  private void closeCurrentResult() throws SQLException {
    if (resultSet != null) {
      ShardKvResultSet rs = resultSet;
      resultSet = null;
      boolean wasCloseOnCompletion = closeOnCompletion;
      closeOnCompletion =
          false; // closing our own result to make room for the next is not "completion"
      rs.close();
      closeOnCompletion = wasCloseOnCompletion;
    }
    updateCount = -1;
  }

  /** Called by a result set of this statement when it is closed. */
  final void resultSetClosed(ShardKvResultSet rs) throws SQLException {
    if (rs == resultSet) {
      resultSet = null;
    }
    if (closeOnCompletion && !closed) {
      close();
    }
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    checkOpen();
    ParsedSql parsed = parseWithoutParameters(sql);
    if (!parsed.isQuery()) {
      throw notAQuery(sql);
    }
    return run(parsed, new String[0]).resultSet();
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    return (int) executeLargeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    checkOpen();
    ParsedSql parsed = parseWithoutParameters(sql);
    if (parsed.isQuery()) {
      throw aQuery(sql);
    }
    return run(parsed, new String[0]).updateCount();
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    checkOpen();
    return run(parseWithoutParameters(sql), new String[0]).resultSet() != null;
  }

  // Generated keys: ShardKV generates none (the key is always given), so every flag is accepted and
  // getGeneratedKeys returns an empty result.

  @Override
  public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    return executeUpdate(sql);
  }

  @Override
  public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
    return executeUpdate(sql);
  }

  @Override
  public int executeUpdate(String sql, String[] columnNames) throws SQLException {
    return executeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    return executeLargeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
    return executeLargeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
    return executeLargeUpdate(sql);
  }

  @Override
  public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
    return execute(sql);
  }

  @Override
  public boolean execute(String sql, int[] columnIndexes) throws SQLException {
    return execute(sql);
  }

  @Override
  public boolean execute(String sql, String[] columnNames) throws SQLException {
    return execute(sql);
  }

  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    checkOpen();
    return new ShardKvResultSet(this, List.of(ColumnSpec.kvColumn("k", "k")), List.of());
  }

  // ---- batches ----

  @Override
  public void addBatch(String sql) throws SQLException {
    checkOpen();
    ParsedSql parsed = parseWithoutParameters(sql);
    if (parsed.isQuery()) {
      throw new SQLException(
          "A SELECT cannot be part of a batch (batches return update counts only): " + sql,
          SqlErrors.QUERY_CANNOT_BE_EXECUTED_AS_UPDATE);
    }
    batch.add(new BatchEntry(parsed, new String[0]));
  }

  final void addBatchEntry(BatchEntry entry) {
    batch.add(entry);
  }

  @Override
  public void clearBatch() throws SQLException {
    checkOpen();
    batch.clear();
  }

  @Override
  public int[] executeBatch() throws SQLException {
    long[] counts = executeLargeBatch();
    int[] result = new int[counts.length];
    for (int i = 0; i < counts.length; i++) {
      result[i] = (int) counts[i];
    }
    return result;
  }

  /**
   * Runs the batch in order and stops at the first failure with a {@link BatchUpdateException}
   * whose update counts are those of the statements before it (all applied), whose SQLState is the
   * failed statement's (08007 if its outcome is unknown), and whose cause is that statement's
   * exception. The batch is empty afterwards either way.
   */
  @Override
  public long[] executeLargeBatch() throws SQLException {
    checkOpen();
    List<BatchEntry> entries = new ArrayList<>(batch);
    batch.clear();
    closeCurrentResult();
    long[] counts = new long[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      BatchEntry e = entries.get(i);
      try {
        counts[i] =
            StatementExecutor.execute(
                    this,
                    connection.backend(),
                    connection.isReadOnly(),
                    e.parsed(),
                    e.params(),
                    timeout(),
                    0,
                    0)
                .updateCount();
      } catch (SQLException failure) {
        long[] done = java.util.Arrays.copyOf(counts, i);
        String applied =
            i == 0 ? "no statement before it was applied" : "statements 1.." + i + " were applied";
        BatchUpdateException b =
            new BatchUpdateException(
                "Batch statement "
                    + (i + 1)
                    + " of "
                    + entries.size()
                    + " failed and the batch stopped ("
                    + applied
                    + "; none after it ran): "
                    + failure.getMessage(),
                failure.getSQLState(),
                failure.getErrorCode(),
                done,
                failure);
        b.setNextException(failure);
        throw b;
      }
    }
    return counts;
  }

  // ---- results ----

  @Override
  public ResultSet getResultSet() throws SQLException {
    checkOpen();
    return resultSet;
  }

  @Override
  public int getUpdateCount() throws SQLException {
    return (int) getLargeUpdateCount();
  }

  @Override
  public long getLargeUpdateCount() throws SQLException {
    checkOpen();
    return updateCount;
  }

  @Override
  public boolean getMoreResults() throws SQLException {
    return getMoreResults(Statement.CLOSE_CURRENT_RESULT);
  }

  @Override
  public boolean getMoreResults(int current) throws SQLException {
    checkOpen();
    closeCurrentResult();
    return false;
  }

  // ---- properties ----

  @Override
  public void close() throws SQLException {
    if (!closed) {
      closed = true;
      batch.clear();
      if (resultSet != null) {
        ShardKvResultSet rs = resultSet;
        resultSet = null;
        rs.close();
      }
      connection.statementClosed(this);
    }
  }

  @Override
  public boolean isClosed() {
    return closed || connection.isClosed();
  }

  @Override
  public int getMaxFieldSize() throws SQLException {
    checkOpen();
    return maxFieldSize;
  }

  @Override
  public void setMaxFieldSize(int max) throws SQLException {
    checkOpen();
    if (max < 0) {
      throw new SQLException(
          "The maximum field size must not be negative, got " + max, SqlErrors.INVALID_ARGUMENT);
    }
    maxFieldSize = max;
  }

  @Override
  public int getMaxRows() throws SQLException {
    return (int) Math.min(Integer.MAX_VALUE, getLargeMaxRows());
  }

  @Override
  public void setMaxRows(int max) throws SQLException {
    setLargeMaxRows(max);
  }

  @Override
  public long getLargeMaxRows() throws SQLException {
    checkOpen();
    return maxRows;
  }

  @Override
  public void setLargeMaxRows(long max) throws SQLException {
    checkOpen();
    if (max < 0) {
      throw new SQLException(
          "The maximum row count must not be negative, got " + max, SqlErrors.INVALID_ARGUMENT);
    }
    maxRows = max;
  }

  @Override
  public void setEscapeProcessing(boolean enable) throws SQLException {
    checkOpen(); // the subset has no JDBC escape syntax; nothing to switch
  }

  @Override
  public int getQueryTimeout() throws SQLException {
    checkOpen();
    return queryTimeoutSeconds;
  }

  /** Seconds each key operation of a statement may take; 0 means the connection's timeout. */
  @Override
  public void setQueryTimeout(int seconds) throws SQLException {
    checkOpen();
    if (seconds < 0) {
      throw new SQLException(
          "The query timeout must not be negative, got " + seconds, SqlErrors.INVALID_ARGUMENT);
    }
    queryTimeoutSeconds = seconds;
  }

  @Override
  public void cancel() throws SQLException {
    throw SqlErrors.unsupportedMethod(
        "Statement.cancel (each statement is bounded by its timeout instead)");
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    return null;
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
  }

  @Override
  public void setCursorName(String name) throws SQLException {
    throw SqlErrors.unsupportedMethod("Statement.setCursorName (positioned updates)");
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    checkOpen();
    if (direction != ResultSet.FETCH_FORWARD) {
      throw ReadOnlyResultSetBase.forwardOnly();
    }
  }

  @Override
  public int getFetchDirection() throws SQLException {
    checkOpen();
    return ResultSet.FETCH_FORWARD;
  }

  @Override
  public void setFetchSize(int rows) throws SQLException {
    checkOpen();
    if (rows < 0) {
      throw new SQLException(
          "The fetch size must not be negative, got " + rows, SqlErrors.INVALID_ARGUMENT);
    }
    fetchSize = rows;
  }

  @Override
  public int getFetchSize() throws SQLException {
    checkOpen();
    return fetchSize;
  }

  @Override
  public int getResultSetConcurrency() throws SQLException {
    checkOpen();
    return ResultSet.CONCUR_READ_ONLY;
  }

  @Override
  public int getResultSetType() throws SQLException {
    checkOpen();
    return ResultSet.TYPE_FORWARD_ONLY;
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    checkOpen();
    return ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }

  @Override
  public Connection getConnection() throws SQLException {
    checkOpen();
    return connection;
  }

  @Override
  public void setPoolable(boolean poolable) throws SQLException {
    checkOpen();
    this.poolable = poolable;
  }

  @Override
  public boolean isPoolable() throws SQLException {
    checkOpen();
    return poolable;
  }

  @Override
  public void closeOnCompletion() throws SQLException {
    checkOpen();
    closeOnCompletion = true;
  }

  @Override
  public boolean isCloseOnCompletion() throws SQLException {
    checkOpen();
    return closeOnCompletion;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("Not a wrapper for " + iface.getName(), SqlErrors.INVALID_ARGUMENT);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
