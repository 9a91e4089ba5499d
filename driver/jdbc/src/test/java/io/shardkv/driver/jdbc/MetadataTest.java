package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a generic JDBC console sees: the kv table, its columns and key, and consistent capability
 * answers.
 */
class MetadataTest {

  private Connection connection;
  private DatabaseMetaData md;

  @BeforeEach
  void connect() throws SQLException {
    InMemoryCluster cluster = InMemoryCluster.fresh();
    connection = DriverManager.getConnection(cluster.url());
    md = connection.getMetaData();
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  private static List<String> column(ResultSet rs, String label) throws SQLException {
    List<String> values = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        values.add(rs.getString(label));
      }
    }
    return values;
  }

  @Test
  void getTablesListsKvForTheWildcardsToolsUse() throws SQLException {
    assertEquals(List.of("kv"), column(md.getTables(null, null, "%", null), "TABLE_NAME"));
    assertEquals(
        List.of("kv"),
        column(md.getTables(null, null, "KV", new String[] {"TABLE", "VIEW"}), "TABLE_NAME"));
    assertEquals(List.of("kv"), column(md.getTables("", "%", "k_", null), "TABLE_NAME"));
    assertEquals(List.of(), column(md.getTables(null, null, "users", null), "TABLE_NAME"));
    assertEquals(
        List.of(), column(md.getTables(null, null, "%", new String[] {"VIEW"}), "TABLE_NAME"));
    assertEquals(List.of(), column(md.getTables("somecatalog", null, "%", null), "TABLE_NAME"));
    assertEquals(List.of(), column(md.getTables(null, "public", "%", null), "TABLE_NAME"));
    try (ResultSet rs = md.getTables(null, null, "kv", null)) {
      assertTrue(rs.next());
      assertNull(rs.getString("TABLE_CAT"));
      assertNull(rs.getString("TABLE_SCHEM"));
      assertTrue(rs.wasNull());
      assertEquals("TABLE", rs.getString("TABLE_TYPE"));
      assertEquals(10, rs.getMetaData().getColumnCount());
    }
  }

  @Test
  void getColumnsDescribesTwoNonNullVarcharColumns() throws SQLException {
    try (ResultSet rs = md.getColumns(null, null, "kv", "%")) {
      assertEquals(24, rs.getMetaData().getColumnCount());
      assertTrue(rs.next());
      assertEquals("k", rs.getString("COLUMN_NAME"));
      assertEquals(Types.VARCHAR, rs.getInt("DATA_TYPE"));
      assertEquals("VARCHAR", rs.getString("TYPE_NAME"));
      assertEquals(DatabaseMetaData.columnNoNulls, rs.getInt("NULLABLE"));
      assertEquals("NO", rs.getString("IS_NULLABLE"));
      assertEquals(1, rs.getInt("ORDINAL_POSITION"));
      assertEquals(
          Integer.class.getName(), rs.getMetaData().getColumnClassName(rs.findColumn("DATA_TYPE")));
      assertTrue(rs.next());
      assertEquals("v", rs.getString("COLUMN_NAME"));
      assertEquals(2, rs.getInt("ORDINAL_POSITION"));
      assertFalse(rs.next());
    }
    assertEquals(List.of("v"), column(md.getColumns(null, null, "%", "V"), "COLUMN_NAME"));
  }

  @Test
  void getPrimaryKeysNamesKOnKvOnly() throws SQLException {
    try (ResultSet rs = md.getPrimaryKeys(null, null, "kv")) {
      assertTrue(rs.next());
      assertEquals("k", rs.getString("COLUMN_NAME"));
      assertEquals(1, rs.getShort("KEY_SEQ"));
      assertEquals("kv_pk", rs.getString("PK_NAME"));
      assertFalse(rs.next());
    }
    assertEquals(List.of(), column(md.getPrimaryKeys(null, null, "other"), "COLUMN_NAME"));
    assertEquals(
        List.of("kv_pk"), column(md.getIndexInfo(null, null, "kv", true, false), "INDEX_NAME"));
    assertEquals(
        List.of("k"),
        column(
            md.getBestRowIdentifier(null, null, "kv", DatabaseMetaData.bestRowSession, false),
            "COLUMN_NAME"));
  }

  @Test
  void catalogsSchemasAndEverythingElseAreEmptyButWellFormed() throws SQLException {
    assertEquals(List.of(), column(md.getSchemas(), "TABLE_SCHEM"));
    assertEquals(List.of(), column(md.getSchemas(null, "%"), "TABLE_SCHEM"));
    assertEquals(List.of(), column(md.getCatalogs(), "TABLE_CAT"));
    assertEquals(List.of("TABLE"), column(md.getTableTypes(), "TABLE_TYPE"));
    assertEquals(List.of(), column(md.getImportedKeys(null, null, "kv"), "PKTABLE_NAME"));
    assertEquals(List.of(), column(md.getExportedKeys(null, null, "kv"), "FKTABLE_NAME"));
    assertEquals(List.of(), column(md.getProcedures(null, null, "%"), "PROCEDURE_NAME"));
    assertEquals(List.of(), column(md.getFunctions(null, null, "%"), "FUNCTION_NAME"));
    assertEquals(List.of(), column(md.getUDTs(null, null, "%", null), "TYPE_NAME"));
    assertEquals(List.of("VARCHAR"), column(md.getTypeInfo(), "TYPE_NAME"));
    assertEquals(
        List.of("ApplicationName", "ClientUser", "ClientHostname"),
        column(md.getClientInfoProperties(), "NAME"));
  }

  @Test
  void productDriverAndQuotingAreReported() throws SQLException {
    assertEquals("ShardKV", md.getDatabaseProductName());
    assertEquals(ShardKvDriver.VERSION, md.getDriverVersion());
    assertEquals(ShardKvDriver.NAME, md.getDriverName());
    assertEquals(ShardKvDriver.MAJOR_VERSION, md.getDriverMajorVersion());
    assertEquals(4, md.getJDBCMajorVersion());
    assertEquals("\"", md.getIdentifierQuoteString());
    assertEquals("\\", md.getSearchStringEscape());
    assertEquals(DatabaseMetaData.sqlStateSQL, md.getSQLStateType());
    assertTrue(md.getURL().startsWith("jdbc:shardkv://memory-"));
    assertSame(connection, md.getConnection());
  }

  @Test
  void capabilityAnswersMatchTheSubset() throws SQLException {
    assertTrue(md.supportsBatchUpdates());
    assertTrue(md.supportsColumnAliasing());
    assertTrue(md.supportsTableCorrelationNames());
    assertTrue(md.supportsNonNullableColumns());
    assertTrue(md.storesLowerCaseIdentifiers());
    assertFalse(md.supportsMixedCaseIdentifiers());
    assertFalse(md.supportsTransactions());
    assertTrue(md.supportsTransactionIsolationLevel(Connection.TRANSACTION_NONE));
    assertFalse(md.supportsTransactionIsolationLevel(Connection.TRANSACTION_SERIALIZABLE));
    assertEquals(Connection.TRANSACTION_NONE, md.getDefaultTransactionIsolation());
    assertTrue(md.supportsResultSetType(ResultSet.TYPE_FORWARD_ONLY));
    assertFalse(md.supportsResultSetType(ResultSet.TYPE_SCROLL_INSENSITIVE));
    assertTrue(
        md.supportsResultSetConcurrency(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY));
    assertFalse(
        md.supportsResultSetConcurrency(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE));
    assertFalse(md.supportsOuterJoins());
    assertFalse(md.supportsGroupBy());
    assertFalse(md.supportsUnion());
    assertFalse(md.supportsSubqueriesInIns());
    assertFalse(md.supportsSchemasInDataManipulation());
    assertFalse(md.supportsCatalogsInDataManipulation());
    assertFalse(md.supportsStoredProcedures());
    assertFalse(md.supportsSavepoints());
    assertFalse(md.supportsAlterTableWithAddColumn());
    assertEquals(1, md.getMaxTablesInSelect());
    assertEquals(2, md.getMaxColumnsInTable());
    assertFalse(md.isReadOnly());
    connection.setReadOnly(true);
    assertTrue(md.isReadOnly());
  }

  @Test
  void resultSetMetaDataOfAQueryNamesTheKvColumns() throws SQLException {
    try (ResultSet rs =
        connection.createStatement().executeQuery("SELECT k AS id, v FROM kv WHERE k = 'x'")) {
      ResultSetMetaData m = rs.getMetaData();
      assertEquals(2, m.getColumnCount());
      assertEquals("id", m.getColumnLabel(1));
      assertEquals("k", m.getColumnName(1));
      assertEquals("kv", m.getTableName(1));
      assertEquals("VARCHAR", m.getColumnTypeName(2));
      assertEquals(String.class.getName(), m.getColumnClassName(2));
      assertEquals(ResultSetMetaData.columnNoNulls, m.isNullable(1));
      assertTrue(m.isSearchable(1));
      assertFalse(m.isSearchable(2));
      assertTrue(m.isReadOnly(1));
      assertEquals("", m.getSchemaName(1));
    }
  }
}
