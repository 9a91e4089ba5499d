package io.shardkv.driver.jdbc.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.jdbc.sql.Operand.Literal;
import io.shardkv.driver.jdbc.sql.Operand.Parameter;
import io.shardkv.driver.jdbc.sql.SqlStatement.Column;
import io.shardkv.driver.jdbc.sql.SqlStatement.SelectItem;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParserTest {

  private static final SelectItem K = new SelectItem(Column.K, "k");
  private static final SelectItem V = new SelectItem(Column.V, "v");

  private static SqlStatement parse(String sql) throws SQLException {
    return Parser.parse(sql).statement();
  }

  @Test
  void selectValueByKeyParameterBecomesOneKeyLookup() throws SQLException {
    ParsedSql p = Parser.parse("SELECT v FROM kv WHERE k = ?");
    assertEquals(new SqlStatement.Select(List.of(V), List.of(new Parameter(0))), p.statement());
    assertEquals(1, p.parameterCount());
    assertTrue(p.isQuery());
  }

  @Test
  void selectKeyAndValueKeepsTheListedOrder() throws SQLException {
    assertEquals(
        new SqlStatement.Select(List.of(V, K), List.of(new Literal("a"))),
        parse("select v, k from kv where k = 'a'"));
  }

  @Test
  void selectStarMeansKeyThenValue() throws SQLException {
    assertEquals(
        new SqlStatement.Select(List.of(K, V), List.of(new Parameter(0))),
        parse("SELECT * FROM kv WHERE k = ?"));
  }

  @Test
  void selectInListKeepsEveryKeyInOrder() throws SQLException {
    ParsedSql p = Parser.parse("SELECT k, v FROM kv WHERE k IN (?, 'b', ?)");
    assertEquals(
        new SqlStatement.Select(
            List.of(K, V), List.of(new Parameter(0), new Literal("b"), new Parameter(1))),
        p.statement());
    assertEquals(2, p.parameterCount());
  }

  @Test
  void columnAliasesQualifiedNamesAndTableAliasesAreAccepted() throws SQLException {
    assertEquals(
        new SqlStatement.Select(
            List.of(new SelectItem(Column.K, "the_key"), new SelectItem(Column.V, "Val")),
            List.of(new Literal("x"))),
        parse("SELECT t.k AS the_key, kv.v \"Val\" FROM kv AS t WHERE t.k = 'x'"));
  }

  @Test
  void keywordsAreCaseInsensitiveAndIdentifiersMayBeQuoted() throws SQLException {
    assertEquals(
        parse("SELECT v FROM kv WHERE k = ?"), parse("sElEcT \"V\" fRoM \"KV\" wHeRe \"k\" = ?"));
  }

  @Test
  void insertWithColumnListIsAnUpsertOfKeyAndValue() throws SQLException {
    assertEquals(
        new SqlStatement.Insert(new Parameter(0), new Parameter(1)),
        parse("INSERT INTO kv (k, v) VALUES (?, ?)"));
  }

  @Test
  void insertWithReversedColumnListSwapsTheValues() throws SQLException {
    assertEquals(
        new SqlStatement.Insert(new Literal("key"), new Literal("value")),
        parse("INSERT INTO kv (v, k) VALUES ('value', 'key')"));
  }

  @Test
  void insertWithoutColumnListTakesKeyThenValue() throws SQLException {
    assertEquals(
        new SqlStatement.Insert(new Literal("a"), new Parameter(0)),
        parse("insert into KV values ('a', ?);"));
  }

  @Test
  void updateSetValueByKeyIsABlindPut() throws SQLException {
    assertEquals(
        new SqlStatement.Update(new Parameter(1), new Parameter(0)),
        parse("UPDATE kv SET v = ? WHERE k = ?"));
  }

  @Test
  void updateWithValueConditionIsCompareAndSetInEitherOrder() throws SQLException {
    SqlStatement cas =
        new SqlStatement.CompareAndSet(new Parameter(1), new Parameter(2), new Parameter(0));
    assertEquals(cas, parse("UPDATE kv SET v = ? WHERE k = ? AND v = ?"));
    assertEquals(
        new SqlStatement.CompareAndSet(new Parameter(2), new Parameter(1), new Parameter(0)),
        parse("UPDATE kv SET v = ? WHERE v = ? AND k = ?"));
  }

  @Test
  void updateConcatenatingToValueIsAnAppend() throws SQLException {
    assertEquals(
        new SqlStatement.Append(new Parameter(1), new Parameter(0)),
        parse("UPDATE kv SET v = v || ? WHERE k = ?"));
    assertEquals(
        new SqlStatement.Append(new Literal("k1"), new Literal("!")),
        parse("update kv t set v = t.v || '!' where t.k = 'k1'"));
  }

  @Test
  void deleteByKeyIsADelete() throws SQLException {
    ParsedSql p = Parser.parse("DELETE FROM kv WHERE k = ?");
    assertEquals(new SqlStatement.Delete(new Parameter(0)), p.statement());
    assertFalse(p.isQuery());
  }

  @Test
  void stringLiteralsUnescapeDoubledQuotesAndKeepUnicode() throws SQLException {
    assertEquals(
        new SqlStatement.Insert(new Literal("it's"), new Literal("日本語 ✓ 😀 ''")),
        parse("INSERT INTO kv VALUES ('it''s', '日本語 ✓ 😀 ''''')"));
  }

  @Test
  void quotedIdentifiersUnescapeDoubledQuotes() throws SQLException {
    assertEquals(
        new SqlStatement.Select(
            List.of(new SelectItem(Column.V, "a\"b")), List.of(new Literal("x"))),
        parse("SELECT v AS \"a\"\"b\" FROM kv WHERE k = 'x'"));
  }

  @Test
  void commentsAreSkipped() throws SQLException {
    assertEquals(
        parse("SELECT v FROM kv WHERE k = ?"),
        parse("/* tool comment */ SELECT v -- the value\n FROM kv WHERE k = ? -- trailing"));
  }

  @Test
  void nullLiteralParsesSoThatExecutionCanRejectItClearly() throws SQLException {
    assertEquals(
        new SqlStatement.Insert(new Literal("a"), new Literal(null)),
        parse("INSERT INTO kv VALUES ('a', NULL)"));
  }

  @Test
  void questionMarkInsideLiteralIsNotAParameter() throws SQLException {
    assertEquals(0, Parser.parse("SELECT v FROM kv WHERE k = 'why?'").parameterCount());
  }

  /**
   * Issue 11 item 7 (a deliberate contract change): {@code SELECT … FROM kv} without a key, with
   * {@code WHERE k LIKE 'prefix%'} and {@code LIMIT n}, is a scan; before, it was refused (0A000).
   */
  @Test
  void selectWithoutAKeyOrWithLikeAndLimitIsAScan() throws SQLException {
    assertEquals(new SqlStatement.Scan(List.of(K, V), null, null), parse("SELECT * FROM kv"));
    assertEquals(new SqlStatement.Scan(List.of(K, V), new Literal("user:%"), new Literal("100")),
        parse("SELECT k, v FROM kv WHERE k LIKE 'user:%' LIMIT 100"));
    assertEquals(new SqlStatement.Scan(List.of(V), new Parameter(0), new Parameter(1)),
        parse("select v from KV where K like ? limit ?"));
    assertEquals(new SqlStatement.Scan(List.of(V), null, new Literal("5")), parse("SELECT v FROM kv LIMIT 5;"));
    assertTrue(Parser.parse("SELECT * FROM kv WHERE k LIKE 'a\\_b%'").isQuery());
  }

  /**
   * Issue 11 item 7 (a deliberate contract change): a plain INSERT fails on an existing key (23505,
   * at execution); the ON CONFLICT forms say what to do instead. Before, every INSERT was an upsert
   * and ON CONFLICT was refused.
   */
  @Test
  void insertCarriesWhatToDoOnAConflict() throws SQLException {
    assertEquals(new SqlStatement.Insert(new Parameter(0), new Parameter(1), SqlStatement.OnConflict.FAIL),
        parse("INSERT INTO kv (k, v) VALUES (?, ?)"));
    assertEquals(new SqlStatement.Insert(new Parameter(0), new Parameter(1), SqlStatement.OnConflict.DO_NOTHING),
        parse("INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING"));
    assertEquals(new SqlStatement.Insert(new Parameter(0), new Parameter(1), SqlStatement.OnConflict.DO_NOTHING),
        parse("INSERT INTO kv VALUES (?, ?) on conflict do nothing"));
    assertEquals(new SqlStatement.Insert(new Parameter(1), new Parameter(0), SqlStatement.OnConflict.DO_UPDATE),
        parse("INSERT INTO kv (v, k) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v"));
    assertEquals(new SqlStatement.Insert(new Literal("a"), new Literal("b"), SqlStatement.OnConflict.DO_UPDATE),
        parse("INSERT INTO kv VALUES ('a', 'b') ON CONFLICT (kv.k) DO UPDATE SET v = excluded.V;"));
  }

  /**
   * sql | SQLState | 1-based position reported, or 0 if the message names none | fragment of the
   * message.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '"',
      textBlock =
          """
          ""                                                    | 42601 | 1  | statement is empty
          ;                                                     | 42601 | 1  | statement is empty
          SELEKT v FROM kv WHERE k = ?                          | 42601 | 1  | expected SELECT, INSERT, UPDATE or DELETE but found 'SELEKT'
          SELECT v FORM kv WHERE k = ?                          | 42601 | 15 | 'FORM' was read as an alias of v
          SELECT v FROM kv WHERE k = 'abc                       | 42601 | 28 | never closed
          SELECT v FROM kv WHERE k = ? /* open                  | 42601 | 30 | comment starting here is never closed
          SELECT v FROM "kv WHERE k = ?                         | 42601 | 15 | quoted identifier starting here is never closed
          SELECT v FROM kv WHERE k = #                          | 42601 | 28 | unexpected character '#'
          SELECT v FROM `kv` WHERE k = ?                        | 42601 | 15 | double quotes
          SELECT v FROM kv WHERE k = abc                        | 42601 | 28 | single quotes: 'abc'
          SELECT v FROM kv WHERE k ?                            | 42601 | 26 | expected '=' but found the parameter ?
          SELECT v FROM kv WHERE k IN (?, ?                     | 42601 | 34 | ',' or ')' in the IN list
          SELECT v FROM kv WHERE k = ? garbage                  | 42601 | 30 | expected the end of the statement
          INSERT kv VALUES (?, ?)                               | 42601 | 8  | expected INTO
          INSERT INTO kv (k, v) VALUES (?)                      | 42601 | 32 | ',' between the two values
          UPDATE kv v = ? WHERE k = ?                           | 42601 | 13 | 'v' was read as an alias of kv
          UPDATE kv SET v = WHERE k = ?                         | 42601 | 19 | after 'SET v =' but found
          UPDATE kv SET v = AND v = ? WHERE k = ?               | 42601 | 19 | after 'SET v =' but found
          SELECT FROM kv WHERE k = ?                            | 42601 | 8  | expected a column (k or v) or * but found the keyword FROM
          SELECT v FROM WHERE k = ?                             | 42601 | 15 | expected the table name kv but found the keyword WHERE
          UPDATE SET v = ? WHERE k = ?                          | 42601 | 8  | expected the table name kv but found the keyword SET
          INSERT INTO VALUES (?, ?)                             | 42601 | 13 | expected the table name kv but found the keyword VALUES
          DELETE FROM WHERE k = ?                               | 42601 | 13 | expected the table name kv but found the keyword WHERE
          SELECT v AS FROM kv WHERE k = ?                       | 42601 | 13 | expected an alias after AS but found the keyword FROM
          DELETE kv WHERE k = ?                                 | 42601 | 8  | expected FROM
          SELECT v FROM users WHERE k = ?                       | 42S02 | 15 | Table 'users' does not exist
          INSERT INTO public.kv VALUES (?, ?)                   | 42S02 | 13 | Table 'public.kv' does not exist
          DELETE FROM "Kv2" WHERE k = ?                         | 42S02 | 13 | Table 'Kv2' does not exist
          SELECT value FROM kv WHERE k = ?                      | 42S22 | 8  | Column 'value' does not exist
          UPDATE kv SET v = ? WHERE key = ?                     | 42S22 | 27 | Column 'key' does not exist
          SELECT v FROM kv WHERE k = 42                         | 42804 | 28 | write it as a string literal '42'
          INSERT INTO kv VALUES ('a', 3.5)                      | 42804 | 29 | VARCHAR
          CREATE TABLE t (a INT)                                | 0A000 | 1  | DDL (CREATE)
          DROP TABLE kv                                         | 0A000 | 1  | DDL (DROP)
          ALTER TABLE kv ADD c VARCHAR                          | 0A000 | 1  | DDL (ALTER)
          TRUNCATE kv                                           | 0A000 | 1  | DDL (TRUNCATE)
          BEGIN                                                 | 0A000 | 1  | Transaction control (BEGIN
          COMMIT                                                | 0A000 | 1  | Transaction control (COMMIT
          ROLLBACK                                              | 0A000 | 1  | Transaction control (ROLLBACK
          MERGE INTO kv USING x ON 1 = 1                        | 0A000 | 1  | The MERGE statement
          SELECT v FROM kv WHERE k LIKE '%x'                    | 0A000 | 31 | A % before the end of the LIKE pattern
          SELECT v FROM kv WHERE k LIKE 'a_b%'                  | 0A000 | 31 | The LIKE wildcard _
          SELECT v FROM kv WHERE k LIKE 'a%' ESCAPE '!'         | 0A000 | 36 | ESCAPE
          SELECT v FROM kv LIMIT -1                             | 42601 | 24 | expected a number or ? after LIMIT
          SELECT v FROM kv LIMIT 'ten'                          | 42601 | 24 | expected a number or ? after LIMIT
          SELECT * FROM kv ORDER BY k                           | 0A000 | 18 | ORDER BY
          SELECT v FROM kv WHERE k = ? ORDER BY v               | 0A000 | 30 | ORDER BY
          SELECT v FROM kv WHERE k = ? LIMIT 1                  | 0A000 | 30 | LIMIT
          SELECT v FROM kv WHERE k = ? GROUP BY v               | 0A000 | 30 | GROUP BY
          SELECT v FROM kv WHERE k = ? UNION SELECT v FROM kv WHERE k = ? | 0A000 | 30 | UNION
          SELECT v FROM kv WHERE k = ? OR k = ?                 | 0A000 | 30 | combined with OR
          SELECT v FROM kv WHERE k = ? AND v = ?                | 0A000 | 30 | combined with AND
          SELECT * FROM kv a JOIN kv b ON a.k = b.v             | 0A000 | 20 | A join
          SELECT * FROM kv, kv WHERE k = ?                      | 0A000 | 17 | A join
          SELECT COUNT(*) FROM kv WHERE k = ?                   | 0A000 | 8  | The function COUNT()
          SELECT DISTINCT v FROM kv WHERE k = ?                 | 0A000 | 8  | SELECT DISTINCT
          SELECT 1 + 1                                          | 0A000 | 10 | An expression in the select list
          SELECT 1 FROM kv                                      | 0A000 | 10 | SELECT of a constant FROM a table
          SELECT v FROM kv WHERE v = ?                          | 0A000 | 24 | condition on v
          SELECT v FROM kv WHERE k > ?                          | 0A000 | 26 | The comparison >
          SELECT v FROM kv WHERE v LIKE ?                       | 0A000 | 24 | condition on v
          SELECT v FROM kv WHERE k IN (SELECT k FROM kv WHERE k = ?) | 0A000 | 30 | A subquery
          SELECT v FROM kv WHERE k = ?; DELETE FROM kv WHERE k = ? | 0A000 | 31 | Several statements
          INSERT INTO kv (k) VALUES (?)                         | 0A000 | 16 | column list other than (k, v)
          INSERT INTO kv (k, k) VALUES (?, ?)                   | 0A000 | 16 | column list other than (k, v)
          INSERT INTO kv VALUES (?, ?, ?)                       | 0A000 | 24 | More than two values
          INSERT INTO kv VALUES (?, ?), (?, ?)                  | 0A000 | 29 | multi-row VALUES
          INSERT INTO kv VALUES (?, ?) ON DUPLICATE KEY UPDATE v = ? | 0A000 | 33 | ON DUPLICATE KEY UPDATE
          INSERT INTO kv VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = ? | 0A000 | 64 | anything but EXCLUDED.v
          INSERT INTO kv VALUES (?, ?) ON CONFLICT DO UPDATE SET v = EXCLUDED.v | 42601 | 45 | needs the conflict target
          INSERT INTO kv VALUES (?, ?) ON CONFLICT (v) DO NOTHING | 0A000 | 43 | conflict target other than (k)
          INSERT INTO kv SELECT k, v FROM kv WHERE k = ?        | 0A000 | 16 | INSERT ... SELECT
          UPDATE kv SET k = ? WHERE k = ?                       | 0A000 | 15 | Changing a key
          UPDATE kv SET v = ? || v WHERE k = ?                  | 0A000 | 21 | Prepending
          UPDATE kv SET v = ?, v = ? WHERE k = ?                | 0A000 | 20 | Several assignments
          UPDATE kv SET v = v || ? || ? WHERE k = ?             | 0A000 | 26 | Appending more than one value
          UPDATE kv SET v = ?                                   | 0A000 | 20 | UPDATE without WHERE
          UPDATE kv SET v = ? WHERE v = ?                       | 0A000 | 19 | UPDATE without a condition k = ?
          UPDATE kv SET v = v || ? WHERE k = ? AND v = ?        | 0A000 | 42 | conditional append
          UPDATE kv SET v = ? WHERE k IN (?, ?)                 | 0A000 | 29 | IN in UPDATE
          UPDATE kv SET v = ? WHERE k = ? OR v = ?              | 0A000 | 33 | combined with OR
          DELETE FROM kv                                        | 0A000 | 15 | DELETE without WHERE
          DELETE FROM kv WHERE v = ?                            | 0A000 | 22 | condition on v
          DELETE FROM kv WHERE k IN (?, ?)                      | 0A000 | 24 | IN in DELETE
          """)
  void sqlOutsideTheSubsetIsRejectedWithStateAndPosition(
      String sql, String state, int position, String fragment) {
    SQLException e = assertThrows(SQLException.class, () -> Parser.parse(sql == null ? "" : sql));
    assertEquals(state, e.getSQLState(), e.getMessage());
    if (position > 0) {
      assertTrue(
          e.getMessage().contains("position " + position + " "),
          "position " + position + " in: " + e.getMessage());
    }
    assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' in: " + e.getMessage());
  }

  @Test
  void unsupportedFeatureMessagesNameTheSupportedSubset() {
    SQLException e =
        assertThrows(SQLException.class, () -> Parser.parse("SELECT * FROM kv ORDER BY k"));
    assertTrue(e.getMessage().contains("INSERT INTO kv (k, v) VALUES (?, ?)"), e.getMessage());
    assertTrue(e.getMessage().contains("UPDATE kv SET v = v || ? WHERE k = ?"), e.getMessage());
  }

  @Test
  void errorPositionCountsLinesAndColumns() {
    SQLException e =
        assertThrows(
            SQLException.class, () -> Parser.parse("SELECT v\nFROM kv\nWHERE k = ? ORDER BY v"));
    assertTrue(e.getMessage().contains("position 30 (line 3, column 13)"), e.getMessage());
  }

  @Test
  void errorPositionCountsCharactersOutsideTheBmpOnce() {
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> Parser.parse("SELECT v FROM kv WHERE k = '\uD83D\uDE00' ORDER BY v"));
    // 'SELECT v FROM kv WHERE k = ' is 27 code points, then quote, emoji, quote, space: ORDER is
    // the 32nd.
    assertTrue(e.getMessage().contains("position 32 (line 1, column 32)"), e.getMessage());
  }

  @Test
  void nullSqlIsRejectedClearly() {
    SQLException e = assertThrows(SQLException.class, () -> Parser.parse(null));
    assertTrue(e.getMessage().contains("null"));
  }
}
