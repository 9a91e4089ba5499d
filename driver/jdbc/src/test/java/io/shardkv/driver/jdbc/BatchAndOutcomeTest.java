package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batches, and how each backend outcome (definite failure, indefinite outcome) surfaces in JDBC.
 */
class BatchAndOutcomeTest {

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

  private SQLException failedUpdate(String sql, InMemoryCluster.Fault fault) throws SQLException {
    cluster.failOperationAfter(0, fault);
    try (Statement s = connection.createStatement()) {
      return assertThrows(SQLException.class, () -> s.executeUpdate(sql));
    } finally {
      assertTrue(cluster.faults.isEmpty(), "the fault was consumed by the statement");
    }
  }

  @Test
  void statementBatchRunsInOrderWithPerStatementCounts() throws SQLException {
    cluster.data.put("c", "old");
    try (Statement s = connection.createStatement()) {
      s.addBatch("INSERT INTO kv VALUES ('a', '1')");
      s.addBatch("UPDATE kv SET v = v || '2' WHERE k = 'a'");
      s.addBatch("UPDATE kv SET v = 'new' WHERE k = 'c' AND v = 'nope'");
      s.addBatch("DELETE FROM kv WHERE k = 'c'");
      s.addBatch("DELETE FROM kv WHERE k = 'c'");
      assertArrayEquals(new int[] {1, 1, 0, 1, 0}, s.executeBatch());
      assertArrayEquals(new int[0], s.executeBatch(), "the batch is empty after running");
    }
    assertEquals("12", cluster.data.get("a"));
    assertFalse(cluster.data.containsKey("c"));
  }

