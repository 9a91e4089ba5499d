package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.sql.ParameterMetaData;
import java.sql.SQLException;
import java.sql.Types;

/** Every parameter of the subset is an IN parameter of type VARCHAR that must not be NULL. */
final class ShardKvParameterMetaData implements ParameterMetaData {

  private final int count;

  ShardKvParameterMetaData(int count) {
    this.count = count;
  }

  private void check(int param) throws SQLException {
    if (param < 1 || param > count) {
      throw new SQLException(
          "Parameter index "
              + param
              + " is out of range: the statement has "
              + count
              + " ? parameter(s), numbered from 1",
          SqlErrors.INVALID_DESCRIPTOR_INDEX);
    }
  }

  @Override
  public int getParameterCount() {
    return count;
  }

  @Override
  public int isNullable(int param) throws SQLException {
    check(param);
    return ParameterMetaData.parameterNoNulls;
  }

  @Override
  public boolean isSigned(int param) throws SQLException {
    check(param);
    return false;
  }

  @Override
  public int getPrecision(int param) throws SQLException {
    check(param);
    return Integer.MAX_VALUE;
  }

  @Override
  public int getScale(int param) throws SQLException {
    check(param);
    return 0;
  }

  @Override
  public int getParameterType(int param) throws SQLException {
    check(param);
    return Types.VARCHAR;
  }

  @Override
  public String getParameterTypeName(int param) throws SQLException {
    check(param);
    return "VARCHAR";
  }

  @Override
  public String getParameterClassName(int param) throws SQLException {
    check(param);
    return String.class.getName();
  }

  @Override
  public int getParameterMode(int param) throws SQLException {
    check(param);
    return ParameterMetaData.parameterModeIn;
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
