package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A forward-only, read-only result set held in memory: the rows of a SELECT (each key read once) or
 * of a {@link java.sql.DatabaseMetaData} call. Values are Strings, Integers, Shorts or Booleans;
 * numeric getters convert text, and a text that does not convert is 22018.
 */
final class ShardKvResultSet extends ForwardOnlyResultSetBase {

  private final ShardKvStatement statement;
  private final List<ColumnSpec> columns;
  private final List<Object[]> rows;

  /** 0 before the first row, rows.size()+1 after the last. */
  private int row;

  private boolean wasNull;
  private boolean closed;
  private int fetchSize;

  ShardKvResultSet(ShardKvStatement statement, List<ColumnSpec> columns, List<Object[]> rows) {
    this.statement = statement;
    this.columns = List.copyOf(columns);
    this.rows = new ArrayList<>(rows);
  }

  private void checkOpen() throws SQLException {
    if (closed) {
      throw SqlErrors.closed("The result set");
    }
  }

  /** The raw value of a column of the current row; also sets {@link #wasNull()}. */
  private Object value(int columnIndex) throws SQLException {
    checkOpen();
    if (row < 1 || row > rows.size()) {
      throw new SQLException(
          "The result set is not on a row: call next() first and read only while it returns "
              + "true",
          SqlErrors.INVALID_CURSOR_STATE);
    }
    if (columnIndex < 1 || columnIndex > columns.size()) {
      throw new SQLException(
          "Column index "
              + columnIndex
              + " is out of range: the result has "
              + columns.size()
              + " column(s), numbered from 1",
          SqlErrors.INVALID_DESCRIPTOR_INDEX);
    }
    Object v = rows.get(row - 1)[columnIndex - 1];
    wasNull = v == null;
    return v;
  }

  private SQLDataException notConvertible(int columnIndex, Object v, String type) {
    String shown = String.valueOf(v);
    if (shown.length() > 60) {
      shown = shown.substring(0, 57) + "...";
    }
    return new SQLDataException(
        "The value '"
            + shown
            + "' of column "
            + columnIndex
            + " ("
            + columns.get(columnIndex - 1).label()
            + ") is not a valid "
            + type
            + "; read it with getString",
        SqlErrors.INVALID_CHARACTER_VALUE_FOR_CAST);
  }

  private BigDecimal decimal(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    try {
      return new BigDecimal(v.toString().trim());
    } catch (NumberFormatException e) {
      throw notConvertible(columnIndex, v, "number");
    }
  }

  private long integral(int columnIndex, long min, long max, String type) throws SQLException {
    BigDecimal d = decimal(columnIndex);
    if (d == null) {
      return 0;
    }
    try {
      long n = d.longValueExact();
      if (n >= min && n <= max) {
        return n;
      }
    } catch (ArithmeticException e) {
      // reported below
    }
    throw notConvertible(columnIndex, d, type);
  }

  @Override
  public boolean next() throws SQLException {
    checkOpen();
    if (row <= rows.size()) {
      row++;
    }
    return row <= rows.size();
  }

  @Override
  public void close() throws SQLException {
    if (!closed) {
      closed = true;
      if (statement != null) {
        statement.resultSetClosed(this);
      }
    }
  }

  @Override
  public boolean wasNull() throws SQLException {
    checkOpen();
    return wasNull;
  }

  @Override
  public String getString(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    return v == null ? null : v.toString();
  }

