package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.LikePattern;
import io.shardkv.driver.jdbc.sql.Operand;
import io.shardkv.driver.jdbc.sql.SqlErrors;
import io.shardkv.driver.jdbc.sql.SqlStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code SELECT … FROM kv [WHERE k LIKE 'prefix%'] [LIMIT n]}: one {@link KvBackend#scan} of the
 * prefix (or one get for a pattern without wildcards), rows in the scan's order (by shard, then by
 * key). Per-shard consistent, not a snapshot of the store (docs/jdbc.md, "Scans").
 */
final class ScanQuery {
  private ScanQuery() {}

  static ShardKvResultSet run(ShardKvStatement owner, KvBackend backend, SqlStatement.Scan s, String[] params,
      Duration timeout, long maxRows, int maxFieldSize) throws SQLException {
    LikePattern pattern = s.pattern() == null ? new LikePattern("", false)
        : LikePattern.parse(StatementExecutor.value(s.pattern(), params, "The LIKE pattern"));
    long limit = s.limit() == null ? 0
        : LikePattern.limit(StatementExecutor.value(s.limit(), params, "The LIMIT"), null, 0);
    List<Object[]> rows = new ArrayList<>();
    if (s.limit() != null && limit == 0) {
      return new ShardKvResultSet(owner, StatementExecutor.columnsOf(s.items()), rows);
    }
    if (maxRows > 0) limit = limit == 0 ? maxRows : Math.min(limit, maxRows);
    List<Map.Entry<String, String>> entries;
    try {
      if (pattern.exact()) {
        Optional<String> v = backend.get(pattern.prefix(), timeout);
        entries = v.map(x -> List.of(Map.entry(pattern.prefix(), x))).orElse(List.of());
      } else {
        entries = backend.scan(pattern.prefix(), limit, timeout);
      }
    } catch (KvDefiniteFailureException e) {
      throw BackendErrors.toSql(e, pattern.exact() ? "SELECT" : "SELECT (scan of the keys starting with)",
          pattern.prefix());
    } catch (RuntimeException bug) {
      throw new SQLException("SELECT (scan) failed: the client backend failed unexpectedly (" + bug + ")",
          "HY000", bug);
    }
    for (Map.Entry<String, String> e : entries) {
      Object[] row = new Object[s.items().size()];
      for (int i = 0; i < row.length; i++) {
        String text = s.items().get(i).column() == SqlStatement.Column.K ? e.getKey() : e.getValue();
        row[i] = maxFieldSize > 0 && text.length() > maxFieldSize ? text.substring(0, maxFieldSize) : text;
      }
      rows.add(row);
    }
    return new ShardKvResultSet(owner, StatementExecutor.columnsOf(s.items()), rows);
  }
}
