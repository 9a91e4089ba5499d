package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The ShardKV JDBC driver. URL: {@code jdbc:shardkv://host:port[,host:port...][?timeout=...&...]}
 * naming config-center nodes; properties in {@link DriverProperty}. Registered with {@link
 * DriverManager} through {@code META-INF/services/java.sql.Driver} and when this class loads.
 *
 * <p>A connection needs a {@link KvBackendFactory} (the ShardKV client library); see {@link
 * KvBackends}. The driver is not JDBC compliant: it offers the small SQL subset documented in
 * docs/jdbc.md.
 */
public final class ShardKvDriver implements Driver {

  public static final String NAME = "ShardKV JDBC driver";
  public static final int MAJOR_VERSION = 0;
  public static final int MINOR_VERSION = 1;
  public static final String VERSION = MAJOR_VERSION + "." + MINOR_VERSION + ".0";

  static {
    try {
      DriverManager.registerDriver(new ShardKvDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Opens a connection, or returns null if {@code url} is not a ShardKV URL (so DriverManager asks
   * the next driver). A malformed ShardKV URL or property is 08001 with the expected form; no
   * client backend, or a cluster that cannot be reached, is 08001 saying which.
   */
  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (url == null) {
      throw new SQLException(
          "The URL is null; expected " + ConnectionSettings.EXPECTED_FORM,
          SqlErrors.UNABLE_TO_CONNECT);
    }
    if (!ConnectionSettings.isShardKvUrl(url)) {
      return null;
    }
    ConnectionSettings settings = ConnectionSettings.parse(url, info);
    KvBackendFactory factory = KvBackends.select(settings);
    KvBackend backend;
    try {
      backend = factory.open(settings);
    } catch (KvDefiniteFailureException e) {
      String message =
          "Cannot connect to the ShardKV cluster at "
              + settings.endpoints()
              + " within "
              + settings.connectTimeout().toMillis()
              + " ms: "
              + e.getMessage();
      if (e.reason() == KvDefiniteFailureException.Reason.UNAVAILABLE) {
        throw new SQLTransientConnectionException(message, SqlErrors.UNABLE_TO_CONNECT, e);
      }
      throw new SQLNonTransientConnectionException(message, SqlErrors.UNABLE_TO_CONNECT, e);
    } catch (RuntimeException e) {
      throw new SQLNonTransientConnectionException(
          "The ShardKV client backend '"
              + factory.name()
              + "' failed while connecting to "
              + settings.endpoints()
              + ": "
              + e,
          SqlErrors.UNABLE_TO_CONNECT,
          e);
    }
    if (backend == null) {
      throw new SQLNonTransientConnectionException(
          "The ShardKV client backend '"
              + factory.name()
              + "' returned no connection for "
              + settings.endpoints(),
          SqlErrors.UNABLE_TO_CONNECT);
    }
    return new ShardKvConnection(settings, backend);
  }

  /**
   * True for every {@code jdbc:shardkv:} URL, so that a malformed one gets this driver's clear
   * error.
   */
  @Override
  public boolean acceptsURL(String url) throws SQLException {
    if (url == null) {
      throw new SQLException("The URL is null", SqlErrors.UNABLE_TO_CONNECT);
    }
    return ConnectionSettings.isShardKvUrl(url);
  }

  /**
   * The documented properties with their current values (from the URL, then {@code info}, then
   * defaults).
   */
  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return new DriverPropertyInfo[0];
    }
    Map<DriverProperty, String> values;
    try {
      values = ConnectionSettings.parse(url, info).effectiveValues();
    } catch (SQLException malformed) {
      if (url.length() > ConnectionSettings.PREFIX.length() + 2) {
        throw malformed;
      }
      // A tool asking with just the prefix, while the user is still typing the URL: defaults.
      values = new java.util.EnumMap<>(DriverProperty.class);
    }
    DriverProperty[] all = DriverProperty.values();
    DriverPropertyInfo[] result = new DriverPropertyInfo[all.length];
    for (int i = 0; i < all.length; i++) {
      result[i] = all[i].info(values.get(all[i]));
    }
    return result;
  }

  @Override
  public int getMajorVersion() {
    return MAJOR_VERSION;
  }

  @Override
  public int getMinorVersion() {
    return MINOR_VERSION;
  }

  /** False: the driver offers a small SQL subset, not SQL-92 Entry Level. */
  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("io.shardkv.driver.jdbc");
  }
}
