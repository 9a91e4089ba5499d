package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Describes the columns of a {@link ShardKvResultSet}. */
final class ShardKvResultSetMetaData implements ResultSetMetaData {

  private final List<ColumnSpec> columns;

  ShardKvResultSetMetaData(List<ColumnSpec> columns) {
    this.columns = List.copyOf(columns);
  }

  private ColumnSpec column(int column) throws SQLException {
    if (column < 1 || column > columns.size()) {
      throw new SQLException(
          "Column index "
              + column
              + " is out of range: the result has "
              + columns.size()
              + " column(s), numbered from 1",
          SqlErrors.INVALID_DESCRIPTOR_INDEX);
    }
    return columns.get(column - 1);
  }

  @Override
  public int getColumnCount() {
    return columns.size();
  }

  @Override
  public boolean isAutoIncrement(int column) throws SQLException {
    column(column);
    return false;
  }

  @Override
  public boolean isCaseSensitive(int column) throws SQLException {
    return column(column).sqlType() == Types.VARCHAR;
  }

  @Override
  public boolean isSearchable(int column) throws SQLException {
    return column(column).tableName().equals("kv") && column(column).name().equals("k");
  }

  @Override
  public boolean isCurrency(int column) throws SQLException {
    column(column);
    return false;
  }

  @Override
  public int isNullable(int column) throws SQLException {
    return column(column).nullable();
  }

  @Override
  public boolean isSigned(int column) throws SQLException {
    int t = column(column).sqlType();
    return t == Types.INTEGER || t == Types.SMALLINT;
  }

  @Override
  public int getColumnDisplaySize(int column) throws SQLException {
    return switch (column(column).sqlType()) {
      case Types.INTEGER -> 11;
      case Types.SMALLINT -> 6;
      case Types.BOOLEAN -> 5;
      default -> Integer.MAX_VALUE;
    };
  }

  @Override
  public String getColumnLabel(int column) throws SQLException {
    return column(column).label();
  }

  @Override
  public String getColumnName(int column) throws SQLException {
    return column(column).name();
  }

  @Override
  public String getSchemaName(int column) throws SQLException {
    column(column);
    return "";
  }

  @Override
  public int getPrecision(int column) throws SQLException {
    return switch (column(column).sqlType()) {
      case Types.INTEGER -> 10;
      case Types.SMALLINT -> 5;
      case Types.BOOLEAN -> 1;
      default -> Integer.MAX_VALUE;
    };
  }

  @Override
  public int getScale(int column) throws SQLException {
    column(column);
    return 0;
  }

  @Override
  public String getTableName(int column) throws SQLException {
    return column(column).tableName();
  }

  @Override
  public String getCatalogName(int column) throws SQLException {
    column(column);
    return "";
  }

  @Override
  public int getColumnType(int column) throws SQLException {
    return column(column).sqlType();
  }

  @Override
  public String getColumnTypeName(int column) throws SQLException {
    return column(column).typeName();
  }

  @Override
  public boolean isReadOnly(int column) throws SQLException {
    column(column);
    return true;
  }

  @Override
  public boolean isWritable(int column) throws SQLException {
    column(column);
    return false;
  }

  @Override
  public boolean isDefinitelyWritable(int column) throws SQLException {
    column(column);
    return false;
  }

  @Override
  public String getColumnClassName(int column) throws SQLException {
    return column(column).className();
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
