package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.SqlErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;

/**
 * What ShardKV looks like to JDBC tools: product and driver names and versions, identifier quoting,
 * and the catalog result sets (one table {@code kv (k VARCHAR PRIMARY KEY, v VARCHAR)}, no catalogs
 * or schemas). The capability answers are in {@link SubsetCapabilities}.
 *
 * <p>The database product version is the driver's own until the client library can ask the cluster.
 */
final class ShardKvDatabaseMetaData extends SubsetCapabilities {

  static final String PRODUCT_NAME = "ShardKV";

  private final ShardKvConnection connection;

  ShardKvDatabaseMetaData(ShardKvConnection connection) {
    this.connection = connection;
  }

  @Override
  public ResultSet getAttributes(String p0, String p1, String p2, String p3) throws SQLException {
    return MetadataTables.empty(MetadataTables.ATTRIBUTES);
  }

  @Override
  public ResultSet getBestRowIdentifier(String p0, String p1, String p2, int p3, boolean p4)
      throws SQLException {
    return MetadataTables.bestRowIdentifier(p0, p1, p2);
  }

  @Override
  public String getCatalogSeparator() throws SQLException {
    return "";
  }

  @Override
  public String getCatalogTerm() throws SQLException {
    return "catalog";
  }

  @Override
  public ResultSet getCatalogs() throws SQLException {
    return MetadataTables.empty(MetadataTables.CATALOGS);
  }

  @Override
  public ResultSet getClientInfoProperties() throws SQLException {
    return MetadataTables.clientInfoProperties();
  }

  @Override
  public ResultSet getColumnPrivileges(String p0, String p1, String p2, String p3)
      throws SQLException {
    return MetadataTables.empty(MetadataTables.COLUMN_PRIVILEGES);
  }

  @Override
  public ResultSet getColumns(String p0, String p1, String p2, String p3) throws SQLException {
    return MetadataTables.columns(p0, p1, p2, p3);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return connection;
  }

  @Override
  public ResultSet getCrossReference(
      String p0, String p1, String p2, String p3, String p4, String p5) throws SQLException {
    return MetadataTables.empty(MetadataTables.KEYS);
  }

  @Override
  public int getDatabaseMajorVersion() throws SQLException {
    return ShardKvDriver.MAJOR_VERSION;
  }

  @Override
  public int getDatabaseMinorVersion() throws SQLException {
    return ShardKvDriver.MINOR_VERSION;
  }

  @Override
  public String getDatabaseProductName() throws SQLException {
    return PRODUCT_NAME;
  }

  @Override
  public String getDatabaseProductVersion() throws SQLException {
    return ShardKvDriver.VERSION;
  }

  @Override
  public int getDriverMajorVersion() {
    return ShardKvDriver.MAJOR_VERSION;
  }

  @Override
  public int getDriverMinorVersion() {
    return ShardKvDriver.MINOR_VERSION;
  }

  @Override
  public String getDriverName() throws SQLException {
    return ShardKvDriver.NAME;
  }

  @Override
  public String getDriverVersion() throws SQLException {
    return ShardKvDriver.VERSION;
  }

  @Override
  public ResultSet getExportedKeys(String p0, String p1, String p2) throws SQLException {
    return MetadataTables.empty(MetadataTables.KEYS);
  }

  @Override
  public String getExtraNameCharacters() throws SQLException {
    return "";
  }

  @Override
  public ResultSet getFunctionColumns(String p0, String p1, String p2, String p3)
      throws SQLException {
    return MetadataTables.empty(MetadataTables.FUNCTION_COLUMNS);
  }

  @Override
  public ResultSet getFunctions(String p0, String p1, String p2) throws SQLException {
    return MetadataTables.empty(MetadataTables.FUNCTIONS);
  }

  @Override
  public String getIdentifierQuoteString() throws SQLException {
    return "\"";
  }

