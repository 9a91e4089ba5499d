package io.shardkv.driver.jdbc.sql;

import io.shardkv.driver.jdbc.sql.SqlStatement.Column;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The terms every statement of the subset shares, for {@link Parser}: a cursor over the tokens, the
 * table reference ({@code kv} with an optional alias), column references ({@code k}, {@code v},
 * {@code kv.k}, {@code alias.v}), operands ({@code ?}, a string literal, NULL) and the {@code =}
 * sign.
 */
abstract class TermParser {

  static final String TABLE = "kv";

  /** Clauses that may follow a complete statement but are outside the subset. */
  static final List<String> TRAILING_CLAUSES =
      List.of(
          "ORDER",
          "GROUP",
          "HAVING",
          "LIMIT",
          "OFFSET",
          "FETCH",
          "UNION",
          "INTERSECT",
          "EXCEPT",
          "FOR",
          "RETURNING",
          "WINDOW");

  static final Set<String> JOIN_WORDS =
      Set.of("JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "OUTER");

  final String sql;
  final List<Token> tokens;
  int pos;
  int parameterCount;

  /** Alias of kv in the current statement ({@code FROM kv AS t}), or null. */
  String tableAlias;

  /** True if the alias was written without AS (so a typo may have been taken for one). */
  boolean implicitTableAlias;

  TermParser(String sql, List<Token> tokens) {
    this.sql = sql;
    this.tokens = tokens;
  }

  /** The table name kv with an optional alias; any other table is 42S02. */
  void table() throws SQLException {
    Token name = expectIdentifier("the table name kv");
    if (peek().kind() == Token.Kind.DOT) {
      Token second = tokens.get(pos + 1);
      throw SqlErrors.unknownTable(sql, name.offset(), name.text() + "." + second.text());
    }
    if (!name.text().equalsIgnoreCase(TABLE)) {
      throw SqlErrors.unknownTable(sql, name.offset(), name.text());
    }
    tableAlias = null;
    implicitTableAlias = false;
    if (peek().isKeyword("AS")) {
      advance();
      tableAlias = expectIdentifier("an alias after AS").text();
    } else if (peek().kind() == Token.Kind.QUOTED_IDENTIFIER
        || peek().kind() == Token.Kind.IDENTIFIER && !isReserved(peek())) {
      tableAlias = advance().text();
      implicitTableAlias = true;
    }
  }

  boolean isReserved(Token t) {
    String w = t.text().toUpperCase(Locale.ROOT);
    return Set.of("WHERE", "SET", "VALUES", "SELECT", "DEFAULT", "ON").contains(w)
        || JOIN_WORDS.contains(w)
        || TRAILING_CLAUSES.contains(w)
        || w.equals("AND")
        || w.equals("OR");
  }

  /** A column reference {@code k}, {@code v}, {@code kv.k} or {@code alias.v}. */
  Column columnRef() throws SQLException {
    Token first = expectIdentifier("the column k or v");
    if (accept(Token.Kind.DOT)) {
      Token name = expectIdentifier("a column name after '.'");
      return resolveColumn(first, name);
    }
    return resolveColumn(null, first);
  }

  Column resolveColumn(Token qualifier, Token name) throws SQLException {
    if (qualifier != null
        && !qualifier.text().equalsIgnoreCase(TABLE)
        && !qualifier.text().equalsIgnoreCase(tableAlias == null ? TABLE : tableAlias)) {
      throw SqlErrors.unknownTable(sql, qualifier.offset(), qualifier.text());
    }
    if (name.text().equalsIgnoreCase("k")) {
      return Column.K;
    }
    if (name.text().equalsIgnoreCase("v")) {
      return Column.V;
    }
    throw SqlErrors.unknownColumn(sql, name.offset(), name.text());
  }

  /** {@code ?}, a string literal or NULL. */
  Operand operand() throws SQLException {
    Token t = peek();
    switch (t.kind()) {
      case PARAMETER -> {
        advance();
        return new Operand.Parameter(parameterCount++);
      }
      case STRING -> {
        advance();
        return new Operand.Literal(t.text());
      }
      case NUMBER ->
          throw SqlErrors.typeMismatch(
              sql,
              t.offset(),
              "k and v are VARCHAR but "
                  + t.describe()
                  + " is numeric; write it as a string literal '"
                  + t.text()
                  + "'");
      case IDENTIFIER -> {
        if (t.isKeyword("NULL")) {
          advance();
          return new Operand.Literal(null);
        }
        if (t.text().equalsIgnoreCase("k") || t.text().equalsIgnoreCase("v")) {
          throw SqlErrors.unsupportedAt(
              sql, t.offset(), "Comparing or assigning one column to another");
        }
        throw SqlErrors.syntax(
            sql,
            t.offset(),
            "expected ? or a string literal but found "
                + t.describe()
                + " (string literals are written in single quotes: '"
                + t.text()
                + "')");
      }
      case LEFT_PAREN -> {
        if (tokens.get(pos + 1).isKeyword("SELECT")) {
          throw SqlErrors.unsupportedAt(sql, t.offset(), "A subquery");
        }
        throw SqlErrors.unsupportedAt(sql, t.offset(), "A parenthesised expression");
      }
      default ->
          throw SqlErrors.syntax(
              sql, t.offset(), "expected ? or a string literal but found " + t.describe());
    }
  }

  void equalsSign() throws SQLException {
    Token t = peek();
    if (t.kind() == Token.Kind.EQUALS) {
      advance();
      return;
    }
    if (t.kind() == Token.Kind.OPERATOR
        || t.isKeyword("LIKE")
        || t.isKeyword("BETWEEN")
        || t.isKeyword("IS")
        || t.isKeyword("NOT")) {
      throw SqlErrors.unsupportedAt(
          sql,
          t.offset(),
          "The comparison "
              + t.text().toUpperCase(Locale.ROOT)
              + " (only = on k, and IN in SELECT)");
    }
    throw SqlErrors.syntax(sql, t.offset(), "expected '=' but found " + t.describe());
  }

  Token peek() {
    return tokens.get(pos);
  }

  Token advance() {
    Token t = tokens.get(pos);
    if (t.kind() != Token.Kind.END) {
      pos++;
    }
    return t;
  }

  boolean accept(Token.Kind kind) {
    if (peek().kind() == kind) {
      advance();
      return true;
    }
    return false;
  }

  void expect(Token.Kind kind, String what) throws SQLException {
    if (!accept(kind)) {
      throw SqlErrors.syntax(
          sql, peek().offset(), "expected " + what + " but found " + peek().describe());
    }
  }

  void expectKeyword(String keyword) throws SQLException {
    if (!peek().isKeyword(keyword)) {
      String hint =
          implicitTableAlias && tokens.get(pos - 1).text().equals(tableAlias)
              ? " (note: '" + tableAlias + "' was read as an alias of kv)"
              : "";
      throw SqlErrors.syntax(
          sql, peek().offset(), "expected " + keyword + " but found " + peek().describe() + hint);
    }
    advance();
  }

  Token expectIdentifier(String what) throws SQLException {
    Token t = peek();
    if (!t.isIdentifier()) {
      throw SqlErrors.syntax(sql, t.offset(), "expected " + what + " but found " + t.describe());
    }
    rejectKeywordAsName(t, what);
    return advance();
  }

  /** Keywords of the subset's statements: unquoted, they are never a table, column or alias name. */
  static final Set<String> STATEMENT_KEYWORDS =
      Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "FROM", "INTO", "WHERE", "SET", "VALUES",
          "AND", "OR", "IN", "AS", "ON");

  /**
   * Throws a syntax error (42601) when {@code t} is an unquoted statement keyword where {@code what}
   * (a name) is expected, so that {@code SELECT v FROM WHERE …} reports the missing table instead
   * of "table 'WHERE' does not exist".
   */
  void rejectKeywordAsName(Token t, String what) throws SQLException {
    if (t.kind() == Token.Kind.IDENTIFIER && STATEMENT_KEYWORDS.contains(t.text().toUpperCase(Locale.ROOT))) {
      throw SqlErrors.syntax(sql, t.offset(), "expected " + what + " but found the keyword "
          + t.text().toUpperCase(Locale.ROOT) + " (a keyword is not a name; is something missing before it?)");
    }
  }
}
