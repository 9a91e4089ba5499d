package io.shardkv.driver.client;

import static io.shardkv.driver.client.ScriptedEnvironment.CONFIG_CENTER;
import static io.shardkv.driver.client.ScriptedEnvironment.START;
import static io.shardkv.driver.client.ScriptedEnvironment.ok;
import static io.shardkv.driver.client.ScriptedEnvironment.wrongLeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkv.driver.client.ScriptedEnvironment.Answer;
import io.shardkv.driver.jdbc.ConnectionSettings;
import io.shardkv.driver.jdbc.KvBackend;
import io.shardkv.driver.jdbc.KvBackendFactory;
import io.shardkv.driver.jdbc.KvBackends;
import io.shardkv.driver.jdbc.tcp.ClientKvBackend;
import io.shardkv.driver.protocol.CallFailedException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 through JDBC: the client library's outcome at the deadline maps onto SQLStates —
 * answered → an update count, definitely not applied → 08006, may have been applied → 08007.
 * The backend is the real {@link ClientKvBackend} over the scripted transport and clock.
 */
class JdbcOutcomeAtDeadlineTest {
  private static final long DEADLINE = START + 5_000;
  private static final String APPEND = "UPDATE kv SET v = v || 'x' WHERE k = 'a3'";

  private KvBackendFactory factory;

  private Connection connect(ScriptedEnvironment.Script script) throws SQLException {
    ScriptedEnvironment env = new ScriptedEnvironment(script);
    factory = new KvBackendFactory() {
      @Override
      public String name() {
        return "scripted";
      }

      @Override
      public KvBackend open(ConnectionSettings settings) {
        return new ClientKvBackend(CONFIG_CENTER, ShardKvClientDeadlineTest.OPTIONS,
            () -> ShardKvClient.withEnvironment(CONFIG_CENTER, ShardKvClientDeadlineTest.OPTIONS, env));
      }
    };
    KvBackends.register(factory);
    return DriverManager.getConnection("jdbc:shardkv://center:1?backend=scripted&timeout=5000");
  }

  @AfterEach
  void unregister() {
    if (factory != null) KvBackends.unregister(factory);
  }

  private static Answer refused(ScriptedEnvironment.Sent s) {
    return s.server().equals("g1:1") ? Answer.after(1, wrongLeader(s.request()))
        : Answer.failing(1, CallFailedException.Kind.CONNECT_FAILED);
  }

  @Test
  void anAppendAnsweredOkAtTheDeadlineCountsOneRow() throws SQLException {
    try (Connection c = connect(s -> s.at() < START + 4_500 ? refused(s)
        : Answer.after(DEADLINE - s.at(), ok(s.request())));
        Statement st = c.createStatement()) {
      assertEquals(1, st.executeUpdate(APPEND));
    }
  }

  @Test
  void anAppendRefusedUntilTheDeadlineIsDefinitelyNotApplied08006() throws SQLException {
    try (Connection c = connect(JdbcOutcomeAtDeadlineTest::refused); Statement st = c.createStatement()) {
      assertEquals("08006", assertThrows(SQLException.class, () -> st.executeUpdate(APPEND)).getSQLState());
    }
  }

  @Test
  void anAppendWhoseLastAttemptIsUnansweredAtTheDeadlineIsOutcomeUnknown08007() throws SQLException {
    try (Connection c = connect(s -> s.at() < START + 4_500 ? refused(s)
        : Answer.failing(DEADLINE - s.at(), CallFailedException.Kind.TIMEOUT));
        Statement st = c.createStatement()) {
      assertEquals("08007", assertThrows(SQLException.class, () -> st.executeUpdate(APPEND)).getSQLState());
    }
  }
}
