package io.shardkv.driver.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result sets of {@link DatabaseMetaData}: the one table {@code kv}, its two VARCHAR columns
 * and its primary key on {@code k}, with the column layouts the JDBC specification prescribes.
 * ShardKV has no catalogs and no schemas (both columns are NULL).
 */
final class MetadataTables {

  static final String TABLE = "kv";
  static final String PRIMARY_KEY_NAME = "kv_pk";
  static final String TABLE_REMARKS = "The ShardKV key-value store: one row per key";

  private MetadataTables() {}

  /**
   * Parses a compact column list: {@code NAME} is VARCHAR, {@code NAME:i} INTEGER, {@code NAME:s}
   * SMALLINT, {@code NAME:l} BIGINT, {@code NAME:b} BOOLEAN.
   */
  static List<ColumnSpec> columns(String spec) {
    List<ColumnSpec> columns = new ArrayList<>();
    for (String part : spec.split(",")) {
      String[] nameType = part.trim().split(":");
      String name = nameType[0];
      String type = nameType.length > 1 ? nameType[1] : "";
      columns.add(
          switch (type) {
            case "i" -> ColumnSpec.integer(name);
            case "s" -> ColumnSpec.smallint(name);
            case "l" -> ColumnSpec.bigint(name);
            case "b" -> ColumnSpec.bool(name);
            default -> ColumnSpec.text(name);
          });
    }
    return columns;
  }

  static ShardKvResultSet of(String spec, List<Object[]> rows) {
    return new ShardKvResultSet(null, columns(spec), rows);
  }

  static ShardKvResultSet empty(String spec) {
    return of(spec, List.of());
  }

  /**
   * Whether a catalog/schema argument selects objects that have none: null (no filter), "" (objects
   * without one) and a pattern matching the empty string (such as "%") do.
   */
  static boolean selectsNone(String catalogOrSchemaPattern) {
    return catalogOrSchemaPattern == null || like(catalogOrSchemaPattern, "");
  }

  /**
   * A JDBC search pattern ({@code %} any run, {@code _} one char, {@code \} escapes),
   * case-insensitive.
   */
  static boolean like(String pattern, String value) {
    if (pattern == null) {
      return true;
    }
    return like(pattern.toLowerCase(Locale.ROOT), 0, value.toLowerCase(Locale.ROOT), 0);
  }

