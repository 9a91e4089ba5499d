package io.shardkv.driver.jdbc.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {

  private static List<Token.Kind> kinds(String sql) throws SQLException {
    return Lexer.tokenize(sql).stream().map(Token::kind).toList();
  }

  @Test
  void tokensCarryTheirKindTextAndOffset() throws SQLException {
    List<Token> t = Lexer.tokenize("UPDATE kv SET v = v || ? WHERE k = 'a''b'");
    assertEquals(
        List.of(
            Token.Kind.IDENTIFIER,
            Token.Kind.IDENTIFIER,
            Token.Kind.IDENTIFIER,
            Token.Kind.IDENTIFIER,
            Token.Kind.EQUALS,
            Token.Kind.IDENTIFIER,
            Token.Kind.CONCAT,
            Token.Kind.PARAMETER,
            Token.Kind.IDENTIFIER,
            Token.Kind.IDENTIFIER,
            Token.Kind.EQUALS,
            Token.Kind.STRING,
            Token.Kind.END),
        t.stream().map(Token::kind).toList());
    assertEquals("a'b", t.get(11).text());
    assertEquals(35, t.get(11).offset());
    assertEquals(20, t.get(6).offset());
  }

  @Test
  void unicodeLettersFormIdentifiers() throws SQLException {
    List<Token> t = Lexer.tokenize("ключ_1 \"名 前\"");
    assertEquals("ключ_1", t.get(0).text());
    assertEquals(Token.Kind.QUOTED_IDENTIFIER, t.get(1).kind());
    assertEquals("名 前", t.get(1).text());
  }

  @Test
  void quotedIdentifiersAreNeverKeywords() throws SQLException {
    List<Token> t = Lexer.tokenize("select \"select\"");
    assertTrue(t.get(0).isKeyword("SELECT"));
    assertFalse(t.get(1).isKeyword("SELECT"));
  }

  @Test
  void commentsAndWhitespaceVanish() throws SQLException {
    assertEquals(
        List.of(Token.Kind.PARAMETER, Token.Kind.PARAMETER, Token.Kind.END),
        kinds("  ? -- a line comment ?\n /* a ? block */ ?  -- end"));
  }

  @Test
  void operatorsOutsideTheSubsetStillLexSoTheParserCanNameThem() throws SQLException {
    List<Token> t = Lexer.tokenize("< <= <> != >= > + - / % 1.5e3 .5");
    assertEquals(
        List.of("<", "<=", "<>", "!=", ">=", ">", "+", "-", "/", "%"),
        t.subList(0, 10).stream().map(Token::text).toList());
    assertEquals(Token.Kind.NUMBER, t.get(10).kind());
    assertEquals("1.5e3", t.get(10).text());
    assertEquals(".5", t.get(11).text());
  }
}
