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
   * {@code SELECT items FROM kv [WHERE k LIKE pattern] [LIMIT n]}: a scan of the keys with the
   * pattern's prefix (all keys without WHERE), shard by shard; per-shard consistent, not a snapshot.
   *
   * @param pattern a LIKE pattern of the form {@code 'prefix%'} (checked by {@link LikePattern} when
   *     its value is known), or null for every key
   * @param limit the LIMIT's number (a literal's text or a parameter), or null for none
   */
  record Scan(List<SelectItem> items, Operand pattern, Operand limit) implements SqlStatement {
    public Scan {
      items = List.copyOf(items);
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

  /** What an INSERT does when the key already holds a value. */
  enum OnConflict {
    /** Plain INSERT: fail with 23505 (unique violation), write nothing. */
    FAIL,
    /** {@code ON CONFLICT (k) DO NOTHING}: write nothing, update count 0. */
    DO_NOTHING,
    /** {@code ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v}: replace the value (an upsert). */
    DO_UPDATE
  }

  /**
   * {@code INSERT INTO kv (k, v) VALUES (key, value) [ON CONFLICT (k) DO NOTHING | DO UPDATE SET v =
   * EXCLUDED.v]}: an insert-if-absent (the store's compare-and-set with "absent" expected) that
   * fails (FAIL) or does nothing (DO_NOTHING) when the key exists; with DO_UPDATE a put (upsert).
   */
  record Insert(Operand key, Operand value, OnConflict onConflict) implements SqlStatement {
    /** A plain INSERT (fails on an existing key). */
    public Insert(Operand key, Operand value) {
      this(key, value, OnConflict.FAIL);
    }
  }

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
