package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every statement form of the subset through Statement and PreparedStatement, over the in-memory
 * backend.
 */
class StatementSemanticsTest {

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

  private int update(String sql, String... params) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }

  /** All rows of a query as "col1|col2|..." strings. */
  private List<String> query(String sql, String... params) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      List<String> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int c = 1; c <= n; c++) {
            row.append(c > 1 ? "|" : "").append(rs.getString(c));
          }
          rows.add(row.toString());
        }
      }
      return rows;
    }
  }

  /**
   * Issue 11 item 7, a deliberate contract change: INSERT used to be an upsert (the second INSERT
   * counted 1 and overwrote). Now, as in SQL databases, it fails with 23505 and writes nothing.
   */
  @Test
  void insertOfAnExistingKeyFailsWith23505AndWritesNothing() throws SQLException {
    assertEquals(1, update("INSERT INTO kv (k, v) VALUES (?, ?)", "a", "1"));
    SQLException e =
        assertThrows(SQLException.class, () -> update("INSERT INTO kv (k, v) VALUES (?, ?)", "a", "2"));
    assertEquals("23505", e.getSQLState(), e.getMessage());
    assertTrue(e instanceof java.sql.SQLIntegrityConstraintViolationException, e.toString());
    assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("ON CONFLICT"), e.getMessage());
    assertEquals("1", cluster.data.get("a"));
  }

  @Test
  void insertOnConflictDoNothingInsertsOnlyAnAbsentKeyAndCountsWhatItWrote() throws SQLException {
    String sql = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING";
    assertEquals(1, update(sql, "a", "1"));
    assertEquals(0, update(sql, "a", "2"));
    assertEquals("1", cluster.data.get("a"));
  }

  @Test
  void insertOnConflictDoUpdateIsAnUpsertCountingOneRow() throws SQLException {
    String sql = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v";
    assertEquals(1, update(sql, "a", "1"));
    assertEquals(1, update(sql, "a", "2"));
    assertEquals("2", cluster.data.get("a"));
  }

  /** Issue 11 item 7: a prefix or full scan, with LIMIT and the statement's maxRows. */
  @Test
  void selectWithLikePrefixOrWithoutWhereScansAndLimitStopsIt() throws SQLException {
    for (String k : List.of("user:1", "user:2", "user:3", "userx", "a_b", "a.b")) {
      cluster.data.put(k, "v-" + k);
    }
    assertEquals(List.of("user:1|v-user:1", "user:2|v-user:2", "user:3|v-user:3"),
        sorted(query("SELECT k, v FROM kv WHERE k LIKE 'user:%'")));
    assertEquals(6, query("SELECT * FROM kv").size());
    assertEquals(2, query("SELECT k FROM kv WHERE k LIKE ? LIMIT 2", "user%").size());
    assertEquals(List.of(), query("SELECT k FROM kv LIMIT 0"));
    assertEquals(List.of("a_b"), query("SELECT k FROM kv WHERE k LIKE 'a\\_%'"), "\\_ is a literal _");
    assertEquals(List.of("v-userx"), query("SELECT v FROM kv WHERE k LIKE 'userx'"), "no wildcard: one key");
    SQLException e = assertThrows(SQLException.class, () -> query("SELECT k FROM kv WHERE k LIKE ?", "a_%"));
    assertEquals("0A000", e.getSQLState(), e.getMessage());
    try (Statement st = connection.createStatement()) {
      st.setMaxRows(4);
      try (ResultSet rs = st.executeQuery("SELECT k FROM kv")) {
        int n = 0;
        while (rs.next()) n++;
        assertEquals(4, n);
      }
    }
    try (PreparedStatement ps = connection.prepareStatement("SELECT k AS id, v FROM kv WHERE k LIKE ?")) {
      assertEquals("id", ps.getMetaData().getColumnLabel(1), "a scan's columns are known before it runs");
    }
  }

  private static List<String> sorted(List<String> rows) {
    List<String> l = new ArrayList<>(rows);
    java.util.Collections.sort(l);
    return l;
  }

  /** Issue 11 item 7: the validation query of pools and consoles, touching no data. */
  @Test
  void selectOfAConstantReturnsOneRowWithThatConstant() throws SQLException {
    assertEquals(List.of("1"), query("SELECT 1"));
    assertEquals(List.of("ok"), query("SELECT 'ok' AS status"));
    try (PreparedStatement ps = connection.prepareStatement("SELECT 1")) {
      assertEquals(java.sql.Types.INTEGER, ps.getMetaData().getColumnType(1));
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1));
        assertEquals(Integer.valueOf(1), rs.getObject(1));
        assertEquals("1", rs.getMetaData().getColumnLabel(1));
        assertFalse(rs.next());
      }
    }
    try (java.sql.Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT 'x' label")) {
      assertTrue(rs.next());
      assertEquals("x", rs.getString("label"));
    }
    assertTrue(cluster.data.isEmpty(), "nothing written");
  }

  @Test
  void selectValueByKeyReturnsOneRowOrNone() throws SQLException {
    cluster.data.put("a", "apple");
    assertEquals(List.of("apple"), query("SELECT v FROM kv WHERE k = ?", "a"));
    assertEquals(List.of(), query("SELECT v FROM kv WHERE k = ?", "missing"));
  }

  @Test
  void selectKeyValueAndStarReturnBothColumnsInOrder() throws SQLException {
    cluster.data.put("a", "apple");
    assertEquals(List.of("a|apple"), query("SELECT k, v FROM kv WHERE k = ?", "a"));
    assertEquals(List.of("apple|a"), query("SELECT v, k FROM kv WHERE k = 'a'"));
    assertEquals(List.of("a|apple"), query("SELECT * FROM kv WHERE k = ?", "a"));
  }

  @Test
  void selectInReturnsExistingKeysOnceInListOrder() throws SQLException {
    cluster.data.put("a", "1");
    cluster.data.put("c", "3");
    assertEquals(
        List.of("c|3", "a|1"), query("SELECT k, v FROM kv WHERE k IN (?, 'b', ?, 'c')", "c", "a"));
    assertEquals(3, cluster.operations.get(), "one get per distinct key");
  }

  @Test
  void updateIsABlindPutCountingOneRow() throws SQLException {
    assertEquals(1, update("UPDATE kv SET v = ? WHERE k = ?", "new", "fresh-key"));
    assertEquals("new", cluster.data.get("fresh-key"));
  }

  @Test
  void compareAndSetCountsOneWhenTheValueMatchedAndZeroOtherwise() throws SQLException {
    cluster.data.put("a", "old");
    assertEquals(0, update("UPDATE kv SET v = ? WHERE k = ? AND v = ?", "new", "a", "other"));
    assertEquals("old", cluster.data.get("a"));
    assertEquals(1, update("UPDATE kv SET v = ? WHERE k = ? AND v = ?", "new", "a", "old"));
    assertEquals("new", cluster.data.get("a"));
    assertEquals(0, update("UPDATE kv SET v = ? WHERE v = ? AND k = ?", "x", "old", "a"));
    assertEquals(0, update("UPDATE kv SET v = 'x' WHERE k = 'absent' AND v = ''"));
    assertFalse(cluster.data.containsKey("absent"));
  }

  @Test
  void appendConcatenatesAndTreatsAMissingKeyAsEmpty() throws SQLException {
    assertEquals(1, update("UPDATE kv SET v = v || ? WHERE k = ?", "x", "log"));
    assertEquals(1, update("UPDATE kv SET v = v || ? WHERE k = ?", "y", "log"));
    assertEquals("xy", cluster.data.get("log"));
  }

  @Test
  void deleteCountsOneIfTheKeyExistedAndZeroOtherwise() throws SQLException {
    cluster.data.put("a", "1");
    assertEquals(1, update("DELETE FROM kv WHERE k = ?", "a"));
    assertEquals(0, update("DELETE FROM kv WHERE k = ?", "a"));
    assertFalse(cluster.data.containsKey("a"));
  }

  @Test
  void plainStatementRunsLiteralsWithEscapedQuotes() throws SQLException {
    try (Statement s = connection.createStatement()) {
      assertEquals(1, s.executeUpdate("INSERT INTO kv VALUES ('O''Brien', 'it''s ''quoted''')"));
      assertEquals("it's 'quoted'", cluster.data.get("O'Brien"));
      assertTrue(s.execute("SELECT v FROM kv WHERE k = 'O''Brien'"));
      try (ResultSet rs = s.getResultSet()) {
        assertTrue(rs.next());
        assertEquals("it's 'quoted'", rs.getString("v"));
        assertFalse(rs.next());
      }
      assertEquals(-1, s.getUpdateCount());
      assertFalse(s.execute("DELETE FROM kv WHERE k = 'O''Brien'"));
      assertEquals(1, s.getUpdateCount());
      assertNull(s.getResultSet());
      assertFalse(s.getMoreResults());
      assertEquals(-1, s.getUpdateCount());
    }
  }

  @Test
  void parametersCarryQuotesBackslashesAndSqlTextVerbatim() throws SQLException {
    String nasty = "'; DROP TABLE kv; -- \\ \" ? %_";
    update("INSERT INTO kv (k, v) VALUES (?, ?)", nasty, nasty);
    assertEquals(nasty, cluster.data.get(nasty));
    assertEquals(List.of(nasty), query("SELECT v FROM kv WHERE k = ?", nasty));
  }

  @Test
  void unicodeKeysAndValuesRoundTripExactly() throws SQLException {
    String key = "ключ-鍵-🔑";
    String value = "значение – 値 – 😀👍🏽 – e\u0301 – \u0000 – \uFEFF";
    update("INSERT INTO kv (k, v) VALUES (?, ?)", key, value);
    assertEquals(List.of(key + "|" + value), query("SELECT k, v FROM kv WHERE k = ?", key));
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kv WHERE k = 'ключ-鍵-🔑'")) {
      assertTrue(rs.next());
      assertEquals(value, rs.getString(1));
    }
  }

  @Test
  void largeValuesRoundTripThroughParametersAndAppend() throws SQLException {
    String big = "x".repeat(1 << 20) + "end";
    update("INSERT INTO kv (k, v) VALUES (?, ?)", "big", big);
    update("UPDATE kv SET v = v || ? WHERE k = ?", "!", "big");
    List<String> rows = query("SELECT v FROM kv WHERE k = ?", "big");
    assertEquals(big + "!", rows.get(0));
  }

  @Test
  void typedSettersStoreCanonicalTextAndTypedGettersReadItBack() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
      ps.setInt(1, 42);
      ps.setLong(2, 9_000_000_000L);
      ps.executeUpdate();
      ps.setString(1, "dec");
      ps.setBigDecimal(2, new BigDecimal("1E+3"));
      ps.executeUpdate();
      ps.setObject(1, "bool");
      ps.setBoolean(2, true);
      ps.executeUpdate();
      ps.setObject(1, 'c', Types.CHAR);
      ps.setBytes(2, "bytes ✓".getBytes(StandardCharsets.UTF_8));
      ps.executeUpdate();
      ps.setNString(1, "reader");
      ps.setCharacterStream(2, new StringReader("from a reader"));
      ps.executeUpdate();
      ps.setString(1, "stream");
      ps.setBinaryStream(2, new ByteArrayInputStream("über".getBytes(StandardCharsets.UTF_8)));
      ps.executeUpdate();
      ps.setString(1, "double");
      ps.setDouble(2, 2.5);
      ps.executeUpdate();
    }
    assertEquals("9000000000", cluster.data.get("42"));
    assertEquals("1000", cluster.data.get("dec"));
    assertEquals("true", cluster.data.get("bool"));
    assertEquals("bytes ✓", cluster.data.get("c"));
    assertEquals("from a reader", cluster.data.get("reader"));
    assertEquals("über", cluster.data.get("stream"));
    try (PreparedStatement ps = connection.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
      ps.setInt(1, 42);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(9_000_000_000L, rs.getLong(1));
        assertEquals(new BigDecimal("9000000000"), rs.getBigDecimal("V"));
        assertEquals(Long.valueOf(9_000_000_000L), rs.getObject(1, Long.class));
        SQLException e = assertThrows(SQLException.class, () -> rs.getInt(1));
        assertEquals("22018", e.getSQLState());
      }
      ps.setString(1, "bool");
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertTrue(rs.getBoolean(1));
        SQLException e = assertThrows(SQLException.class, () -> rs.getDouble(1));
        assertEquals("22018", e.getSQLState());
        assertTrue(e.getMessage().contains("'true'"), e.getMessage());
      }
      ps.setString(1, "double");
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(2.5, rs.getDouble(1));
        assertArrayEquals("2.5".getBytes(StandardCharsets.UTF_8), rs.getBytes(1));
        assertFalse(rs.wasNull());
      }
    }
  }

  @Test
  void bytesThatAreNotUtf8AreRejectedAsData() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
      SQLException e =
          assertThrows(SQLException.class, () -> ps.setBytes(2, new byte[] {(byte) 0xff, 0x41}));
      assertEquals("22021", e.getSQLState());
    }
  }

  @Test
  void nullKeyOrValueIsRejectedBeforeReachingTheStore() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
      ps.setString(1, "a");
      ps.setNull(2, Types.VARCHAR);
      SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
      assertEquals("22004", e.getSQLState());
      assertTrue(e.getMessage().contains("The value v is NULL"), e.getMessage());
    }
    try (Statement s = connection.createStatement()) {
      SQLException e =
          assertThrows(SQLException.class, () -> s.executeQuery("SELECT v FROM kv WHERE k = NULL"));
      assertEquals("22004", e.getSQLState());
    }
    assertEquals(0, cluster.operations.get());
  }

  @Test
  void unsetParameterIsReportedByNumber() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
      ps.setString(1, "a");
      SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
      assertEquals("07001", e.getSQLState());
      assertTrue(e.getMessage().contains("Parameter 2 of 2 is not set"), e.getMessage());
      ps.setString(2, "b");
      ps.executeUpdate();
      ps.clearParameters();
      assertEquals("07001", assertThrows(SQLException.class, ps::executeUpdate).getSQLState());
    }
  }

  @Test
  void parameterIndexOutOfRangeIsInvalidDescriptorIndex() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("DELETE FROM kv WHERE k = ?")) {
      assertEquals(
          "07009", assertThrows(SQLException.class, () -> ps.setString(2, "x")).getSQLState());
      assertEquals(
          "07009", assertThrows(SQLException.class, () -> ps.setString(0, "x")).getSQLState());
      assertEquals(1, ps.getParameterMetaData().getParameterCount());
      assertEquals(Types.VARCHAR, ps.getParameterMetaData().getParameterType(1));
    }
  }

  @Test
  void plainStatementRefusesParameters() throws SQLException {
    try (Statement s = connection.createStatement()) {
      SQLException e =
          assertThrows(SQLException.class, () -> s.executeQuery("SELECT v FROM kv WHERE k = ?"));
      assertEquals("07001", e.getSQLState());
      assertTrue(e.getMessage().contains("prepareStatement"), e.getMessage());
    }
  }

  @Test
  void executeQueryAndExecuteUpdateRefuseTheOtherKind() throws SQLException {
    try (Statement s = connection.createStatement()) {
      assertEquals(
          "07005",
          assertThrows(SQLException.class, () -> s.executeQuery("DELETE FROM kv WHERE k = 'a'"))
              .getSQLState());
      assertEquals(
          "07003",
          assertThrows(SQLException.class, () -> s.executeUpdate("SELECT v FROM kv WHERE k = 'a'"))
              .getSQLState());
    }
    try (PreparedStatement ps = connection.prepareStatement("SELECT v FROM kv WHERE k = 'a'")) {
      assertEquals("07003", assertThrows(SQLException.class, ps::executeUpdate).getSQLState());
      assertEquals(
          "HY010",
          assertThrows(SQLException.class, () -> ps.executeQuery("SELECT v FROM kv WHERE k = 'a'"))
              .getSQLState());
    }
    assertEquals(0, cluster.operations.get());
  }

  @Test
  void badSqlFailsAtPrepareTimeWithItsState() {
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> connection.prepareStatement("SELECT * FROM users WHERE k = ?"));
    assertEquals("42S02", e.getSQLState());
    e =
        assertThrows(
            SQLException.class,
            () -> connection.createStatement().execute("CREATE TABLE t (a INT)"));
    assertEquals("0A000", e.getSQLState());
  }

  @Test
  void preparedSelectDescribesItsColumnsBeforeRunning() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT v AS value, k FROM kv WHERE k = ?")) {
      assertEquals(2, ps.getMetaData().getColumnCount());
      assertEquals("value", ps.getMetaData().getColumnLabel(1));
      assertEquals("v", ps.getMetaData().getColumnName(1));
      assertEquals("kv", ps.getMetaData().getTableName(2));
      assertEquals(Types.VARCHAR, ps.getMetaData().getColumnType(2));
    }
    try (PreparedStatement ps = connection.prepareStatement("DELETE FROM kv WHERE k = ?")) {
      assertNull(ps.getMetaData());
    }
  }

  @Test
  void maxRowsLimitsTheRowsOfAnInQuery() throws SQLException {
    cluster.data.put("a", "1");
    cluster.data.put("b", "2");
    try (Statement s = connection.createStatement()) {
      s.setMaxRows(1);
      try (ResultSet rs = s.executeQuery("SELECT k FROM kv WHERE k IN ('a', 'b')")) {
        assertTrue(rs.next());
        assertEquals("a", rs.getString(1));
        assertFalse(rs.next());
      }
    }
  }

  @Test
  void readOnlyConnectionRefusesWritesButServesReads() throws SQLException {
    cluster.data.put("a", "1");
    connection.setReadOnly(true);
    SQLException e =
        assertThrows(SQLException.class, () -> update("DELETE FROM kv WHERE k = ?", "a"));
    assertEquals("25006", e.getSQLState());
    assertEquals(List.of("1"), query("SELECT v FROM kv WHERE k = ?", "a"));
    connection.setReadOnly(false);
    assertEquals(1, update("DELETE FROM kv WHERE k = ?", "a"));
  }

  @Test
  void resultSetIsForwardOnlyAndReadOnly() throws SQLException {
    cluster.data.put("a", "1");
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM kv WHERE k = 'a'")) {
      assertEquals(ResultSet.TYPE_FORWARD_ONLY, rs.getType());
      assertEquals(ResultSet.CONCUR_READ_ONLY, rs.getConcurrency());
      SQLException notOnRow = assertThrows(SQLException.class, () -> rs.getString(1));
      assertEquals("24000", notOnRow.getSQLState());
      assertTrue(rs.isBeforeFirst());
      assertTrue(rs.next());
      assertTrue(rs.isFirst() && rs.isLast());
      assertEquals(1, rs.getRow());
      assertEquals("0A000", assertThrows(SQLException.class, rs::previous).getSQLState());
      assertEquals(
          "0A000", assertThrows(SQLException.class, () -> rs.updateString(2, "x")).getSQLState());
      assertEquals("07009", assertThrows(SQLException.class, () -> rs.getString(3)).getSQLState());
      SQLException badLabel = assertThrows(SQLException.class, () -> rs.getString("value"));
      assertTrue(badLabel.getMessage().contains("[k, v]"), badLabel.getMessage());
      assertEquals(2, rs.findColumn("V"));
      assertFalse(rs.next());
      assertTrue(rs.isAfterLast());
    }
  }

  @Test
  void closingTheStatementClosesItsResultSetAndCloseOnCompletionWorks() throws SQLException {
    cluster.data.put("a", "1");
    Statement s = connection.createStatement();
    ResultSet rs = s.executeQuery("SELECT v FROM kv WHERE k = 'a'");
    s.close();
    assertTrue(rs.isClosed());
    assertEquals("HY010", assertThrows(SQLException.class, rs::next).getSQLState());

    Statement t = connection.createStatement();
    t.closeOnCompletion();
    ResultSet first = t.executeQuery("SELECT v FROM kv WHERE k = 'a'");
    ResultSet second = t.executeQuery("SELECT v FROM kv WHERE k = 'a'");
    assertTrue(first.isClosed());
    assertFalse(t.isClosed(), "re-executing is not completion");
    second.close();
    assertTrue(t.isClosed());
  }

  @Test
  void queryTimeoutAndNetworkTimeoutBoundEachBackendCall() throws SQLException {
    try (Connection c = DriverManager.getConnection(cluster.url("timeout=1500"))) {
      try (PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE k = 'a'")) {
        ps.executeQuery().close();
        assertEquals(1500, cluster.lastTimeout.toMillis());
        c.setNetworkTimeout(Runnable::run, 700);
        assertEquals(700, c.getNetworkTimeout());
        ps.executeQuery().close();
        assertEquals(700, cluster.lastTimeout.toMillis());
        ps.setQueryTimeout(3);
        ps.executeQuery().close();
        assertEquals(3000, cluster.lastTimeout.toMillis());
      }
    }
  }

  @Test
  void generatedKeysAreAlwaysEmptyBecauseKeysAreGiven() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("INSERT INTO kv VALUES ('a', 'b')", Statement.RETURN_GENERATED_KEYS);
      try (ResultSet keys = s.getGeneratedKeys()) {
        assertFalse(keys.next());
      }
    }
  }
}
