package io.shardkv.driver.jdbc.sql;

import io.shardkv.driver.jdbc.sql.SqlStatement.Column;
import io.shardkv.driver.jdbc.sql.SqlStatement.SelectItem;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive-descent parser for the supported subset (grammar in docs/jdbc.md). Keywords are
 * case-insensitive; identifiers (quoted or not) are compared case-insensitively, so {@code kv},
 * {@code KV} and {@code "kv"} all name the one table.
 *
 * <p>Errors: malformed input is 42601 (syntax, with position); an unknown table 42S02; an unknown
 * column 42S22; a number where a string is needed 42804; a recognised SQL construct outside the
 * subset (joins, ORDER BY, DDL, transactions, ...) 0A000 naming the construct and the supported
 * forms.
 */
public final class Parser extends TermParser {

  private static final Set<String> DDL =
      Set.of("CREATE", "DROP", "ALTER", "TRUNCATE", "RENAME", "GRANT", "REVOKE", "COMMENT");
  private static final Set<String> TRANSACTION =
      Set.of("BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "END");
  private static final Set<String> OTHER_STATEMENTS =
      Set.of(
          "MERGE",
          "UPSERT",
          "REPLACE",
          "WITH",
          "CALL",
          "EXPLAIN",
          "SHOW",
          "DESCRIBE",
          "USE",
          "SET",
          "VALUES",
          "LOCK",
          "ANALYZE",
          "VACUUM",
          "EXEC",
          "EXECUTE");

  private Parser(String sql, List<Token> tokens) {
    super(sql, tokens);
  }

  /** Parses one statement of the subset (an optional trailing semicolon is allowed). */
  public static ParsedSql parse(String sql) throws SQLException {
    if (sql == null) {
      throw new SQLException("The SQL string is null", SqlErrors.INVALID_ARGUMENT);
    }
    Parser p = new Parser(sql, Lexer.tokenize(sql));
    SqlStatement statement = p.statement();
    return new ParsedSql(sql, statement, p.parameterCount);
  }

  private SqlStatement statement() throws SQLException {
    Token first = peek();
    if (first.kind() == Token.Kind.END || first.kind() == Token.Kind.SEMICOLON) {
      throw SqlErrors.syntax(
          sql, first.offset(), "the statement is empty; expected SELECT, INSERT, UPDATE or DELETE");
    }
    String word =
        first.kind() == Token.Kind.IDENTIFIER ? first.text().toUpperCase(Locale.ROOT) : "";
    SqlStatement result =
        switch (word) {
          case "SELECT" -> select();
          case "INSERT" -> insert();
          case "UPDATE" -> update();
          case "DELETE" -> delete();
          default -> {
            if (DDL.contains(word)) {
              throw SqlErrors.unsupportedAt(sql, first.offset(), "DDL (" + word + ")");
            }
            if (TRANSACTION.contains(word)) {
              throw SqlErrors.unsupportedAt(
                  sql,
                  first.offset(),
                  "Transaction control ("
                      + word
                      + "); every statement is applied on its own, in auto-commit mode");
            }
            if (OTHER_STATEMENTS.contains(word)) {
              throw SqlErrors.unsupportedAt(sql, first.offset(), "The " + word + " statement");
            }
            throw SqlErrors.syntax(
                sql,
                first.offset(),
                "expected SELECT, INSERT, UPDATE or DELETE but found " + first.describe());
          }
        };
    if (peek().kind() == Token.Kind.SEMICOLON) {
      advance();
      if (peek().kind() != Token.Kind.END) {
        throw SqlErrors.unsupportedAt(
            sql,
            peek().offset(),
            "Several statements in one string (execute them " + "one at a time, or use addBatch)");
      }
    }
    Token end = peek();
    if (end.kind() != Token.Kind.END) {
      throw unexpectedAfterStatement(end);
    }
    return result;
  }

  private SQLException unexpectedAfterStatement(Token t) {
    for (String clause : TRAILING_CLAUSES) {
      if (t.isKeyword(clause)) {
        String name = clause.equals("ORDER") || clause.equals("GROUP") ? clause + " BY" : clause;
        return SqlErrors.unsupportedAt(sql, t.offset(), name);
      }
    }
    if (t.isKeyword("AND") || t.isKeyword("OR")) {
      return SqlErrors.unsupportedAt(
          sql,
          t.offset(),
          "A condition combined with " + t.text().toUpperCase(Locale.ROOT) + " here");
    }
    return SqlErrors.syntax(
        sql, t.offset(), "expected the end of the statement but found " + t.describe());
  }

  // SELECT items FROM kv WHERE k = operand | k IN (operand, ...)
  private SqlStatement select() throws SQLException {
    advance();
    if (peek().isKeyword("DISTINCT")) {
      throw SqlErrors.unsupportedAt(
          sql, peek().offset(), "SELECT DISTINCT (keys are unique already)");
    }
    if (peek().isKeyword("ALL")) {
      advance();
    }
    if (peek().kind() == Token.Kind.NUMBER || peek().kind() == Token.Kind.STRING) {
      return selectConstant();
    }
    List<SelectItemSyntax> syntax = new ArrayList<>();
    if (peek().kind() == Token.Kind.STAR) {
      advance();
      syntax.add(null);
    } else {
      do {
        syntax.add(selectItem());
      } while (accept(Token.Kind.COMMA));
    }
    if (!peek().isKeyword("FROM")) {
      SelectItemSyntax last = syntax.get(syntax.size() - 1);
      String hint =
          peek().kind() == Token.Kind.END
              ? " (ShardKV has no table-less SELECT)"
              : last != null && last.implicitAlias
                  ? " (note: '"
                      + last.alias.text()
                      + "' was read as an alias of "
                      + last.name.text()
                      + ")"
                  : "";
      throw SqlErrors.syntax(
          sql, peek().offset(), "expected FROM but found " + peek().describe() + hint);
    }
    advance();
    table();
    if (peek().kind() == Token.Kind.COMMA
        || JOIN_WORDS.contains(peek().text().toUpperCase(Locale.ROOT))
            && peek().kind() == Token.Kind.IDENTIFIER) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "A join");
    }
    // Resolve select items now that the table alias is known.
    List<SelectItem> items = new ArrayList<>();
    if (syntax.get(0) == null) {
      items.add(new SelectItem(Column.K, "k"));
      items.add(new SelectItem(Column.V, "v"));
    } else {
      for (SelectItemSyntax s : syntax) {
        Column c = resolveColumn(s.qualifier, s.name);
        items.add(new SelectItem(c, s.alias != null ? s.alias.text() : c.sqlName()));
      }
    }
    if (!peek().isKeyword("WHERE")) {
      if (peek().kind() == Token.Kind.END || peek().kind() == Token.Kind.SEMICOLON
          || peek().isKeyword("LIMIT")) {
        return new SqlStatement.Scan(items, null, limitClause());
      }
      throw unexpectedAfterStatement(peek());
    }
    advance();
    Token keyColumn = peek();
    Column c = columnRef();
    if (c == Column.K && peek().isKeyword("LIKE")) {
      advance();
      Token patternToken = peek();
      Operand pattern = operand();
      if (pattern instanceof Operand.Literal l) {
        if (l.value() == null) {
          throw SqlErrors.syntax(sql, patternToken.offset(), "LIKE NULL matches no key; write a pattern such as 'user:%'");
        }
        LikePattern.check(l.value(), sql, patternToken.offset());
      }
      if (peek().isKeyword("ESCAPE")) {
        throw SqlErrors.unsupportedAt(sql, peek().offset(), "LIKE ... ESCAPE (the escape character is always \\)");
      }
      return new SqlStatement.Scan(items, pattern, limitClause());
    }
    if (c != Column.K) {
      throw SqlErrors.unsupportedAt(
          sql,
          keyColumn.offset(),
          "Selecting rows by a condition on v (rows are "
              + "found by key: WHERE k = ? or WHERE k IN (...))");
    }
    List<Operand> keys = new ArrayList<>();
    if (peek().isKeyword("IN")) {
      advance();
      expect(Token.Kind.LEFT_PAREN, "'(' after IN");
      if (peek().isKeyword("SELECT")) {
        throw SqlErrors.unsupportedAt(sql, peek().offset(), "A subquery");
      }
      do {
        keys.add(operand());
      } while (accept(Token.Kind.COMMA));
      expect(Token.Kind.RIGHT_PAREN, "',' or ')' in the IN list");
    } else {
      equalsSign();
      keys.add(operand());
    }
    return new SqlStatement.Select(items, keys);
  }

  /** {@code [LIMIT n | LIMIT ?]} at the end of a scan; null when absent. */
  private Operand limitClause() throws SQLException {
    if (!peek().isKeyword("LIMIT")) {
      return null;
    }
    advance();
    Token t = peek();
    if (t.kind() == Token.Kind.NUMBER) {
      advance();
      LikePattern.limit(t.text(), sql, t.offset());
      return new Operand.Literal(t.text());
    }
    if (t.kind() == Token.Kind.PARAMETER) {
      return operand();
    }
    throw SqlErrors.syntax(sql, t.offset(), "expected a number or ? after LIMIT but found " + t.describe());
  }

  private record SelectItemSyntax(
      Token qualifier, Token name, Token alias, boolean implicitAlias) {}

  private SelectItemSyntax selectItem() throws SQLException {
    Token first = peek();
    rejectKeywordAsName(first, "a column (k or v) or *");
    if (!first.isIdentifier()) {
      if (first.kind() == Token.Kind.STAR) {
        throw SqlErrors.syntax(
            sql, first.offset(), "'*' cannot be combined with other select items");
      }
      throw SqlErrors.unsupportedAt(
          sql,
          first.offset(),
          "An expression in the select list ("
              + first.describe()
              + "; select the columns k and v)");
    }
    advance();
    if (peek().kind() == Token.Kind.LEFT_PAREN) {
      throw SqlErrors.unsupportedAt(
          sql, first.offset(), "The function " + first.text().toUpperCase(Locale.ROOT) + "()");
    }
    Token qualifier = null;
    Token name = first;
    if (accept(Token.Kind.DOT)) {
      qualifier = first;
      if (peek().kind() == Token.Kind.STAR) {
        throw SqlErrors.unsupportedAt(sql, peek().offset(), "A qualified * (write * or k, v)");
      }
      name = expectIdentifier("a column name after '.'");
    }
    if (peek().kind() == Token.Kind.CONCAT || peek().kind() == Token.Kind.OPERATOR) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "An expression in the select list");
    }
    Token alias = null;
    boolean implicit = false;
    if (peek().isKeyword("AS")) {
      advance();
      alias = expectIdentifier("an alias after AS");
    } else if (peek().isIdentifier() && !peek().isKeyword("FROM")) {
      alias = advance();
      implicit = true;
    }
    return new SelectItemSyntax(qualifier, name, alias, implicit);
  }

  // SELECT literal [[AS] alias] — no FROM: a constant row (validation queries such as SELECT 1)
  private SqlStatement selectConstant() throws SQLException {
    Token literal = advance();
    if (peek().kind() == Token.Kind.CONCAT || peek().kind() == Token.Kind.OPERATOR) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "An expression in the select list (a constant alone, as in SELECT 1, is supported)");
    }
    String label = literal.text();
    if (peek().isKeyword("AS")) {
      advance();
      label = expectIdentifier("a column alias after AS").text();
    } else if ((peek().kind() == Token.Kind.IDENTIFIER && !peek().isKeyword("FROM"))
        || peek().kind() == Token.Kind.QUOTED_IDENTIFIER) {
      label = advance().text();
    }
    if (peek().isKeyword("FROM")) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(),
          "SELECT of a constant FROM a table (select k or v, or a constant alone as in SELECT 1)");
    }
    return new SqlStatement.SelectConstant(literal.text(), literal.kind() == Token.Kind.NUMBER, label);
  }

  // INSERT INTO kv [(k, v)] VALUES (operand, operand)
  private SqlStatement insert() throws SQLException {
    advance();
    expectKeyword("INTO");
    table();
    Column first = Column.K;
    if (peek().kind() == Token.Kind.LEFT_PAREN) {
      Token open = advance();
      List<Column> columns = new ArrayList<>();
      do {
        columns.add(columnRef());
      } while (accept(Token.Kind.COMMA));
      expect(Token.Kind.RIGHT_PAREN, "',' or ')' in the column list");
      if (columns.size() != 2 || columns.get(0) == columns.get(1)) {
        throw SqlErrors.unsupportedAt(
            sql,
            open.offset(),
            "An INSERT column list other than (k, v) or (v, k) "
                + "(both columns must be given, each once)");
      }
      first = columns.get(0);
    }
    if (peek().isKeyword("SELECT")) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "INSERT ... SELECT");
    }
    if (peek().isKeyword("DEFAULT")) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "DEFAULT VALUES");
    }
    expectKeyword("VALUES");
    expect(Token.Kind.LEFT_PAREN, "'(' after VALUES");
    Token rowStart = peek();
    Operand a = operand();
    expect(Token.Kind.COMMA, "',' between the two values");
    Operand b = operand();
    if (peek().kind() == Token.Kind.COMMA) {
      throw SqlErrors.unsupportedAt(
          sql, rowStart.offset(), "More than two values in the row (k, v)");
    }
    expect(Token.Kind.RIGHT_PAREN, "')' after the two values");
    if (peek().kind() == Token.Kind.COMMA) {
      throw SqlErrors.unsupportedAt(
          sql, peek().offset(), "A multi-row VALUES list (use addBatch/executeBatch)");
    }
    SqlStatement.OnConflict onConflict = peek().isKeyword("ON") ? onConflict() : SqlStatement.OnConflict.FAIL;
    return first == Column.K
        ? new SqlStatement.Insert(a, b, onConflict)
        : new SqlStatement.Insert(b, a, onConflict);
  }

  // ON CONFLICT [(k)] DO NOTHING | ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v (PostgreSQL's forms)
  private SqlStatement.OnConflict onConflict() throws SQLException {
    advance();
    if (peek().isKeyword("DUPLICATE")) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(),
          "ON DUPLICATE KEY UPDATE (write ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v)");
    }
    expectKeyword("CONFLICT");
    boolean target = false;
    if (peek().kind() == Token.Kind.LEFT_PAREN) {
      advance();
      Token column = peek();
      if (columnRef() != Column.K) {
        throw SqlErrors.unsupportedAt(sql, column.offset(),
            "A conflict target other than (k) (k is the table's only unique column)");
      }
      expect(Token.Kind.RIGHT_PAREN, "')' after the conflict target (k)");
      target = true;
    } else if (peek().isKeyword("ON")) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "ON CONFLICT ON CONSTRAINT (write ON CONFLICT (k))");
    }
    expectKeyword("DO");
    if (peek().isKeyword("NOTHING")) {
      advance();
      return SqlStatement.OnConflict.DO_NOTHING;
    }
    Token update = peek();
    expectKeyword("UPDATE");
    if (!target) {
      throw SqlErrors.syntax(sql, update.offset(),
          "ON CONFLICT DO UPDATE needs the conflict target: write ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v");
    }
    expectKeyword("SET");
    Token assigned = peek();
    if (columnRef() != Column.V) {
      throw SqlErrors.unsupportedAt(sql, assigned.offset(), "Changing the key in ON CONFLICT DO UPDATE");
    }
    equalsSign();
    Token value = peek();
    boolean excluded = value.isIdentifier() && value.text().equalsIgnoreCase("EXCLUDED")
        && tokens.get(pos + 1).kind() == Token.Kind.DOT;
    if (excluded) {
      advance();
      advance();
      Token column = peek();
      excluded = expectIdentifier("the column v after EXCLUDED.").text().equalsIgnoreCase("v");
      if (!excluded) {
        throw SqlErrors.unknownColumn(sql, column.offset(), "EXCLUDED." + column.text());
      }
    } else {
      throw SqlErrors.unsupportedAt(sql, value.offset(),
          "ON CONFLICT DO UPDATE SET v = anything but EXCLUDED.v (one atomic store operation sets the inserted"
              + " value whether or not the key exists; a different value on conflict is not one operation)");
    }
    if (peek().kind() == Token.Kind.COMMA) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "Several assignments in ON CONFLICT DO UPDATE");
    }
    if (peek().isKeyword("WHERE")) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "A WHERE condition in ON CONFLICT DO UPDATE");
    }
    return SqlStatement.OnConflict.DO_UPDATE;
  }

  // UPDATE kv SET v = operand | v || operand WHERE k = operand [AND v = operand]
  private SqlStatement update() throws SQLException {
    advance();
    table();
    expectKeyword("SET");
    Token target = peek();
    Column assigned = columnRef();
    if (assigned == Column.K) {
      throw SqlErrors.unsupportedAt(
          sql,
          target.offset(),
          "Changing a key with SET k (DELETE the row and INSERT " + "it under the new key)");
    }
    equalsSign();
    boolean append = false;
    Operand value;
    Token valueStart = peek();
    if (valueStart.kind() == Token.Kind.IDENTIFIER && isReserved(valueStart)) {
      // "SET v = WHERE ...": the value is missing; a keyword is not a column name.
      throw SqlErrors.syntax(
          sql,
          valueStart.offset(),
          "expected ?, a string literal or v || ? after 'SET v =' but found " + valueStart.describe());
    }
    if (valueStart.isIdentifier()) {
      Column c = columnRef();
      if (c != Column.V || peek().kind() != Token.Kind.CONCAT) {
        throw SqlErrors.unsupportedAt(
            sql,
            valueStart.offset(),
            "This SET expression (write SET v = ? or " + "SET v = v || ?)");
      }
      advance();
      append = true;
      value = operand();
      if (peek().kind() == Token.Kind.CONCAT) {
        throw SqlErrors.unsupportedAt(
            sql,
            peek().offset(),
            "Appending more than one value (bind their " + "concatenation to one ?)");
      }
    } else {
      value = operand();
      if (peek().kind() == Token.Kind.CONCAT) {
        throw SqlErrors.unsupportedAt(
            sql, peek().offset(), "Prepending (only SET v = v || ? appends)");
      }
    }
    if (peek().kind() == Token.Kind.COMMA) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "Several assignments in SET");
    }
    if (peek().kind() == Token.Kind.OPERATOR) {
      throw SqlErrors.unsupportedAt(sql, peek().offset(), "Arithmetic in SET");
    }
    if (!peek().isKeyword("WHERE")) {
      if (peek().kind() == Token.Kind.END || peek().kind() == Token.Kind.SEMICOLON) {
        throw SqlErrors.unsupportedAt(
            sql, peek().offset(), "UPDATE without WHERE k = ? (updating every row)");
      }
      throw SqlErrors.syntax(sql, peek().offset(), "expected WHERE but found " + peek().describe());
    }
    advance();
    Operand key = null;
    Operand expected = null;
    while (true) {
      Token columnToken = peek();
      Column c = columnRef();
      if (peek().isKeyword("IN")) {
        throw SqlErrors.unsupportedAt(
            sql, peek().offset(), "IN in UPDATE (one statement updates one key)");
      }
      equalsSign();
      Operand o = operand();
      if (c == Column.K) {
        if (key != null) {
          throw SqlErrors.unsupportedAt(sql, columnToken.offset(), "A second condition on k");
        }
        key = o;
      } else {
        if (expected != null) {
          throw SqlErrors.unsupportedAt(sql, columnToken.offset(), "A second condition on v");
        }
        if (append) {
          throw SqlErrors.unsupportedAt(
              sql,
              columnToken.offset(),
              "A condition on v together with an append " + "(conditional append)");
        }
        expected = o;
      }
      if (!peek().isKeyword("AND")) {
        break;
      }
      advance();
    }
    if (key == null) {
      throw SqlErrors.unsupportedAt(
          sql,
          valueStart.offset(),
          "UPDATE without a condition k = ? (rows are " + "found by key)");
    }
    if (append) {
      return new SqlStatement.Append(key, value);
    }
    return expected == null
        ? new SqlStatement.Update(key, value)
        : new SqlStatement.CompareAndSet(key, expected, value);
  }

  // DELETE FROM kv WHERE k = operand
  private SqlStatement delete() throws SQLException {
    advance();
    expectKeyword("FROM");
    table();
    if (!peek().isKeyword("WHERE")) {
      if (peek().kind() == Token.Kind.END || peek().kind() == Token.Kind.SEMICOLON) {
        throw SqlErrors.unsupportedAt(
            sql, peek().offset(), "DELETE without WHERE k = ? (deleting every row)");
      }
      throw SqlErrors.syntax(sql, peek().offset(), "expected WHERE but found " + peek().describe());
    }
    advance();
    Token columnToken = peek();
    Column c = columnRef();
    if (c != Column.K) {
      throw SqlErrors.unsupportedAt(
          sql,
          columnToken.offset(),
          "Deleting by a condition on v (write DELETE FROM kv " + "WHERE k = ?)");
    }
    if (peek().isKeyword("IN")) {
      throw SqlErrors.unsupportedAt(
          sql, peek().offset(), "IN in DELETE (one statement deletes one key)");
    }
    equalsSign();
    Operand key = operand();
    return new SqlStatement.Delete(key);
  }
}