  @Test
  void preparedBatchSnapshotsParametersAtAddBatch() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
      for (int i = 0; i < 100; i++) {
        ps.setString(1, "key" + i);
        ps.setString(2, "value" + i);
        ps.addBatch();
      }
      long[] counts = ps.executeLargeBatch();
      assertEquals(100, counts.length);
      for (long c : counts) {
        assertEquals(1, c);
      }
    }
    assertEquals(100, cluster.data.size());
    assertEquals("value57", cluster.data.get("key57"));
  }

  @Test
  void selectCannotJoinABatch() throws SQLException {
    try (Statement s = connection.createStatement()) {
      SQLException e =
          assertThrows(SQLException.class, () -> s.addBatch("SELECT v FROM kv WHERE k = 'a'"));
      assertEquals("07003", e.getSQLState());
    }
    try (PreparedStatement ps = connection.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
      ps.setString(1, "a");
      assertEquals("07003", assertThrows(SQLException.class, ps::addBatch).getSQLState());
    }
  }

  @Test
  void badSqlIsRejectedWhenAddedNotWhenTheBatchRuns() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.addBatch("INSERT INTO kv VALUES ('a', '1')");
      assertEquals(
          "0A000",
          assertThrows(SQLException.class, () -> s.addBatch("DROP TABLE kv")).getSQLState());
      assertArrayEquals(new int[] {1}, s.executeBatch());
    }
  }

  @Test
  void failedStatementStopsTheBatchReportingCountsOfThoseBeforeIt() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
      for (int i = 0; i < 4; i++) {
        ps.setString(1, "k" + i);
        ps.setString(2, "v" + i);
        ps.addBatch();
      }
      cluster.failOperationAfter(2, InMemoryCluster.Fault.UNAVAILABLE);
      BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
      assertArrayEquals(new int[] {1, 1}, e.getUpdateCounts());
      assertArrayEquals(new long[] {1, 1}, e.getLargeUpdateCounts());
      assertEquals("08006", e.getSQLState());
      assertInstanceOf(SQLTransientConnectionException.class, e.getCause());
      assertSame(e.getCause(), e.getNextException());
      assertTrue(e.getMessage().contains("Batch statement 3 of 4 failed"), e.getMessage());
      assertTrue(e.getMessage().contains("statements 1..2 were applied"), e.getMessage());
      assertEquals(2, cluster.data.size(), "nothing after the failed statement ran");
      assertArrayEquals(new int[0], ps.executeBatch(), "the batch is cleared even after a failure");
    }
  }

  @Test
  void indefiniteWriteInABatchCarriesTheOutcomeUnknownState() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.addBatch("INSERT INTO kv VALUES ('a', '1')");
      s.addBatch("UPDATE kv SET v = v || '2' WHERE k = 'a'");
      s.addBatch("DELETE FROM kv WHERE k = 'a'");
      cluster.failOperationAfter(2, InMemoryCluster.Fault.LOST_ANSWER_NOT_APPLIED);
      BatchUpdateException e = assertThrows(BatchUpdateException.class, s::executeBatch);
      assertEquals("08007", e.getSQLState());
      assertInstanceOf(ShardKvOutcomeUnknownException.class, e.getCause());
      assertArrayEquals(new int[] {1, 1}, e.getUpdateCounts());
      assertTrue(e.getMessage().contains("Batch statement 3 of 3"), e.getMessage());
    }
  }

  @Test
  void writeWhoseAnswerWasLostAfterApplyingIsOutcomeUnknown() throws SQLException {
    SQLException e =
        failedUpdate(
            "UPDATE kv SET v = v || 'x' WHERE k = 'log'",
            InMemoryCluster.Fault.LOST_ANSWER_APPLIED);
    assertInstanceOf(ShardKvOutcomeUnknownException.class, e);
    assertFalse(
        e instanceof SQLTransientException,
        "generic retry logic must not repeat an append blindly");
    assertEquals("08007", e.getSQLState());
    assertTrue(
        e.getMessage().contains("The outcome of UPDATE (append) of key 'log' is unknown"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Read the key before retrying"), e.getMessage());
    assertInstanceOf(KvIndefiniteOutcomeException.class, e.getCause());
    assertEquals("x", cluster.data.get("log"), "the write did apply");
  }

  @Test
  void timedOutWriteIsOutcomeUnknownEvenIfItDidNotApply() throws SQLException {
    SQLException e =
        failedUpdate(
            "UPDATE kv SET v = 'b' WHERE k = 'a' AND v = 'a'",
            InMemoryCluster.Fault.LOST_ANSWER_NOT_APPLIED);
    assertEquals("08007", e.getSQLState());
    assertTrue(e.getMessage().contains("compare-and-set"), e.getMessage());
    assertFalse(cluster.data.containsKey("a"));
  }

  @Test
  void connectionStaysUsableAfterAnUnknownOutcome() throws SQLException {
    failedUpdate("INSERT INTO kv VALUES ('a', '1')", InMemoryCluster.Fault.LOST_ANSWER_APPLIED);
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kv WHERE k = 'a'")) {
      assertTrue(rs.next());
      assertEquals("1", rs.getString(1));
    }
    assertTrue(connection.isValid(1));
  }

  @Test
  void unavailableClusterIsADefiniteTransientConnectionFailure() throws SQLException {
    SQLException e =
        failedUpdate("DELETE FROM kv WHERE k = 'a'", InMemoryCluster.Fault.UNAVAILABLE);
    assertInstanceOf(SQLTransientConnectionException.class, e);
    assertEquals("08006", e.getSQLState());
    assertTrue(e.getMessage().contains("DELETE of key 'a' was not applied"), e.getMessage());
    assertTrue(e.getMessage().contains("safe to retry"), e.getMessage());
  }

  @Test
  void rejectedRequestIsADataException() throws SQLException {
    SQLException e =
        failedUpdate("INSERT INTO kv VALUES ('a', 'huge')", InMemoryCluster.Fault.REJECTED);
    assertInstanceOf(SQLDataException.class, e);
    assertEquals("22000", e.getSQLState());
    assertTrue(e.getMessage().contains("rejected"), e.getMessage());
  }

  @Test
  void timedOutReadIsADefiniteTimeout() throws SQLException {
    cluster.failOperationAfter(0, InMemoryCluster.Fault.TIMEOUT);
    try (Statement s = connection.createStatement()) {
      SQLException e =
          assertThrows(SQLException.class, () -> s.executeQuery("SELECT v FROM kv WHERE k = 'a'"));
      assertInstanceOf(SQLTimeoutException.class, e);
      assertEquals("HYT00", e.getSQLState());
      assertTrue(
          e.getMessage().contains("SELECT of key 'a' was not applied: it timed out"),
          e.getMessage());
    }
  }

  @Test
  void backendBreakingItsContractOnAWriteIsReportedAsOutcomeUnknown() throws SQLException {
    SQLException e =
        failedUpdate("UPDATE kv SET v = v || 'x' WHERE k = 'a'", InMemoryCluster.Fault.BACKEND_BUG);
    assertEquals("08007", e.getSQLState());
    assertTrue(e.getMessage().contains("failed unexpectedly"), e.getMessage());
  }

  @Test
  void backendBreakingItsContractOnAReadIsAGeneralError() throws SQLException {
    cluster.failOperationAfter(0, InMemoryCluster.Fault.BACKEND_BUG);
    try (Statement s = connection.createStatement()) {
      SQLException e =
          assertThrows(SQLException.class, () -> s.executeQuery("SELECT v FROM kv WHERE k = 'a'"));
      assertEquals("HY000", e.getSQLState());
      assertTrue(e.getMessage().contains("SELECT of key 'a' failed"), e.getMessage());
    }
  }

  @Test
  void longKeysAreAbbreviatedInMessages() throws SQLException {
    String key = "k".repeat(500);
    SQLException e =
        failedUpdate("DELETE FROM kv WHERE k = '" + key + "'", InMemoryCluster.Fault.UNAVAILABLE);
    assertTrue(e.getMessage().length() < 400, e.getMessage());
    assertTrue(e.getMessage().contains("kkk..."), e.getMessage());
  }

  @Test
  void closedConnectionRefusesWorkWithConnectionDoesNotExist() throws SQLException {
    Statement s = connection.createStatement();
    connection.close();
    SQLException e =
        assertThrows(SQLException.class, () -> s.executeQuery("SELECT v FROM kv WHERE k = 'a'"));
    assertInstanceOf(SQLNonTransientConnectionException.class, e);
    assertEquals("08003", e.getSQLState());
    assertEquals(
        "08003", assertThrows(SQLException.class, connection::createStatement).getSQLState());
    assertTrue(s.isClosed());
    assertEquals(0, cluster.openBackends.get());
  }
}