  @Override
  public boolean getBoolean(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "true", "t", "yes", "y", "1" -> true;
      case "false", "f", "no", "n", "0" -> false;
      default -> throw notConvertible(columnIndex, v, "boolean");
    };
  }

  @Override
  public byte getByte(int columnIndex) throws SQLException {
    return (byte) integral(columnIndex, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
  }

  @Override
  public short getShort(int columnIndex) throws SQLException {
    return (short) integral(columnIndex, Short.MIN_VALUE, Short.MAX_VALUE, "short");
  }

  @Override
  public int getInt(int columnIndex) throws SQLException {
    return (int) integral(columnIndex, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
  }

  @Override
  public long getLong(int columnIndex) throws SQLException {
    return integral(columnIndex, Long.MIN_VALUE, Long.MAX_VALUE, "long");
  }

  @Override
  public float getFloat(int columnIndex) throws SQLException {
    BigDecimal d = decimal(columnIndex);
    return d == null ? 0f : d.floatValue();
  }

  @Override
  public double getDouble(int columnIndex) throws SQLException {
    BigDecimal d = decimal(columnIndex);
    return d == null ? 0d : d.doubleValue();
  }

  @Override
  @Deprecated
  public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
    BigDecimal d = decimal(columnIndex);
    return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
  }

  @Override
  public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
    return decimal(columnIndex);
  }

  /** The UTF-8 bytes of the text. */
  @Override
  public byte[] getBytes(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public InputStream getAsciiStream(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public InputStream getBinaryStream(int columnIndex) throws SQLException {
    byte[] b = getBytes(columnIndex);
    return b == null ? null : new ByteArrayInputStream(b);
  }

  @Override
  public Reader getCharacterStream(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new StringReader(s);
  }

  @Override
  public String getNString(int columnIndex) throws SQLException {
    return getString(columnIndex);
  }

  @Override
  public Reader getNCharacterStream(int columnIndex) throws SQLException {
    return getCharacterStream(columnIndex);
  }

  @Override
  public Object getObject(int columnIndex) throws SQLException {
    return value(columnIndex);
  }

  @Override
  public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
    return getObject(columnIndex);
  }

  @Override
  public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
    if (type == null) {
      throw new SQLException("The type passed to getObject is null", SqlErrors.INVALID_ARGUMENT);
    }
    Object result;
    if (type == String.class) {
      result = getString(columnIndex);
    } else if (type == Integer.class) {
      result = getInt(columnIndex);
    } else if (type == Long.class) {
      result = getLong(columnIndex);
    } else if (type == Short.class) {
      result = getShort(columnIndex);
    } else if (type == Byte.class) {
      result = getByte(columnIndex);
    } else if (type == Double.class) {
      result = getDouble(columnIndex);
    } else if (type == Float.class) {
      result = getFloat(columnIndex);
    } else if (type == Boolean.class) {
      result = getBoolean(columnIndex);
    } else if (type == BigDecimal.class) {
      result = getBigDecimal(columnIndex);
    } else if (type == byte[].class) {
      result = getBytes(columnIndex);
    } else if (type == Object.class) {
      result = getObject(columnIndex);
    } else {
      throw noSuchType("getObject(" + type.getName() + ")");
    }
    return wasNull ? null : type.cast(result);
  }

  @Override
  public int findColumn(String columnLabel) throws SQLException {
    checkOpen();
    if (columnLabel != null) {
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).label().equalsIgnoreCase(columnLabel)) {
          return i + 1;
        }
      }
    }
    List<String> labels = columns.stream().map(ColumnSpec::label).toList();
    throw new SQLException(
        "The result has no column labelled '" + columnLabel + "'; its columns are " + labels,
        SqlErrors.INVALID_DESCRIPTOR_INDEX);
  }

  // ---- by label ----

  @Override
  public String getString(String columnLabel) throws SQLException {
    return getString(findColumn(columnLabel));
  }

  @Override
  public boolean getBoolean(String columnLabel) throws SQLException {
    return getBoolean(findColumn(columnLabel));
  }

  @Override
  public byte getByte(String columnLabel) throws SQLException {
    return getByte(findColumn(columnLabel));
  }

  @Override
  public short getShort(String columnLabel) throws SQLException {
    return getShort(findColumn(columnLabel));
  }

  @Override
  public int getInt(String columnLabel) throws SQLException {
    return getInt(findColumn(columnLabel));
  }

  @Override
  public long getLong(String columnLabel) throws SQLException {
    return getLong(findColumn(columnLabel));
  }

  @Override
  public float getFloat(String columnLabel) throws SQLException {
    return getFloat(findColumn(columnLabel));
  }

  @Override
  public double getDouble(String columnLabel) throws SQLException {
    return getDouble(findColumn(columnLabel));
  }

  @Override
  @Deprecated
  public BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
    return getBigDecimal(findColumn(columnLabel), scale);
  }

  @Override
  public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
    return getBigDecimal(findColumn(columnLabel));
  }

  @Override
  public byte[] getBytes(String columnLabel) throws SQLException {
    return getBytes(findColumn(columnLabel));
  }

  @Override
  public InputStream getAsciiStream(String columnLabel) throws SQLException {
    return getAsciiStream(findColumn(columnLabel));
  }

  @Override
  public InputStream getBinaryStream(String columnLabel) throws SQLException {
    return getBinaryStream(findColumn(columnLabel));
  }

  @Override
  public Reader getCharacterStream(String columnLabel) throws SQLException {
    return getCharacterStream(findColumn(columnLabel));
  }

  @Override
  public String getNString(String columnLabel) throws SQLException {
    return getNString(findColumn(columnLabel));
  }

  @Override
  public Reader getNCharacterStream(String columnLabel) throws SQLException {
    return getNCharacterStream(findColumn(columnLabel));
  }

  @Override
  public Object getObject(String columnLabel) throws SQLException {
    return getObject(findColumn(columnLabel));
  }

  @Override
  public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
    return getObject(findColumn(columnLabel), map);
  }

  @Override
  public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
    return getObject(findColumn(columnLabel), type);
  }

  // ---- cursor and properties ----

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
  public String getCursorName() throws SQLException {
    throw SqlErrors.unsupportedMethod("ResultSet.getCursorName (positioned updates)");
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    return new ShardKvResultSetMetaData(columns);
  }

  @Override
  public boolean isBeforeFirst() throws SQLException {
    checkOpen();
    return row == 0 && !rows.isEmpty();
  }

  @Override
  public boolean isAfterLast() throws SQLException {
    checkOpen();
    return row > rows.size() && !rows.isEmpty();
  }

  @Override
  public boolean isFirst() throws SQLException {
    checkOpen();
    return row == 1 && !rows.isEmpty();
  }

  @Override
  public boolean isLast() throws SQLException {
    checkOpen();
    return row == rows.size() && !rows.isEmpty();
  }

  @Override
  public int getRow() throws SQLException {
    checkOpen();
    return row <= rows.size() ? row : 0;
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    checkOpen();
    if (direction != ResultSet.FETCH_FORWARD) {
      throw forwardOnly();
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
    this.fetchSize = rows;
  }

  @Override
  public int getFetchSize() throws SQLException {
    checkOpen();
    return fetchSize;
  }

  @Override
  public int getType() throws SQLException {
    checkOpen();
    return ResultSet.TYPE_FORWARD_ONLY;
  }

  @Override
  public int getConcurrency() throws SQLException {
    checkOpen();
    return ResultSet.CONCUR_READ_ONLY;
  }

  @Override
  public boolean rowUpdated() throws SQLException {
    checkOpen();
    return false;
  }

  @Override
  public boolean rowInserted() throws SQLException {
    checkOpen();
    return false;
  }

  @Override
  public boolean rowDeleted() throws SQLException {
    checkOpen();
    return false;
  }

  @Override
  public Statement getStatement() throws SQLException {
    checkOpen();
    return statement;
  }

  @Override
  public int getHoldability() throws SQLException {
    checkOpen();
    return ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }

  @Override
  public boolean isClosed() {
    return closed;
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
