package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Connection calls connection pools and consoles make. */
class ConnectionLifecycleTest {

  private InMemoryCluster cluster;
  private Connection connection;

  @BeforeEach
  void connect() throws SQLException {
    cluster = InMemoryCluster.fresh();
    connection = DriverManager.getConnection(cluster.url());
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void isValidAsksTheBackendAndIsFalseOnceClosed() throws SQLException {
    assertTrue(connection.isValid(2));
    cluster.serving = false;
    assertFalse(connection.isValid(2));
    cluster.serving = true;
    assertEquals(
        "HY009", assertThrows(SQLException.class, () -> connection.isValid(-1)).getSQLState());
    connection.close();
    assertFalse(connection.isValid(2));
    assertTrue(connection.isClosed());
    assertDoesNotThrow(connection::close, "close is idempotent");
  }

  @Test
  void autoCommitIsAlwaysOnAndTurningItOffIsUnsupported() throws SQLException {
    assertTrue(connection.getAutoCommit());
    connection.setAutoCommit(true);
    SQLException e = assertThrows(SQLException.class, () -> connection.setAutoCommit(false));
    assertInstanceOf(SQLFeatureNotSupportedException.class, e);
    assertEquals("0A000", e.getSQLState());
    assertTrue(e.getMessage().contains("auto-commit"), e.getMessage());
    // Issue 11 item 7: the message says what is atomic and what is not.
    assertTrue(e.getMessage().contains("no multi-statement transactions"), e.getMessage());
    assertTrue(e.getMessage().contains("each statement on one key"), e.getMessage());
    assertTrue(e.getMessage().contains("linearizable"), e.getMessage());
    assertTrue(e.getMessage().contains("not atomic: anything across keys or statements"), e.getMessage());
    assertEquals("0A000", assertThrows(SQLException.class, connection::commit).getSQLState());
    assertEquals("0A000", assertThrows(SQLException.class, connection::rollback).getSQLState());
    assertEquals("0A000", assertThrows(SQLException.class, connection::setSavepoint).getSQLState());
  }

  @Test
  void transactionIsolationIsNone() throws SQLException {
    assertEquals(Connection.TRANSACTION_NONE, connection.getTransactionIsolation());
    connection.setTransactionIsolation(Connection.TRANSACTION_NONE);
    assertEquals(
        "0A000",
        assertThrows(
                SQLException.class,
                () -> connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED))
            .getSQLState());
  }

  @Test
  void networkTimeoutDefaultsToTheTimeoutProperty() throws SQLException {
    try (Connection c = DriverManager.getConnection(cluster.url("timeout=2s"))) {
      assertEquals(2000, c.getNetworkTimeout());
      c.setNetworkTimeout(null, 300);
      assertEquals(300, c.getNetworkTimeout());
      c.setNetworkTimeout(null, 0);
      assertEquals(2000, c.getNetworkTimeout(), "0 falls back to the timeout property");
      assertEquals(
          "HY009",
          assertThrows(SQLException.class, () -> c.setNetworkTimeout(null, -1)).getSQLState());
    }
  }

  @Test
  void clientInfoIsKeptPerConnection() throws SQLException {
    connection.setClientInfo("ApplicationName", "pool-test");
    assertEquals("pool-test", connection.getClientInfo("ApplicationName"));
    Properties p = new Properties();
    p.setProperty("ClientUser", "alice");
    connection.setClientInfo(p);
    assertNull(connection.getClientInfo("ApplicationName"));
    assertEquals("alice", connection.getClientInfo().getProperty("ClientUser"));
    connection.close();
    assertThrows(SQLClientInfoException.class, () -> connection.setClientInfo("ClientUser", "bob"));
  }

  @Test
  void catalogSchemaAndHoldabilityAreHarmlessNoOps() throws SQLException {
    connection.setCatalog("anything");
    assertNull(connection.getCatalog());
    connection.setSchema("public");
    assertNull(connection.getSchema());
    connection.setHoldability(ResultSet.CLOSE_CURSORS_AT_COMMIT);
    assertEquals(ResultSet.HOLD_CURSORS_OVER_COMMIT, connection.getHoldability());
    assertTrue(connection.getTypeMap().isEmpty());
    assertNull(connection.getWarnings());
    assertEquals(
        "SELECT v FROM kv WHERE k = ?", connection.nativeSQL("SELECT v FROM kv WHERE k = ?"));
  }

  @Test
  void scrollableOrUpdatableStatementsAndStoredProceduresAreUnsupported() {
    assertEquals(
        "0A000",
        assertThrows(
                SQLException.class,
                () ->
                    connection.createStatement(
                        ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY))
            .getSQLState());
    assertEquals(
        "0A000",
        assertThrows(
                SQLException.class,
                () ->
                    connection.prepareStatement(
                        "SELECT v FROM kv WHERE k = ?",
                        ResultSet.TYPE_FORWARD_ONLY,
                        ResultSet.CONCUR_UPDATABLE))
            .getSQLState());
    assertEquals(
        "0A000",
        assertThrows(SQLException.class, () -> connection.prepareCall("{call f()}")).getSQLState());
    assertEquals("0A000", assertThrows(SQLException.class, connection::createBlob).getSQLState());
  }

  @Test
  void abortClosesTheBackendThroughTheExecutor() throws SQLException {
    assertEquals(1, cluster.openBackends.get());
    connection.abort(Runnable::run);
    assertTrue(connection.isClosed());
    assertEquals(0, cluster.openBackends.get());
  }

  @Test
  void closingTheConnectionClosesItsStatements() throws SQLException {
    var s = connection.createStatement();
    var ps = connection.prepareStatement("DELETE FROM kv WHERE k = ?");
    connection.close();
    assertTrue(s.isClosed());
    assertTrue(ps.isClosed());
  }

  @Test
  void connectionUnwrapsToTheBackendForCallersThatNeedTheClientLibrary() throws SQLException {
    assertTrue(connection.isWrapperFor(KvBackend.class));
    assertInstanceOf(InMemoryKvBackend.class, connection.unwrap(KvBackend.class));
    assertEquals(
        "HY009",
        assertThrows(SQLException.class, () -> connection.unwrap(String.class)).getSQLState());
  }
}
