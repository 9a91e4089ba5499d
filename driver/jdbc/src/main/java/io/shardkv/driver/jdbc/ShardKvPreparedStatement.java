package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.ParsedSql;
import io.shardkv.driver.jdbc.sql.Parser;
import io.shardkv.driver.jdbc.sql.SqlErrors;
import io.shardkv.driver.jdbc.sql.SqlStatement;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A {@link PreparedStatement}: parsed once when prepared (so bad SQL fails at prepareStatement),
 * executed many times with {@code ?} parameters bound by the setters. Every value is stored as
 * text.
 */
final class ShardKvPreparedStatement extends ShardKvStatement implements PreparedStatement {

  private final ParsedSql parsed;
  private final ParameterValues parameters;

  ShardKvPreparedStatement(ShardKvConnection connection, String sql) throws SQLException {
    super(connection);
    this.parsed = Parser.parse(sql);
    this.parameters = new ParameterValues(parsed.parameterCount());
  }

  private static SQLException notOnPrepared(String method) {
    return new SQLException(
        method
            + "(String sql) cannot be called on a PreparedStatement; call "
            + method
            + "() to run the prepared SQL, or use Connection.createStatement",
        SqlErrors.FUNCTION_SEQUENCE_ERROR);
  }

  private void bind(int index, String value) throws SQLException {
    checkOpen();
    parameters.set(index, value);
  }

  @Override
  public ResultSet executeQuery() throws SQLException {
    checkOpen();
    if (!parsed.isQuery()) {
      throw notAQuery(parsed.sql());
    }
    return run(parsed, parameters.snapshot()).resultSet();
  }

  @Override
  public int executeUpdate() throws SQLException {
    return (int) executeLargeUpdate();
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    checkOpen();
    if (parsed.isQuery()) {
      throw aQuery(parsed.sql());
    }
    return run(parsed, parameters.snapshot()).updateCount();
  }

  @Override
  public boolean execute() throws SQLException {
    checkOpen();
    return run(parsed, parameters.snapshot()).resultSet() != null;
  }

  /** Adds the statement with the current parameter values; all must be bound. */
  @Override
  public void addBatch() throws SQLException {
    checkOpen();
    if (parsed.isQuery()) {
      throw new SQLException(
          "A SELECT cannot be part of a batch (batches return update counts only): " + parsed.sql(),
          SqlErrors.QUERY_CANNOT_BE_EXECUTED_AS_UPDATE);
    }
    addBatchEntry(new BatchEntry(parsed, parameters.snapshot()));
  }

  @Override
  public void clearParameters() throws SQLException {
    checkOpen();
    parameters.clear();
  }