  @Override
  public ResultSet getImportedKeys(String p0, String p1, String p2) throws SQLException {
    return MetadataTables.empty(MetadataTables.KEYS);
  }

  @Override
  public ResultSet getIndexInfo(String p0, String p1, String p2, boolean p3, boolean p4)
      throws SQLException {
    return MetadataTables.indexInfo(p0, p1, p2);
  }

  @Override
  public String getNumericFunctions() throws SQLException {
    return "";
  }

  @Override
  public ResultSet getPrimaryKeys(String p0, String p1, String p2) throws SQLException {
    return MetadataTables.primaryKeys(p0, p1, p2);
  }

  @Override
  public ResultSet getProcedureColumns(String p0, String p1, String p2, String p3)
      throws SQLException {
    return MetadataTables.empty(MetadataTables.PROCEDURE_COLUMNS);
  }

  @Override
  public String getProcedureTerm() throws SQLException {
    return "procedure";
  }

  @Override
  public ResultSet getProcedures(String p0, String p1, String p2) throws SQLException {
    return MetadataTables.empty(MetadataTables.PROCEDURES);
  }

  @Override
  public ResultSet getPseudoColumns(String p0, String p1, String p2, String p3)
      throws SQLException {
    return MetadataTables.empty(MetadataTables.PSEUDO_COLUMNS);
  }

  @Override
  public RowIdLifetime getRowIdLifetime() throws SQLException {
    return RowIdLifetime.ROWID_UNSUPPORTED;
  }

  @Override
  public String getSQLKeywords() throws SQLException {
    return "";
  }

  @Override
  public String getSchemaTerm() throws SQLException {
    return "schema";
  }

  @Override
  public ResultSet getSchemas() throws SQLException {
    return MetadataTables.empty(MetadataTables.SCHEMAS);
  }

  @Override
  public ResultSet getSchemas(String p0, String p1) throws SQLException {
    return MetadataTables.empty(MetadataTables.SCHEMAS);
  }

  @Override
  public String getSearchStringEscape() throws SQLException {
    return "\\";
  }

  @Override
  public String getStringFunctions() throws SQLException {
    return "";
  }

  @Override
  public ResultSet getSuperTables(String p0, String p1, String p2) throws SQLException {
    return MetadataTables.empty(MetadataTables.SUPER_TABLES);
  }

  @Override
  public ResultSet getSuperTypes(String p0, String p1, String p2) throws SQLException {
    return MetadataTables.empty(MetadataTables.SUPER_TYPES);
  }

  @Override
  public String getSystemFunctions() throws SQLException {
    return "";
  }

  @Override
  public ResultSet getTablePrivileges(String p0, String p1, String p2) throws SQLException {
    return MetadataTables.empty(MetadataTables.TABLE_PRIVILEGES);
  }

  @Override
  public ResultSet getTableTypes() throws SQLException {
    return MetadataTables.tableTypes();
  }

  @Override
  public ResultSet getTables(String p0, String p1, String p2, String[] p3) throws SQLException {
    return MetadataTables.tables(p0, p1, p2, p3);
  }

  @Override
  public String getTimeDateFunctions() throws SQLException {
    return "";
  }

  @Override
  public ResultSet getTypeInfo() throws SQLException {
    return MetadataTables.typeInfo();
  }

  @Override
  public ResultSet getUDTs(String p0, String p1, String p2, int[] p3) throws SQLException {
    return MetadataTables.empty(MetadataTables.UDTS);
  }

  @Override
  public String getURL() throws SQLException {
    return connection.settings().url();
  }

  @Override
  public String getUserName() throws SQLException {
    return "";
  }

  @Override
  public ResultSet getVersionColumns(String p0, String p1, String p2) throws SQLException {
    return MetadataTables.empty(MetadataTables.VERSION_COLUMNS);
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    return connection.isReadOnly();
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("Not a wrapper for " + iface.getName(), SqlErrors.INVALID_ARGUMENT);
  }
}
