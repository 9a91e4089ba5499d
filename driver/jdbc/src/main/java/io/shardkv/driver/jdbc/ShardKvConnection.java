package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.ClientInfoStatus;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A JDBC connection: one {@link KvBackend} plus session settings. Always in auto-commit mode (each
 * statement's single-key operations are applied as they run; there are no transactions). Safe for
 * use by several threads; its statements are not.
 */
final class ShardKvConnection implements Connection {

  /** Client info properties a pool or tool may set; kept in the connection, not sent anywhere. */
  static final List<String> CLIENT_INFO_NAMES =
      List.of("ApplicationName", "ClientUser", "ClientHostname");

  private final ConnectionSettings settings;
  private final KvBackend backend;
  private final Set<ShardKvStatement> openStatements = ConcurrentHashMap.newKeySet();
  private final Properties clientInfo = new Properties();
  private volatile boolean closed;
  private volatile boolean readOnly;

  /**
   * Per-call deadline in milliseconds set by setNetworkTimeout; 0 means use the timeout property.
   */
  private volatile int networkTimeoutMillis;

  ShardKvConnection(ConnectionSettings settings, KvBackend backend) {
    this.settings = settings;
    this.backend = backend;
  }

  ConnectionSettings settings() {
    return settings;
  }

  KvBackend backend() throws SQLException {
    checkOpen();
    return backend;
  }

  /**
   * The deadline of one backend call: the network timeout if set, else the {@code timeout}
   * property.
   */
  Duration callTimeout() {
    int network = networkTimeoutMillis;
    if (network > 0) {
      return Duration.ofMillis(network);
    }
    try {
      return settings.timeout();
    } catch (SQLException e) {
      throw new IllegalStateException("settings were validated when the connection opened", e);
    }
  }

  private void checkOpen() throws SQLException {
    if (closed) {
      throw SqlErrors.connectionClosed();
    }
  }

  private <T extends ShardKvStatement> T track(T statement) {
    openStatements.add(statement);
    return statement;
  }

  void statementClosed(ShardKvStatement statement) {
    openStatements.remove(statement);
  }

  private static void checkResultSetOptions(int type, int concurrency) throws SQLException {
    if (type != ResultSet.TYPE_FORWARD_ONLY) {
      throw ReadOnlyResultSetBase.forwardOnly();
    }
    if (concurrency != ResultSet.CONCUR_READ_ONLY) {
      throw ReadOnlyResultSetBase.readOnly();
    }
  }

  private static void checkHoldability(int holdability) throws SQLException {
    if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT
        && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
      throw new SQLException("Unknown holdability " + holdability, SqlErrors.INVALID_ARGUMENT);
    }
  }

  // ---- statements ----

  @Override
  public Statement createStatement() throws SQLException {
    checkOpen();
    return track(new ShardKvStatement(this));
  }

  @Override
  public Statement createStatement(int resultSetType, int resultSetConcurrency)
      throws SQLException {
    checkResultSetOptions(resultSetType, resultSetConcurrency);
    return createStatement();
  }

  @Override
  public Statement createStatement(
      int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    checkHoldability(resultSetHoldability);
    return createStatement(resultSetType, resultSetConcurrency);
  }

  /** Parses {@code sql} now: bad SQL fails here, with its SQLState and position. */
  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    checkOpen();
    return track(new ShardKvPreparedStatement(this, sql));
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    checkResultSetOptions(resultSetType, resultSetConcurrency);
    return prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    checkHoldability(resultSetHoldability);
    return prepareStatement(sql, resultSetType, resultSetConcurrency);
  }

  /** ShardKV generates no keys; the flag is accepted and getGeneratedKeys is empty. */
  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
    return prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    return prepareStatement(sql);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
    return prepareStatement(sql);
  }

  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    throw SqlErrors.unsupported("Calling stored procedures (prepareCall)");
  }

  @Override
  public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
      throws SQLException {
    return prepareCall(sql);
  }

  @Override
  public CallableStatement prepareCall(
      String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    return prepareCall(sql);
  }

  /** The subset has no JDBC escape syntax, so the native SQL is the SQL given. */
  @Override
  public String nativeSQL(String sql) throws SQLException {
    checkOpen();
    return sql;
  }

  // ---- transactions: none; auto-commit only ----

  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    if (!autoCommit) {
      throw new java.sql.SQLFeatureNotSupportedException(
          "setAutoCommit(false) is not supported: ShardKV has no multi-statement transactions, so"
              + " there is nothing to commit or roll back. What is atomic: each statement on one key"
              + " (SELECT ... WHERE k = ?, INSERT, UPDATE including the compare-and-set form"
              + " ... AND v = ?, the append v = v || ?, DELETE) takes effect atomically and is"
              + " linearizable, and INSERT ... ON CONFLICT is one atomic operation. What is not"
              + " atomic: anything across keys or statements (a batch, SELECT ... k IN (...), a"
              + " LIKE scan, which is consistent per shard only). Leave auto-commit on (the"
              + " default); for a conditional write use UPDATE kv SET v = ? WHERE k = ? AND v = ?"
              + " (update count 0 = someone else changed it).",
          SqlErrors.FEATURE_NOT_SUPPORTED);
    }
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    checkOpen();
    return true;
  }

  @Override
  public void commit() throws SQLException {
    checkOpen();
    throw SqlErrors.unsupported(
        "commit() (the connection is always in auto-commit mode: every statement is "
            + "applied when it runs)");
  }

  @Override
  public void rollback() throws SQLException {
    checkOpen();
    throw SqlErrors.unsupported(
        "rollback() (the connection is always in auto-commit mode: there is nothing to "
            + "roll back)");
  }

  @Override
  public void rollback(Savepoint savepoint) throws SQLException {
    throw SqlErrors.unsupported("Savepoints");
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    throw SqlErrors.unsupported("Savepoints");
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    throw SqlErrors.unsupported("Savepoints");
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    throw SqlErrors.unsupported("Savepoints");
  }

  @Override
  public void setTransactionIsolation(int level) throws SQLException {
    checkOpen();
    if (level != Connection.TRANSACTION_NONE) {
      throw SqlErrors.unsupported(
          "Transaction isolation level "
              + level
              + " (there are no transactions: "
              + "every single-key operation is linearizable, TRANSACTION_NONE)");
    }
  }

  @Override
  public int getTransactionIsolation() throws SQLException {
    checkOpen();
    return Connection.TRANSACTION_NONE;
  }

  // ---- lifecycle ----

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    for (ShardKvStatement s : List.copyOf(openStatements)) {
      s.close();
    }
    backend.close();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /**
   * Asks the backend whether the cluster serves, within {@code timeout} seconds (0: the call
   * timeout).
   */
  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw new SQLException(
          "isValid needs a timeout of 0 or more seconds, got " + timeout,
          SqlErrors.INVALID_ARGUMENT);
    }
    if (closed) {
      return false;
    }
    try {
      return backend.isValid(timeout == 0 ? callTimeout() : Duration.ofSeconds(timeout));
    } catch (RuntimeException brokenBackend) {
      return false; // isValid must not throw for a connection that is open; a broken backend is not
      // valid
    }
  }

  @Override
  public void abort(Executor executor) throws SQLException {
    if (executor == null) {
      throw new SQLException("abort needs an executor", SqlErrors.INVALID_ARGUMENT);
    }
    if (closed) {
      return;
    }
    closed = true;
    executor.execute(backend::close);
  }

  @Override
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    checkOpen();
    if (milliseconds < 0) {
      throw new SQLException(
          "The network timeout must not be negative, got " + milliseconds,
          SqlErrors.INVALID_ARGUMENT);
    }
    networkTimeoutMillis = milliseconds;
  }

  /** The per-call deadline in milliseconds: the one set, or else the {@code timeout} property. */
  @Override
  public int getNetworkTimeout() throws SQLException {
    checkOpen();
    return (int) Math.min(Integer.MAX_VALUE, callTimeout().toMillis());
  }

  // ---- session properties ----

  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    checkOpen();
    return new ShardKvDatabaseMetaData(this);
  }

  /** A read-only connection refuses INSERT, UPDATE and DELETE with 25006. */
  @Override
  public void setReadOnly(boolean readOnly) throws SQLException {
    checkOpen();
    this.readOnly = readOnly;
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    checkOpen();
    return readOnly;
  }

  /** ShardKV has no catalogs; the request is ignored, as JDBC prescribes. */
  @Override
  public void setCatalog(String catalog) throws SQLException {
    checkOpen();
  }

  @Override
  public String getCatalog() throws SQLException {
    checkOpen();
    return null;
  }

  /** ShardKV has no schemas; the request is ignored, as JDBC prescribes. */
  @Override
  public void setSchema(String schema) throws SQLException {
    checkOpen();
  }

  @Override
  public String getSchema() throws SQLException {
    checkOpen();
    return null;
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
  public Map<String, Class<?>> getTypeMap() throws SQLException {
    checkOpen();
    return Collections.emptyMap();
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    checkOpen();
    if (map != null && !map.isEmpty()) {
      throw SqlErrors.unsupported("User-defined type maps");
    }
  }

  @Override
  public void setHoldability(int holdability) throws SQLException {
    checkOpen();
    checkHoldability(holdability);
  }

  @Override
  public int getHoldability() throws SQLException {
    checkOpen();
    return ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }

  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    if (closed) {
      throw new SQLClientInfoException(
          "The connection is closed",
          SqlErrors.CONNECTION_DOES_NOT_EXIST,
          0,
          Map.of(String.valueOf(name), ClientInfoStatus.REASON_UNKNOWN));
    }
    if (name == null) {
      return;
    }
    synchronized (clientInfo) {
      if (value == null) {
        clientInfo.remove(name);
      } else {
        clientInfo.setProperty(name, value);
      }
    }
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    if (closed) {
      throw new SQLClientInfoException(
          "The connection is closed", SqlErrors.CONNECTION_DOES_NOT_EXIST, 0, Map.of());
    }
    synchronized (clientInfo) {
      clientInfo.clear();
      if (properties != null) {
        for (String name : properties.stringPropertyNames()) {
          clientInfo.setProperty(name, properties.getProperty(name));
        }
      }
    }
  }

  @Override
  public String getClientInfo(String name) throws SQLException {
    checkOpen();
    synchronized (clientInfo) {
      return clientInfo.getProperty(name);
    }
  }

  @Override
  public Properties getClientInfo() throws SQLException {
    checkOpen();
    synchronized (clientInfo) {
      Properties copy = new Properties();
      copy.putAll(clientInfo);
      return copy;
    }
  }

  // ---- LOBs and structured types: not in a VARCHAR store ----

  @Override
  public Clob createClob() throws SQLException {
    throw SqlErrors.unsupportedMethod("Connection.createClob (values are VARCHAR: use setString)");
  }

  @Override
  public Blob createBlob() throws SQLException {
    throw SqlErrors.unsupportedMethod("Connection.createBlob (values are VARCHAR: use setString)");
  }

  @Override
  public NClob createNClob() throws SQLException {
    throw SqlErrors.unsupportedMethod("Connection.createNClob (values are VARCHAR: use setString)");
  }

  @Override
  public SQLXML createSQLXML() throws SQLException {
    throw SqlErrors.unsupportedMethod(
        "Connection.createSQLXML (values are VARCHAR: use setString)");
  }

  @Override
  public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
    throw SqlErrors.unsupportedMethod("Connection.createArrayOf (values are VARCHAR)");
  }

  @Override
  public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
    throw SqlErrors.unsupportedMethod("Connection.createStruct (values are VARCHAR)");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    if (iface.isInstance(backend)) {
      return iface.cast(backend);
    }
    throw new SQLException("Not a wrapper for " + iface.getName(), SqlErrors.INVALID_ARGUMENT);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this) || iface.isInstance(backend);
  }
}