  /** The columns a SELECT will return (known without running it); null for other statements. */
  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    if (parsed.statement() instanceof SqlStatement.Select s) {
      return new ShardKvResultSetMetaData(StatementExecutor.columnsOf(s));
    }
    if (parsed.statement() instanceof SqlStatement.SelectConstant c) {
      return new ShardKvResultSetMetaData(StatementExecutor.columnsOf(c));
    }
    if (parsed.statement() instanceof SqlStatement.Scan s) {
      return new ShardKvResultSetMetaData(StatementExecutor.columnsOf(s.items()));
    }
    return null;
  }

  @Override
  public ParameterMetaData getParameterMetaData() throws SQLException {
    checkOpen();
    return new ShardKvParameterMetaData(parameters.count());
  }

  // ---- the SQL-taking methods of Statement do not apply ----

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    throw notOnPrepared("executeQuery");
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    throw notOnPrepared("executeUpdate");
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    throw notOnPrepared("executeLargeUpdate");
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    throw notOnPrepared("execute");
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    throw notOnPrepared("addBatch");
  }

  // ---- setters: everything becomes text ----

  @Override
  public void setNull(int parameterIndex, int sqlType) throws SQLException {
    ParameterValues.checkTextType(sqlType);
    bind(parameterIndex, null);
  }

  @Override
  public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
    setNull(parameterIndex, sqlType);
  }

  @Override
  public void setString(int parameterIndex, String x) throws SQLException {
    bind(parameterIndex, x);
  }

  @Override
  public void setNString(int parameterIndex, String value) throws SQLException {
    bind(parameterIndex, value);
  }

  @Override
  public void setBoolean(int parameterIndex, boolean x) throws SQLException {
    bind(parameterIndex, Boolean.toString(x));
  }

  @Override
  public void setByte(int parameterIndex, byte x) throws SQLException {
    bind(parameterIndex, Byte.toString(x));
  }

  @Override
  public void setShort(int parameterIndex, short x) throws SQLException {
    bind(parameterIndex, Short.toString(x));
  }

  @Override
  public void setInt(int parameterIndex, int x) throws SQLException {
    bind(parameterIndex, Integer.toString(x));
  }

  @Override
  public void setLong(int parameterIndex, long x) throws SQLException {
    bind(parameterIndex, Long.toString(x));
  }

  @Override
  public void setFloat(int parameterIndex, float x) throws SQLException {
    bind(parameterIndex, Float.toString(x));
  }

  @Override
  public void setDouble(int parameterIndex, double x) throws SQLException {
    bind(parameterIndex, Double.toString(x));
  }

  @Override
  public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
    bind(parameterIndex, x == null ? null : x.toPlainString());
  }

  /** The bytes must be valid UTF-8 (22021 otherwise). */
  @Override
  public void setBytes(int parameterIndex, byte[] x) throws SQLException {
    bind(parameterIndex, x == null ? null : ParameterValues.utf8(x));
  }

  @Override
  public void setDate(int parameterIndex, Date x) throws SQLException {
    bind(parameterIndex, x == null ? null : x.toString());
  }

  @Override
  public void setTime(int parameterIndex, Time x) throws SQLException {
    bind(parameterIndex, x == null ? null : x.toString());
  }

  @Override
  public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
    bind(parameterIndex, x == null ? null : x.toString());
  }

  @Override
  public void setObject(int parameterIndex, Object x) throws SQLException {
    checkOpen();
    parameters.check(parameterIndex);
    bind(parameterIndex, ParameterValues.textOf(x));
  }

  @Override
  public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
    ParameterValues.checkTextType(targetSqlType);
    setObject(parameterIndex, x);
  }

  @Override
  public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength)
      throws SQLException {
    setObject(parameterIndex, x, targetSqlType);
  }

  @Override
  public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
    bind(parameterIndex, ParameterValues.read(x, length, StandardCharsets.US_ASCII));
  }

  @Override
  public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
    bind(parameterIndex, ParameterValues.read(x, length, StandardCharsets.US_ASCII));
  }

  @Override
  public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
    bind(parameterIndex, ParameterValues.read(x, -1, StandardCharsets.US_ASCII));
  }

  /** The stream's bytes must be valid UTF-8. */
  @Override
  public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
    bind(parameterIndex, ParameterValues.read(x, length, StandardCharsets.UTF_8));
  }

  @Override
  public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
    bind(parameterIndex, ParameterValues.read(x, length, StandardCharsets.UTF_8));
  }

  @Override
  public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
    bind(parameterIndex, ParameterValues.read(x, -1, StandardCharsets.UTF_8));
  }

  @Override
  public void setCharacterStream(int parameterIndex, Reader reader, int length)
      throws SQLException {
    bind(parameterIndex, ParameterValues.read(reader, length));
  }

  @Override
  public void setCharacterStream(int parameterIndex, Reader reader, long length)
      throws SQLException {
    bind(parameterIndex, ParameterValues.read(reader, length));
  }

  @Override
  public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
    bind(parameterIndex, ParameterValues.read(reader, -1));
  }

  @Override
  public void setNCharacterStream(int parameterIndex, Reader value, long length)
      throws SQLException {
    bind(parameterIndex, ParameterValues.read(value, length));
  }

  @Override
  public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
    bind(parameterIndex, ParameterValues.read(value, -1));
  }

  @Override
  public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
    bind(parameterIndex, ParameterValues.read(reader, length));
  }

  @Override
  public void setClob(int parameterIndex, Reader reader) throws SQLException {
    bind(parameterIndex, ParameterValues.read(reader, -1));
  }

  @Override
  public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
    bind(parameterIndex, ParameterValues.read(reader, length));
  }

  @Override
  public void setNClob(int parameterIndex, Reader reader) throws SQLException {
    bind(parameterIndex, ParameterValues.read(reader, -1));
  }

  // ---- types with no text form in ShardKV ----

  @Override
  public final void setArray(int p0, Array p1) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setArray (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setBlob(int p0, InputStream p1, long p2) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setBlob (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setBlob(int p0, InputStream p1) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setBlob (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setBlob(int p0, Blob p1) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setBlob (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setRef(int p0, Ref p1) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setRef (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setRowId(int p0, RowId p1) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setRowId (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setSQLXML(int p0, SQLXML p1) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setSQLXML (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setURL(int p0, URL p1) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setURL (ShardKV values are VARCHAR)");
  }

  @Override
  @Deprecated
  public final void setUnicodeStream(int p0, InputStream p1, int p2) throws SQLException {
    throw SqlErrors.unsupportedMethod(
        "PreparedStatement.setUnicodeStream (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setClob(int p0, Clob p1) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setClob (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setDate(int p0, Date p1, Calendar p2) throws SQLException {
    throw SqlErrors.unsupportedMethod(
        "PreparedStatement.setDate with a Calendar (bind the value without one; it is stored as ISO"
            + " text)");
  }

  @Override
  public final void setNClob(int p0, NClob p1) throws SQLException {
    throw SqlErrors.unsupportedMethod("PreparedStatement.setNClob (ShardKV values are VARCHAR)");
  }

  @Override
  public final void setTime(int p0, Time p1, Calendar p2) throws SQLException {
    throw SqlErrors.unsupportedMethod(
        "PreparedStatement.setTime with a Calendar (bind the value without one; it is stored as ISO"
            + " text)");
  }

  @Override
  public final void setTimestamp(int p0, Timestamp p1, Calendar p2) throws SQLException {
    throw SqlErrors.unsupportedMethod(
        "PreparedStatement.setTimestamp with a Calendar (bind the value without one; it is stored"
            + " as ISO text)");
  }
}
