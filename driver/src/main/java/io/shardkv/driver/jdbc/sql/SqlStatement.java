package io.shardkv.driver.jdbc.sql;

import java.util.List;

/**
 * The abstract syntax of the supported subset: one record per statement form, each naming exactly
 * the single-key store operation(s) it becomes.
 */
public sealed interface SqlStatement {

  /** A column of table kv. */
  enum Column {
    K("k"),
    V("v");

    private final String sqlName;

    Column(String sqlName) {
      this.sqlName = sqlName;
    }

    public String sqlName() {
      return sqlName;
    }
  }

  /** One output column of a SELECT and its label ({@code AS} alias or the column name). */
  record SelectItem(Column column, String label) {}

  /** {@code SELECT items FROM kv WHERE k = key | k IN (keys...)}: one get per distinct key. */
  record Select(List<SelectItem> items, List<Operand> keys) implements SqlStatement {
    public Select {
      items = List.copyOf(items);
      keys = List.copyOf(keys);
    }
  }

  /**
   * {@code SELECT 1} / {@code SELECT 'x' AS label}: one row with one constant, touching no data —
   * the validation query of connection pools and consoles.
   *
   * @param value the literal's text
   * @param number true for a numeric literal, false for a string
   * @param label the column label (the alias, else the literal's text)
   */
  record SelectConstant(String value, boolean number, String label) implements SqlStatement {}

  /** {@code INSERT INTO kv (k, v) VALUES (key, value)}: a put (upsert). */
  record Insert(Operand key, Operand value) implements SqlStatement {}

  /** {@code UPDATE kv SET v = value WHERE k = key}: a put (blind write). */
  record Update(Operand key, Operand value) implements SqlStatement {}

  /** {@code UPDATE kv SET v = replacement WHERE k = key AND v = expected}: a compare-and-set. */
  record CompareAndSet(Operand key, Operand expected, Operand replacement)
      implements SqlStatement {}

  /** {@code UPDATE kv SET v = v || suffix WHERE k = key}: an append. */
  record Append(Operand key, Operand suffix) implements SqlStatement {}

  /** {@code DELETE FROM kv WHERE k = key}: a delete. */
  record Delete(Operand key) implements SqlStatement {}
}
