package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stdin quoting rule of {@code shardkv client}, as docs/real-cluster.md states it. */
class InputLineTest {

  @Test
  void blanksSeparateWords() {
    assertEquals(List.of("get", "k"), InputLine.words("  get \t k  "));
  }

  @Test
  void singleQuotesAreLiteralAndKeepSpaces() {
    assertEquals(List.of("get", "key with space"), InputLine.words("get 'key with space'"));
    assertEquals(List.of("get", "a\\b\"c"), InputLine.words("get 'a\\b\"c'"));
  }

  @Test
  void doubleQuotesKnowOnlyTheTwoEscapes() {
    assertEquals(List.of("get", "say \"hi\" \\ \\n"), InputLine.words("get \"say \\\"hi\\\" \\\\ \\n\""));
  }

  @Test
  void aBackslashOutsideQuotesMakesTheNextCharacterLiteral() {
    assertEquals(List.of("get", "key with space"), InputLine.words("get key\\ with\\ space"));
  }

  @Test
  void adjacentPartsMakeOneWordAndEmptyQuotesAreTheEmptyWord() {
    assertEquals(List.of("a", "b c", ""), InputLine.words("a \"b\"' c' ''"));
  }

  @Test
  void putValueIsOneQuotedWordOrElseTheLiteralRestOfTheLine() {
    assertEquals(List.of("put", "k", "hello world"), InputLine.opKeyRest("put k hello world  "));
    assertEquals(List.of("put", "k k", "v v"), InputLine.opKeyRest("put 'k k' \"v v\""));
    assertEquals(List.of("put", "k", "'a' b"), InputLine.opKeyRest("put k 'a' b"));
    assertEquals(List.of("put", "k"), InputLine.opKeyRest("put k   "));
  }

  @Test
  void anUnterminatedQuoteNamesItsColumn() {
    InputLine.QuoteException e = assertThrows(InputLine.QuoteException.class, () -> InputLine.words("get 'abc"));
    assertTrue(e.getMessage().contains("column 5"), e.getMessage());
    assertThrows(InputLine.QuoteException.class, () -> InputLine.words("get \"abc\\\""));
    assertThrows(InputLine.QuoteException.class, () -> InputLine.words("get abc\\"));
  }
}
