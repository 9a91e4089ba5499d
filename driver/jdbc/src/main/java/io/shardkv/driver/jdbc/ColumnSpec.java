package io.shardkv.driver.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.Types;

/**
 * One column of a result set.
 *
 * @param name the column's name in its table (or in the metadata result set)
 * @param label the label shown to users ({@code AS} alias or the name)
 * @param sqlType a {@link Types} constant
 * @param typeName the SQL type name
 * @param tableName the table it comes from, or "" for computed/metadata columns
 * @param nullable one of the {@link ResultSetMetaData} nullability constants
 */
record ColumnSpec(
    String name, String label, int sqlType, String typeName, String tableName, int nullable) {

  static ColumnSpec kvColumn(String name, String label) {
    return new ColumnSpec(
        name, label, Types.VARCHAR, "VARCHAR", "kv", ResultSetMetaData.columnNoNulls);
  }

  static ColumnSpec text(String name) {
    return new ColumnSpec(
        name, name, Types.VARCHAR, "VARCHAR", "", ResultSetMetaData.columnNullable);
  }

  static ColumnSpec integer(String name) {
    return new ColumnSpec(
        name, name, Types.INTEGER, "INTEGER", "", ResultSetMetaData.columnNullable);
  }

  static ColumnSpec smallint(String name) {
    return new ColumnSpec(
        name, name, Types.SMALLINT, "SMALLINT", "", ResultSetMetaData.columnNullable);
  }

  static ColumnSpec bigint(String name) {
    return new ColumnSpec(name, name, Types.BIGINT, "BIGINT", "", ResultSetMetaData.columnNullable);
  }

  static ColumnSpec bool(String name) {
    return new ColumnSpec(
        name, name, Types.BOOLEAN, "BOOLEAN", "", ResultSetMetaData.columnNullable);
  }

  /** The Java class {@code getObject} returns for this column. */
  String className() {
    return switch (sqlType) {
      case Types.INTEGER -> Integer.class.getName();
      case Types.SMALLINT -> Short.class.getName();
      case Types.BIGINT -> Long.class.getName();
      case Types.BOOLEAN -> Boolean.class.getName();
      default -> String.class.getName();
    };
  }
}
