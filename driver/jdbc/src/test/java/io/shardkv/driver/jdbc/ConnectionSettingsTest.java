package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionSettingsTest {

  @Test
  void hostListIsParsedInOrderWithPorts() throws SQLException {
    ConnectionSettings s =
        ConnectionSettings.parse(
            "jdbc:shardkv://10.0.0.1:7000,node-b.example:7001,[::1]:7002/", null);
    assertEquals(
        List.of(
            new ConnectionSettings.Endpoint("10.0.0.1", 7000),
            new ConnectionSettings.Endpoint("node-b.example", 7001),
            new ConnectionSettings.Endpoint("::1", 7002)),
        s.endpoints());
    assertEquals("[::1]:7002", s.endpoints().get(2).toString());
  }

  @Test
  void defaultsApplyWhenNothingIsGiven() throws SQLException {
    ConnectionSettings s = ConnectionSettings.parse("jdbc:shardkv://h:1", null);
    assertEquals(Duration.ofMillis(5000), s.timeout());
    assertEquals(Duration.ofMillis(10000), s.connectTimeout());
    assertEquals(3, s.retries());
    assertTrue(s.backend().isEmpty());
  }

  @Test
  void queryPropertiesAcceptUnitsAndAnyCaseOfTheKey() throws SQLException {
    ConnectionSettings s =
        ConnectionSettings.parse(
            "jdbc:shardkv://h:1?timeout=2s&CONNECTTIMEOUT=750ms&retries=0&backend=memory", null);
    assertEquals(Duration.ofSeconds(2), s.timeout());
    assertEquals(Duration.ofMillis(750), s.connectTimeout());
    assertEquals(0, s.retries());
    assertEquals("memory", s.backend().orElseThrow());
  }

  @Test
  void urlValuesWinOverPropertiesAndUnknownPropertiesAreIgnored() throws SQLException {
    Properties info = new Properties();
    info.setProperty("timeout", "100");
    info.setProperty("retries", "7");
    info.setProperty("user", "someone");
    info.setProperty("password", "secret");
    ConnectionSettings s = ConnectionSettings.parse("jdbc:shardkv://h:1?timeout=200", info);
    assertEquals(Duration.ofMillis(200), s.timeout());
    assertEquals(7, s.retries());
  }

  @Test
  void percentEncodedValuesAreDecoded() throws SQLException {
    assertEquals(
        "my backend",
        ConnectionSettings.parse("jdbc:shardkv://h:1?backend=my%20backend", null)
            .backend()
            .orElseThrow());
  }

  @Test
  void onlyTheShardKvPrefixIsRecognised() {
    assertTrue(ConnectionSettings.isShardKvUrl("jdbc:shardkv://h:1"));
    assertTrue(ConnectionSettings.isShardKvUrl("JDBC:ShardKV:garbage"));
    assertFalse(ConnectionSettings.isShardKvUrl("jdbc:postgresql://h/db"));
    assertFalse(ConnectionSettings.isShardKvUrl(null));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '"',
      textBlock =
          """
          jdbc:shardkv:h:1                         | '//' must follow
          jdbc:shardkv://                          | empty
          jdbc:shardkv://h:1,,h:2                  | empty entry
          jdbc:shardkv://host                      | has no port
          jdbc:shardkv://host:http                 | is not a number
          jdbc:shardkv://host:0                    | outside 1..65535
          jdbc:shardkv://host:65536                | outside 1..65535
          jdbc:shardkv://:7000                     | empty host name
          jdbc:shardkv://::1:7000                  | must be in brackets
          jdbc:shardkv://[::1]7000                 | [address]:port
          jdbc:shardkv://ho st:7000                | contains the character ' '
          jdbc:shardkv://h:1/db                    | path after the host list
          jdbc:shardkv://h:1?timout=5              | unknown property 'timout'
          jdbc:shardkv://h:1?timeout               | not of the form key=value
          jdbc:shardkv://h:1?timeout=soon          | Invalid value 'soon' for property timeout
          jdbc:shardkv://h:1?timeout=0             | Invalid value '0' for property timeout
          jdbc:shardkv://h:1?connectTimeout=-5     | Invalid value '-5' for property connectTimeout
          jdbc:shardkv://h:1?retries=-1            | Invalid value '-1' for property retries
          jdbc:shardkv://h:1?backend=%zz           | not valid percent-encoding
          """)
  void malformedUrlIsRejectedWithTheExpectedForm(String url, String problem) {
    SQLException e = assertThrows(SQLException.class, () -> ConnectionSettings.parse(url, null));
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains(url), e.getMessage());
    if (!problem.startsWith("Invalid value")) {
      assertTrue(
          e.getMessage().contains("Expected jdbc:shardkv://host:port[,host:port...]"),
          e.getMessage());
    }
  }
}
