package io.shardkv.driver.jdbc.sql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL string into {@link Token}s. Handles {@code 'string'} literals with {@code ''}
 * escapes, {@code "quoted"} identifiers with {@code ""} escapes, {@code --} line comments and
 * {@code /* *}{@code /} block comments, Unicode letters in identifiers, numbers, {@code ?}
 * parameters and the operators of the subset. A malformed input raises 42601 with its position.
 */
public final class Lexer {

  private final String sql;
  private int pos;

  private Lexer(String sql) {
    this.sql = sql;
  }

  /** All tokens of {@code sql}, ending with one {@link Token.Kind#END} token. */
  public static List<Token> tokenize(String sql) throws SQLException {
    return new Lexer(sql).run();
  }

  private List<Token> run() throws SQLException {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      if (pos >= sql.length()) {
        tokens.add(new Token(Token.Kind.END, "", sql.length()));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private void skipSpaceAndComments() throws SQLException {
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '-' && peek(1) == '-') {
        while (pos < sql.length() && sql.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == '/' && peek(1) == '*') {
        int start = pos;
        int end = sql.indexOf("*/", pos + 2);
        if (end < 0) {
          throw SqlErrors.syntax(sql, start, "the comment starting here is never closed with */");
        }
        pos = end + 2;
      } else {
        return;
      }
    }
  }

  private Token next() throws SQLException {
    int start = pos;
    char c = sql.charAt(pos);
    switch (c) {
      case '\'':
        return new Token(Token.Kind.STRING, quoted('\'', "string literal"), start);
      case '"':
        String name = quoted('"', "quoted identifier");
        if (name.isEmpty()) {
          throw SqlErrors.syntax(sql, start, "an empty quoted identifier \"\" is not a name");
        }
        return new Token(Token.Kind.QUOTED_IDENTIFIER, name, start);
      case '?':
        return symbol(Token.Kind.PARAMETER, 1);
      case '(':
        return symbol(Token.Kind.LEFT_PAREN, 1);
      case ')':
        return symbol(Token.Kind.RIGHT_PAREN, 1);
      case ',':
        return symbol(Token.Kind.COMMA, 1);
      case '*':
        return symbol(Token.Kind.STAR, 1);
      case ';':
        return symbol(Token.Kind.SEMICOLON, 1);
      case '=':
        return symbol(Token.Kind.EQUALS, 1);
      case '.':
        if (Character.isDigit(peek(1))) {
          return number();
        }
        return symbol(Token.Kind.DOT, 1);
      case '|':
        if (peek(1) == '|') {
          return symbol(Token.Kind.CONCAT, 2);
        }
        break;
      case '<':
        return symbol(Token.Kind.OPERATOR, peek(1) == '=' || peek(1) == '>' ? 2 : 1);
      case '>':
      case '!':
        if (c == '>' || peek(1) == '=') {
          return symbol(Token.Kind.OPERATOR, peek(1) == '=' ? 2 : 1);
        }
        break;
      case '+':
      case '-':
      case '/':
      case '%':
        return symbol(Token.Kind.OPERATOR, 1);
      default:
        if (Character.isDigit(c)) {
          return number();
        }
        if (Character.isLetter(c) || c == '_') {
          while (pos < sql.length()
              && (Character.isLetterOrDigit(sql.charAt(pos))
                  || sql.charAt(pos) == '_'
                  || sql.charAt(pos) == '$')) {
            pos++;
          }
          return new Token(Token.Kind.IDENTIFIER, sql.substring(start, pos), start);
        }
    }
    String shown = new String(Character.toChars(sql.codePointAt(pos)));
    throw SqlErrors.syntax(
        sql,
        start,
        "unexpected character '"
            + shown
            + "'"
            + (c == '`' ? " (quote identifiers with double quotes: \"kv\")" : ""));
  }

  private Token symbol(Token.Kind kind, int length) {
    Token t = new Token(kind, sql.substring(pos, pos + length), pos);
    pos += length;
    return t;
  }

  private Token number() {
    int start = pos;
    while (pos < sql.length() && (Character.isDigit(sql.charAt(pos)) || sql.charAt(pos) == '.')) {
      pos++;
    }
    if (pos < sql.length() && (sql.charAt(pos) == 'e' || sql.charAt(pos) == 'E')) {
      pos++;
      if (pos < sql.length() && (sql.charAt(pos) == '+' || sql.charAt(pos) == '-')) {
        pos++;
      }
      while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
        pos++;
      }
    }
    return new Token(Token.Kind.NUMBER, sql.substring(start, pos), start);
  }

  /** Reads a literal delimited by {@code quote} where a doubled quote stands for one quote. */
  private String quoted(char quote, String what) throws SQLException {
    int start = pos;
    StringBuilder sb = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= sql.length()) {
        throw SqlErrors.syntax(
            sql,
            start,
            "the "
                + what
                + " starting here is never closed with "
                + quote
                + (quote == '\'' ? " (write a quote inside a literal as '')" : ""));
      }
      char c = sql.charAt(pos++);
      if (c == quote) {
        if (pos < sql.length() && sql.charAt(pos) == quote) {
          sb.append(quote);
          pos++;
        } else {
          return sb.toString();
        }
      } else {
        sb.append(c);
      }
    }
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < sql.length() ? sql.charAt(i) : '\0';
  }
}
