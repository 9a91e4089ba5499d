package io.shardkv.driver.jdbc;

import io.shardkv.driver.jdbc.sql.Operand;
import io.shardkv.driver.jdbc.sql.ParsedSql;
import io.shardkv.driver.jdbc.sql.SqlErrors;
import io.shardkv.driver.jdbc.sql.SqlStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one parsed statement with bound parameters into {@link KvBackend} calls — exactly one call
 * per write, one get per distinct key of a SELECT — and the result into a result set or an update
 * count.
 */
final class StatementExecutor {

  /** A result set (for SELECT) or an update count (for the others, with a null result set). */
  record Outcome(ShardKvResultSet resultSet, long updateCount) {}

  private StatementExecutor() {}

  /**
   * @param params parameter values by 0-based index; null stands for SQL NULL; all are bound
   * @param maxRows the most rows to return, 0 for no limit
   * @param maxFieldSize the most characters per value, 0 for no limit
   */
  static Outcome execute(
      ShardKvStatement owner,
      KvBackend backend,
      boolean readOnly,
      ParsedSql parsed,
      String[] params,
      Duration timeout,
      long maxRows,
      int maxFieldSize)
      throws SQLException {
    SqlStatement statement = parsed.statement();
    if (readOnly && !parsed.isQuery()) {
      throw new SQLException(
          "The connection is read-only (Connection.setReadOnly(true)); only SELECT is allowed",
          SqlErrors.READ_ONLY);
    }
    try {
      if (statement instanceof SqlStatement.Select s) {
        return new Outcome(select(owner, backend, s, params, timeout, maxRows, maxFieldSize), -1);
      }
      if (statement instanceof SqlStatement.Scan s) {
        return new Outcome(ScanQuery.run(owner, backend, s, params, timeout, maxRows, maxFieldSize), -1);
      }
      if (statement instanceof SqlStatement.SelectConstant c) {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {constantValue(c)});
        return new Outcome(new ShardKvResultSet(owner, columnsOf(c), rows), -1);
      }
      if (statement instanceof SqlStatement.Insert s) {
        String key = value(s.key(), params, "The key k");
        String value = value(s.value(), params, "The value v");
        if (s.onConflict() == SqlStatement.OnConflict.DO_UPDATE) {
          return write(
              "INSERT ... ON CONFLICT DO UPDATE",
              key,
              () -> {
                backend.put(key, value, timeout);
                return 1;
              });
        }
        Outcome inserted =
            write("INSERT", key, () -> backend.putIfAbsent(key, value, timeout) ? 1 : 0);
        if (inserted.updateCount() == 0 && s.onConflict() == SqlStatement.OnConflict.FAIL) {
          throw new java.sql.SQLIntegrityConstraintViolationException(
              "INSERT of key '"
                  + BackendErrors.abbreviate(key)
                  + "' failed: the key already exists (duplicate key value violates the primary key"
                  + " kv_pk); nothing was written. Use UPDATE kv SET v = ? WHERE k = ?, or INSERT ..."
                  + " ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v to overwrite, or ... ON CONFLICT (k)"
                  + " DO NOTHING to keep the existing value",
              SqlErrors.UNIQUE_VIOLATION);
        }
        return inserted;
      }
      if (statement instanceof SqlStatement.Update s) {
        String key = value(s.key(), params, "The key k");
        String value = value(s.value(), params, "The value v");
        return write(
            "UPDATE",
            key,
            () -> {
              backend.put(key, value, timeout);
              return 1;
            });
      }
      if (statement instanceof SqlStatement.CompareAndSet s) {
        String key = value(s.key(), params, "The key k");
        String expected = value(s.expected(), params, "The expected value (AND v = ...)");
        String value = value(s.replacement(), params, "The value v");
        return write(
            "UPDATE (compare-and-set)",
            key,
            () -> backend.cas(key, expected, value, timeout) ? 1 : 0);
      }
      if (statement instanceof SqlStatement.Append s) {
        String key = value(s.key(), params, "The key k");
        String suffix = value(s.suffix(), params, "The appended value");
        return write(
            "UPDATE (append)",
            key,
            () -> {
              backend.append(key, suffix, timeout);
              return 1;
            });
      }
      SqlStatement.Delete s = (SqlStatement.Delete) statement;
      String key = value(s.key(), params, "The key k");
      return write("DELETE", key, () -> backend.delete(key, timeout) ? 1 : 0);
    } catch (KeyedBackendException e) {
      throw BackendErrors.toSql(e.failure, e.operation, e.key);
    }
  }

  private interface Write {
    long run() throws KvBackendException;
  }

  /** Carries the operation and key of a backend failure out of the lambdas. */
  private static final class KeyedBackendException extends Exception {
    final KvBackendException failure;
    final String operation;
    final String key;

    KeyedBackendException(KvBackendException cause, String operation, String key) {
      super(cause);
      this.failure = cause;
      this.operation = operation;
      this.key = key;
    }
  }

  private static Outcome write(String operation, String key, Write write)
      throws KeyedBackendException {
    try {
      return new Outcome(null, write.run());
    } catch (KvBackendException e) {
      throw new KeyedBackendException(e, operation, key);
    } catch (RuntimeException bug) {
      // A backend that breaks its contract may have sent the write: the only honest answer is
      // "unknown".
      throw new KeyedBackendException(
          new KvIndefiniteOutcomeException("the client backend failed unexpectedly: " + bug, bug),
          operation,
          key);
    }
  }

  private static ShardKvResultSet select(
      ShardKvStatement owner,
      KvBackend backend,
      SqlStatement.Select s,
      String[] params,
      Duration timeout,
      long maxRows,
      int maxFieldSize)
      throws SQLException, KeyedBackendException {
    Set<String> keys = new LinkedHashSet<>();
    for (Operand o : s.keys()) {
      keys.add(value(o, params, "The key k"));
    }
    List<Object[]> rows = new ArrayList<>();
    for (String key : keys) {
      if (maxRows > 0 && rows.size() >= maxRows) {
        break;
      }
      Optional<String> value;
      try {
        value = backend.get(key, timeout);
      } catch (KvDefiniteFailureException e) {
        throw new KeyedBackendException(e, "SELECT", key);
      } catch (RuntimeException bug) {
        throw new SQLException(
            "SELECT of key '"
                + BackendErrors.abbreviate(key)
                + "' failed: the client backend "
                + "failed unexpectedly ("
                + bug
                + ")",
            "HY000",
            bug);
      }
      if (value.isPresent()) {
        Object[] row = new Object[s.items().size()];
        for (int i = 0; i < row.length; i++) {
          String text = s.items().get(i).column() == SqlStatement.Column.K ? key : value.get();
          row[i] =
              maxFieldSize > 0 && text.length() > maxFieldSize
                  ? text.substring(0, maxFieldSize)
                  : text;
        }
        rows.add(row);
      }
    }
    return new ShardKvResultSet(owner, columnsOf(s), rows);
  }

  /** The one column of a constant SELECT: INTEGER, BIGINT or NUMERIC for numbers, VARCHAR for text. */
  static List<ColumnSpec> columnsOf(SqlStatement.SelectConstant c) {
    Object v = constantValue(c);
    ColumnSpec spec = v instanceof Integer ? ColumnSpec.integer(c.label())
        : v instanceof Long ? ColumnSpec.bigint(c.label())
        : v instanceof java.math.BigDecimal ? new ColumnSpec(c.label(), c.label(), java.sql.Types.NUMERIC, "NUMERIC", "",
            java.sql.ResultSetMetaData.columnNoNulls)
        : ColumnSpec.text(c.label());
    return List.of(spec);
  }

  private static Object constantValue(SqlStatement.SelectConstant c) {
    if (!c.number()) return c.value();
    java.math.BigDecimal d = new java.math.BigDecimal(c.value());
    try {
      long n = d.longValueExact();
      return n == (int) n ? (Object) (int) n : (Object) n;
    } catch (ArithmeticException e) {
      return d;
    }
  }

  /** The result columns of a SELECT, known before it runs. */
  static List<ColumnSpec> columnsOf(SqlStatement.Select s) {
    return columnsOf(s.items());
  }

  /** The result columns of these select items. */
  static List<ColumnSpec> columnsOf(List<SqlStatement.SelectItem> items) {
    List<ColumnSpec> columns = new ArrayList<>();
    for (SqlStatement.SelectItem item : items) {
      columns.add(ColumnSpec.kvColumn(item.column().sqlName(), item.label()));
    }
    return columns;
  }

  static String value(Operand o, String[] params, String role) throws SQLException {
    String v = o instanceof Operand.Literal l ? l.value() : params[((Operand.Parameter) o).index()];
    if (v == null) {
      throw SqlErrors.nullValue(role);
    }
    return v;
  }
}
