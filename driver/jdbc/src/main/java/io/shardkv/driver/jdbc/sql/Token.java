package io.shardkv.driver.jdbc.sql;

/**
 * One lexical token of a SQL string.
 *
 * @param kind what it is
 * @param text for identifiers the name as written (quotes removed, {@code ""} unescaped); for
 *     string literals the value ({@code ''} unescaped); for numbers and symbols the source text
 * @param offset 0-based character offset of the token's first character in the SQL string
 */
public record Token(Kind kind, String text, int offset) {

  public enum Kind {
    IDENTIFIER,
    QUOTED_IDENTIFIER,
    STRING,
    NUMBER,
    PARAMETER,
    LEFT_PAREN,
    RIGHT_PAREN,
    COMMA,
    EQUALS,
    STAR,
    SEMICOLON,
    CONCAT,
    DOT,
    /** Any other operator: {@code < > <= >= <> != + - / %}. */
    OPERATOR,
    END
  }

  /**
   * True for an unquoted identifier equal to {@code keyword}, ignoring case. Quoted names are never
   * keywords.
   */
  public boolean isKeyword(String keyword) {
    return kind == Kind.IDENTIFIER && text.equalsIgnoreCase(keyword);
  }

  /** True for an identifier (quoted or not). */
  public boolean isIdentifier() {
    return kind == Kind.IDENTIFIER || kind == Kind.QUOTED_IDENTIFIER;
  }

  /** How the token reads in an error message. */
  public String describe() {
    return switch (kind) {
      case END -> "the end of the statement";
      case STRING -> "the string literal '" + abbreviate(text.replace("'", "''")) + "'";
      case QUOTED_IDENTIFIER -> "the identifier \"" + abbreviate(text) + "\"";
      case IDENTIFIER -> "'" + abbreviate(text) + "'";
      case NUMBER -> "the number " + abbreviate(text);
      case PARAMETER -> "the parameter ?";
      default -> "'" + text + "'";
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
