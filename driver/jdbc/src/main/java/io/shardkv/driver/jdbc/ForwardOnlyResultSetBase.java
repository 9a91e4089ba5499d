package io.shardkv.driver.jdbc;

import java.io.InputStream;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * The part of {@link java.sql.ResultSet} a forward-only result set of text does not offer:
 * scrolling, and the getters of LOB, date/time, array and reference types. Each throws 0A000 saying
 * what to use instead. (The method list was produced from the interface by reflection.)
 */
abstract class ForwardOnlyResultSetBase extends ReadOnlyResultSetBase {

  @Override
  public final boolean absolute(int p0) throws SQLException {
    throw forwardOnly();
  }

  @Override
  public final void afterLast() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public final void beforeFirst() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public final boolean first() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public final boolean last() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public final boolean previous() throws SQLException {
    throw forwardOnly();
  }

  @Override
  public final boolean relative(int p0) throws SQLException {
    throw forwardOnly();
  }

  @Override
  public final Array getArray(String p0) throws SQLException {
    throw noSuchType("getArray");
  }

  @Override
  public final Array getArray(int p0) throws SQLException {
    throw noSuchType("getArray");
  }

  @Override
  public final Blob getBlob(String p0) throws SQLException {
    throw noSuchType("getBlob");
  }

  @Override
  public final Blob getBlob(int p0) throws SQLException {
    throw noSuchType("getBlob");
  }

  @Override
  public final Clob getClob(String p0) throws SQLException {
    throw noSuchType("getClob");
  }

  @Override
  public final Clob getClob(int p0) throws SQLException {
    throw noSuchType("getClob");
  }

  @Override
  public final Date getDate(String p0, Calendar p1) throws SQLException {
    throw noSuchType("getDate");
  }

  @Override
  public final Date getDate(String p0) throws SQLException {
    throw noSuchType("getDate");
  }

  @Override
  public final Date getDate(int p0, Calendar p1) throws SQLException {
    throw noSuchType("getDate");
  }

  @Override
  public final Date getDate(int p0) throws SQLException {
    throw noSuchType("getDate");
  }

  @Override
  public final NClob getNClob(String p0) throws SQLException {
    throw noSuchType("getNClob");
  }

  @Override
  public final NClob getNClob(int p0) throws SQLException {
    throw noSuchType("getNClob");
  }

  @Override
  public final Ref getRef(String p0) throws SQLException {
    throw noSuchType("getRef");
  }

  @Override
  public final Ref getRef(int p0) throws SQLException {
    throw noSuchType("getRef");
  }

  @Override
  public final RowId getRowId(String p0) throws SQLException {
    throw noSuchType("getRowId");
  }

  @Override
  public final RowId getRowId(int p0) throws SQLException {
    throw noSuchType("getRowId");
  }

  @Override
  public final SQLXML getSQLXML(String p0) throws SQLException {
    throw noSuchType("getSQLXML");
  }

  @Override
  public final SQLXML getSQLXML(int p0) throws SQLException {
    throw noSuchType("getSQLXML");
  }

  @Override
  public final Time getTime(String p0, Calendar p1) throws SQLException {
    throw noSuchType("getTime");
  }

  @Override
  public final Time getTime(String p0) throws SQLException {
    throw noSuchType("getTime");
  }

  @Override
  public final Time getTime(int p0, Calendar p1) throws SQLException {
    throw noSuchType("getTime");
  }

  @Override
  public final Time getTime(int p0) throws SQLException {
    throw noSuchType("getTime");
  }

  @Override
  public final Timestamp getTimestamp(String p0, Calendar p1) throws SQLException {
    throw noSuchType("getTimestamp");
  }

  @Override
  public final Timestamp getTimestamp(String p0) throws SQLException {
    throw noSuchType("getTimestamp");
  }

  @Override
  public final Timestamp getTimestamp(int p0, Calendar p1) throws SQLException {
    throw noSuchType("getTimestamp");
  }

  @Override
  public final Timestamp getTimestamp(int p0) throws SQLException {
    throw noSuchType("getTimestamp");
  }

  @Override
  public final URL getURL(String p0) throws SQLException {
    throw noSuchType("getURL");
  }

  @Override
  public final URL getURL(int p0) throws SQLException {
    throw noSuchType("getURL");
  }

  @Override
  @Deprecated
  public final InputStream getUnicodeStream(String p0) throws SQLException {
    throw noSuchType("getUnicodeStream");
  }

  @Override
  @Deprecated
  public final InputStream getUnicodeStream(int p0) throws SQLException {
    throw noSuchType("getUnicodeStream");
  }
}