  private static boolean like(String p, int pi, String v, int vi) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '%') {
        for (int k = vi; k <= v.length(); k++) {
          if (like(p, pi + 1, v, k)) {
            return true;
          }
        }
        return false;
      }
      if (vi >= v.length()) {
        return false;
      }
      if (c == '\\' && pi + 1 < p.length()) {
        pi++;
        c = p.charAt(pi);
        if (v.charAt(vi) != c) {
          return false;
        }
      } else if (c != '_' && v.charAt(vi) != c) {
        return false;
      }
      pi++;
      vi++;
    }
    return vi == v.length();
  }

  /** Whether (catalog, schemaPattern, tableNamePattern) selects table kv. */
  static boolean selectsKv(String catalog, String schemaPattern, String tableNamePattern) {
    return (catalog == null || catalog.isEmpty())
        && selectsNone(schemaPattern)
        && like(tableNamePattern, TABLE);
  }

  /** Same for an exact table name (getPrimaryKeys, getIndexInfo, getBestRowIdentifier). */
  static boolean namesKv(String catalog, String schema, String table) {
    return (catalog == null || catalog.isEmpty())
        && (schema == null || schema.isEmpty())
        && table != null
        && table.equalsIgnoreCase(TABLE);
  }

  static ShardKvResultSet tables(
      String catalog, String schemaPattern, String tableNamePattern, String[] types) {
    boolean typeMatches = types == null;
    if (types != null) {
      for (String t : types) {
        typeMatches |= "TABLE".equalsIgnoreCase(t);
      }
    }
    List<Object[]> rows = new ArrayList<>();
    if (typeMatches && selectsKv(catalog, schemaPattern, tableNamePattern)) {
      rows.add(
          new Object[] {null, null, TABLE, "TABLE", TABLE_REMARKS, null, null, null, null, null});
    }
    return of(
        "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,TABLE_TYPE,REMARKS,TYPE_CAT,TYPE_SCHEM,TYPE_NAME,"
            + "SELF_REFERENCING_COL_NAME,REF_GENERATION",
        rows);
  }

  static ShardKvResultSet columns(
      String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern) {
    List<Object[]> rows = new ArrayList<>();
    if (selectsKv(catalog, schemaPattern, tableNamePattern)) {
      String[][] cols = {{"k", "The key (primary key; rows are found by key)"}, {"v", "The value"}};
      for (int i = 0; i < cols.length; i++) {
        if (like(columnNamePattern, cols[i][0])) {
          rows.add(
              new Object[] {
                null,
                null,
                TABLE,
                cols[i][0],
                Types.VARCHAR,
                "VARCHAR",
                Integer.MAX_VALUE,
                null,
                null,
                null,
                DatabaseMetaData.columnNoNulls,
                cols[i][1],
                null,
                null,
                null,
                Integer.MAX_VALUE,
                i + 1,
                "NO",
                null,
                null,
                null,
                null,
                "NO",
                "NO"
              });
        }
      }
    }
    return of(
        "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,COLUMN_NAME,DATA_TYPE:i,TYPE_NAME,COLUMN_SIZE:i,BUFFER_LENGTH:i,"
            + "DECIMAL_DIGITS:i,NUM_PREC_RADIX:i,NULLABLE:i,REMARKS,COLUMN_DEF,SQL_DATA_TYPE:i,SQL_DATETIME_SUB:i,"
            + "CHAR_OCTET_LENGTH:i,ORDINAL_POSITION:i,IS_NULLABLE,SCOPE_CATALOG,SCOPE_SCHEMA,SCOPE_TABLE,"
            + "SOURCE_DATA_TYPE:s,IS_AUTOINCREMENT,IS_GENERATEDCOLUMN",
        rows);
  }

  static ShardKvResultSet primaryKeys(String catalog, String schema, String table) {
    List<Object[]> rows = new ArrayList<>();
    if (namesKv(catalog, schema, table)) {
      rows.add(new Object[] {null, null, TABLE, "k", (short) 1, PRIMARY_KEY_NAME});
    }
    return of("TABLE_CAT,TABLE_SCHEM,TABLE_NAME,COLUMN_NAME,KEY_SEQ:s,PK_NAME", rows);
  }

  static ShardKvResultSet indexInfo(String catalog, String schema, String table) {
    List<Object[]> rows = new ArrayList<>();
    if (namesKv(catalog, schema, table)) {
      rows.add(
          new Object[] {
            null,
            null,
            TABLE,
            false,
            null,
            PRIMARY_KEY_NAME,
            DatabaseMetaData.tableIndexOther,
            (short) 1,
            "k",
            null,
            null,
            null,
            null
          });
    }
    return of(
        "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,NON_UNIQUE:b,INDEX_QUALIFIER,INDEX_NAME,TYPE:s,ORDINAL_POSITION:s,"
            + "COLUMN_NAME,ASC_OR_DESC,CARDINALITY:l,PAGES:l,FILTER_CONDITION",
        rows);
  }

  static ShardKvResultSet bestRowIdentifier(String catalog, String schema, String table) {
    List<Object[]> rows = new ArrayList<>();
    if (namesKv(catalog, schema, table)) {
      rows.add(
          new Object[] {
            (short) DatabaseMetaData.bestRowSession,
            "k",
            Types.VARCHAR,
            "VARCHAR",
            Integer.MAX_VALUE,
            null,
            null,
            (short) DatabaseMetaData.bestRowNotPseudo
          });
    }
    return of(
        "SCOPE:s,COLUMN_NAME,DATA_TYPE:i,TYPE_NAME,COLUMN_SIZE:i,BUFFER_LENGTH:i,DECIMAL_DIGITS:s,"
            + "PSEUDO_COLUMN:s",
        rows);
  }

  static ShardKvResultSet typeInfo() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(
        new Object[] {
          "VARCHAR",
          Types.VARCHAR,
          Integer.MAX_VALUE,
          "'",
          "'",
          null,
          (short) DatabaseMetaData.typeNoNulls,
          true,
          (short) DatabaseMetaData.typePredBasic,
          false,
          false,
          false,
          "VARCHAR",
          (short) 0,
          (short) 0,
          null,
          null,
          10
        });
    return of(
        "TYPE_NAME,DATA_TYPE:i,PRECISION:i,LITERAL_PREFIX,LITERAL_SUFFIX,CREATE_PARAMS,NULLABLE:s,"
            + "CASE_SENSITIVE:b,SEARCHABLE:s,UNSIGNED_ATTRIBUTE:b,FIXED_PREC_SCALE:b,AUTO_INCREMENT:b,"
            + "LOCAL_TYPE_NAME,MINIMUM_SCALE:s,MAXIMUM_SCALE:s,SQL_DATA_TYPE:i,SQL_DATETIME_SUB:i,NUM_PREC_RADIX:i",
        rows);
  }

  static ShardKvResultSet tableTypes() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"TABLE"});
    return of("TABLE_TYPE", rows);
  }

  static ShardKvResultSet clientInfoProperties() {
    List<Object[]> rows = new ArrayList<>();
    for (String name : ShardKvConnection.CLIENT_INFO_NAMES) {
      rows.add(
          new Object[] {
            name, 255, null, "Kept by the connection for the application; not sent to the cluster"
          });
    }
    return of("NAME,MAX_LEN:i,DEFAULT_VALUE,DESCRIPTION", rows);
  }

  static final String SCHEMAS = "TABLE_SCHEM,TABLE_CATALOG";
  static final String CATALOGS = "TABLE_CAT";
  static final String KEYS =
      "PKTABLE_CAT,PKTABLE_SCHEM,PKTABLE_NAME,PKCOLUMN_NAME,FKTABLE_CAT,FKTABLE_SCHEM,"
          + "FKTABLE_NAME,FKCOLUMN_NAME,KEY_SEQ:s,UPDATE_RULE:s,DELETE_RULE:s,FK_NAME,PK_NAME,DEFERRABILITY:s";
  static final String PROCEDURES =
      "PROCEDURE_CAT,PROCEDURE_SCHEM,PROCEDURE_NAME,RESERVED1,RESERVED2,RESERVED3,REMARKS,"
          + "PROCEDURE_TYPE:s,SPECIFIC_NAME";
  static final String PROCEDURE_COLUMNS =
      "PROCEDURE_CAT,PROCEDURE_SCHEM,PROCEDURE_NAME,COLUMN_NAME,COLUMN_TYPE:s,"
          + "DATA_TYPE:i,TYPE_NAME,PRECISION:i,LENGTH:i,SCALE:s,RADIX:s,NULLABLE:s,REMARKS,COLUMN_DEF,SQL_DATA_TYPE:i,"
          + "SQL_DATETIME_SUB:i,CHAR_OCTET_LENGTH:i,ORDINAL_POSITION:i,IS_NULLABLE,SPECIFIC_NAME";
  static final String FUNCTIONS =
      "FUNCTION_CAT,FUNCTION_SCHEM,FUNCTION_NAME,REMARKS,FUNCTION_TYPE:s,SPECIFIC_NAME";
  static final String FUNCTION_COLUMNS =
      "FUNCTION_CAT,FUNCTION_SCHEM,FUNCTION_NAME,COLUMN_NAME,COLUMN_TYPE:s,"
          + "DATA_TYPE:i,TYPE_NAME,PRECISION:i,LENGTH:i,SCALE:s,RADIX:s,NULLABLE:s,REMARKS,CHAR_OCTET_LENGTH:i,"
          + "ORDINAL_POSITION:i,IS_NULLABLE,SPECIFIC_NAME";
  static final String VERSION_COLUMNS =
      "SCOPE:s,COLUMN_NAME,DATA_TYPE:i,TYPE_NAME,COLUMN_SIZE:i,BUFFER_LENGTH:i,"
          + "DECIMAL_DIGITS:s,PSEUDO_COLUMN:s";
  static final String TABLE_PRIVILEGES =
      "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,GRANTOR,GRANTEE,PRIVILEGE,IS_GRANTABLE";
  static final String COLUMN_PRIVILEGES =
      "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,COLUMN_NAME,GRANTOR,GRANTEE,PRIVILEGE," + "IS_GRANTABLE";
  static final String UDTS =
      "TYPE_CAT,TYPE_SCHEM,TYPE_NAME,CLASS_NAME,DATA_TYPE:i,REMARKS,BASE_TYPE:s";
  static final String SUPER_TYPES =
      "TYPE_CAT,TYPE_SCHEM,TYPE_NAME,SUPERTYPE_CAT,SUPERTYPE_SCHEM,SUPERTYPE_NAME";
  static final String SUPER_TABLES = "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,SUPERTABLE_NAME";
  static final String ATTRIBUTES =
      "TYPE_CAT,TYPE_SCHEM,TYPE_NAME,ATTR_NAME,DATA_TYPE:i,ATTR_TYPE_NAME,ATTR_SIZE:i,"
          + "DECIMAL_DIGITS:i,NUM_PREC_RADIX:i,NULLABLE:i,REMARKS,ATTR_DEF,SQL_DATA_TYPE:i,SQL_DATETIME_SUB:i,"
          + "CHAR_OCTET_LENGTH:i,ORDINAL_POSITION:i,IS_NULLABLE,SCOPE_CATALOG,SCOPE_SCHEMA,SCOPE_TABLE,"
          + "SOURCE_DATA_TYPE:s";
  static final String PSEUDO_COLUMNS =
      "TABLE_CAT,TABLE_SCHEM,TABLE_NAME,COLUMN_NAME,DATA_TYPE:i,COLUMN_SIZE:i,"
          + "DECIMAL_DIGITS:i,NUM_PREC_RADIX:i,COLUMN_USAGE,REMARKS,CHAR_OCTET_LENGTH:i,IS_NULLABLE";
}
