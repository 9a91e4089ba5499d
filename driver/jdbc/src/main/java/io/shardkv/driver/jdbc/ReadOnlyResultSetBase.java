package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;

/**
 * The part of {@link ResultSet} a forward-only, read-only result set of strings does not offer:
 * every update method, scrolling, and the LOB/date/array getters. Each throws 0A000 saying why.
 * (The method list was produced from the {@code java.sql.ResultSet} interface by reflection.)
 */
abstract class ReadOnlyResultSetBase implements ResultSet {

  static SQLFeatureNotSupportedException readOnly() {
    return new SQLFeatureNotSupportedException(
        "ShardKV result sets are read-only (CONCUR_READ_ONLY); change rows "
            + "with INSERT, UPDATE or DELETE statements",
        SqlErrors.FEATURE_NOT_SUPPORTED);
  }

  static SQLFeatureNotSupportedException forwardOnly() {
    return new SQLFeatureNotSupportedException(
        "ShardKV result sets are forward-only (TYPE_FORWARD_ONLY); " + "read them with next()",
        SqlErrors.FEATURE_NOT_SUPPORTED);
  }

  static SQLFeatureNotSupportedException noSuchType(String getter) {
    return new SQLFeatureNotSupportedException(
        getter
            + " is not supported: ShardKV columns are VARCHAR; read them with getString (or"
            + " getObject, getInt, getLong, getDouble, getBigDecimal, getBoolean, getBytes)",
        SqlErrors.FEATURE_NOT_SUPPORTED);
  }

  @Override
  public final void cancelRowUpdates() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void deleteRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void insertRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void moveToCurrentRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void moveToInsertRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void refreshRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateArray(String p0, Array p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateArray(int p0, Array p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(String p0, InputStream p1, int p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(String p0, InputStream p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(String p0, InputStream p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(int p0, InputStream p1, int p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(int p0, InputStream p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(int p0, InputStream p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBigDecimal(String p0, BigDecimal p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBigDecimal(int p0, BigDecimal p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(String p0, InputStream p1, int p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(String p0, InputStream p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(String p0, InputStream p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(int p0, InputStream p1, int p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(int p0, InputStream p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(int p0, InputStream p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(String p0, InputStream p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(String p0, InputStream p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(String p0, Blob p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(int p0, InputStream p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(int p0, InputStream p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(int p0, Blob p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBoolean(String p0, boolean p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBoolean(int p0, boolean p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateByte(String p0, byte p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateByte(int p0, byte p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBytes(String p0, byte[] p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBytes(int p0, byte[] p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(String p0, Reader p1, int p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(String p0, Reader p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(String p0, Reader p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(int p0, Reader p1, int p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(int p0, Reader p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(int p0, Reader p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(String p0, Reader p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(String p0, Reader p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(String p0, Clob p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(int p0, Reader p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(int p0, Reader p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(int p0, Clob p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateDate(String p0, Date p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateDate(int p0, Date p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateDouble(String p0, double p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateDouble(int p0, double p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateFloat(String p0, float p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateFloat(int p0, float p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateInt(String p0, int p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateInt(int p0, int p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateLong(String p0, long p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateLong(int p0, long p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNCharacterStream(String p0, Reader p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNCharacterStream(String p0, Reader p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNCharacterStream(int p0, Reader p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNCharacterStream(int p0, Reader p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(String p0, Reader p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(String p0, Reader p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(String p0, NClob p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(int p0, Reader p1, long p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(int p0, Reader p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(int p0, NClob p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNString(String p0, String p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNString(int p0, String p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNull(String p0) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNull(int p0) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(String p0, Object p1, int p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(String p0, Object p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(int p0, Object p1, int p2) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(int p0, Object p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateRef(String p0, Ref p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateRef(int p0, Ref p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateRowId(String p0, RowId p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateRowId(int p0, RowId p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateSQLXML(String p0, SQLXML p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateSQLXML(int p0, SQLXML p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateShort(String p0, short p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateShort(int p0, short p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateString(String p0, String p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateString(int p0, String p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateTime(String p0, Time p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateTime(int p0, Time p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateTimestamp(String p0, Timestamp p1) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateTimestamp(int p0, Timestamp p1) throws SQLException {
    throw readOnly();
  }
}
