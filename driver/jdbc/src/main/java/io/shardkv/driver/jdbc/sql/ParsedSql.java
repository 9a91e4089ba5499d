package io.shardkv.driver.jdbc.sql;

/**
 * A parsed statement with the number of {@code ?} parameters it has.
 *
 * @param sql the original text
 * @param statement its syntax tree
 * @param parameterCount how many {@code ?} it contains; parameters are numbered 1.. in JDBC
 */
public record ParsedSql(String sql, SqlStatement statement, int parameterCount) {

  /** True for SELECT (produces a result set), false for statements that produce an update count. */
  public boolean isQuery() {
    return statement instanceof SqlStatement.Select || statement instanceof SqlStatement.SelectConstant
        || statement instanceof SqlStatement.Scan;
  }
}
