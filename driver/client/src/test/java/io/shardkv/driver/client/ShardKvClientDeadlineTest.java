package io.shardkv.driver.client;

import static io.shardkv.driver.client.ScriptedEnvironment.CONFIG_CENTER;
import static io.shardkv.driver.client.ScriptedEnvironment.START;
import static io.shardkv.driver.client.ScriptedEnvironment.ok;
import static io.shardkv.driver.client.ScriptedEnvironment.wrongLeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.ScriptedEnvironment.Answer;
import io.shardkv.driver.protocol.CallFailedException;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.Status;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: how {@link ShardKvClient} reports an operation at its deadline, with a scripted
 * transport and clock. A reply that arrived is never discarded; a write is reported as definitely
 * not applied only if every attempt was refused or never sent.
 */
class ShardKvClientDeadlineTest {
  /** 5 s per call, 1 s per attempt, backoff 10 ms doubling to 500 ms. */
  static final ClientOptions OPTIONS = new ClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(1),
      Duration.ofMillis(10), Duration.ofMillis(500), Duration.ofMillis(500));
  static final long DEADLINE = START + 5_000;
  /** When the scripted group comes back (a majority restarted) in most tests. */
  static final long BACK = START + 4_500;

  private static ShardKvClient client(ScriptedEnvironment env) {
    return ShardKvClient.withEnvironment(CONFIG_CENTER, OPTIONS, env);
  }

  private static Answer refused(ScriptedEnvironment.Sent s) {
    // A node that is down refuses the connection; the survivor has no leader to name.
    return s.server().equals("g1:1") ? Answer.after(1, wrongLeader(s.request()))
        : Answer.failing(1, CallFailedException.Kind.CONNECT_FAILED);
  }

  @Test
  void anOkThatArrivesExactlyAtTheDeadlineIsTheAnswer() throws Exception {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> s.at() < BACK ? refused(s)
        : Answer.after(DEADLINE - s.at(), ok(s.request())));
    try (ShardKvClient c = client(env)) {
      c.append("a3", "v"); // the issue: this threw "timed out after N attempt(s); not applied (… answered OK)"
    }
    assertEquals(DEADLINE, env.now, "the answer came exactly at the deadline");
    assertTrue(env.sent.size() > 10, "many refused attempts came first: " + env.sent.size());
  }

  @Test
  void anOkThatArrivesJustAfterTheDeadlineIsStillTheAnswer() throws Exception {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> s.at() < BACK ? refused(s)
        : Answer.after(DEADLINE + 30 - s.at(), ok(s.request())));
    try (ShardKvClient c = client(env)) {
      c.put("a3", "v");
    }
    assertEquals(DEADLINE + 30, env.now);
  }

  @Test
  void aReadAnsweredAtTheDeadlineReturnsTheValue() throws Exception {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> s.at() < BACK ? refused(s)
        : Answer.after(DEADLINE - s.at(), Response.value("seen")));
    try (ShardKvClient c = client(env)) {
      assertEquals(Optional.of("seen"), c.get("a3"));
    }
  }

  @Test
  void aWriteEveryAttemptOfWhichWasRefusedIsDefinitelyNotApplied() {
    ScriptedEnvironment env = new ScriptedEnvironment(ShardKvClientDeadlineTest::refused);
    try (ShardKvClient c = client(env)) {
      KvException e = assertThrows(KvException.class, () -> c.append("a3", "v"));
      assertTrue(e.definite(), e.getMessage());
      assertTrue(e.getMessage().startsWith("timed out after "), e.getMessage());
      assertTrue(e.getMessage().contains("not applied"), e.getMessage());
    }
    assertTrue(env.now >= DEADLINE);
  }

  @Test
  void aWriteWithOneUnansweredAttemptIsIndefiniteAtTheDeadline() {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> s.at() == START
        ? Answer.failing(s.timeout().toMillis(), CallFailedException.Kind.TIMEOUT) // may have been applied
        : refused(s));
    try (ShardKvClient c = client(env)) {
      KvException e = assertThrows(KvException.class, () -> c.append("a3", "v"));
      assertFalse(e.definite(), e.getMessage());
      assertTrue(e.getMessage().contains("may have been applied"), e.getMessage());
    }
  }

  @Test
  void aWriteWhoseLastAttemptIsUnansweredAtTheDeadlineIsIndefinite() {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> s.at() < BACK ? refused(s)
        : Answer.failing(DEADLINE - s.at(), CallFailedException.Kind.TIMEOUT));
    try (ShardKvClient c = client(env)) {
      KvException e = assertThrows(KvException.class, () -> c.append("a3", "v"));
      assertFalse(e.definite(), e.getMessage());
    }
  }

  @Test
  void aWriteWhoseConnectionBrokeAfterSendingIsIndefinite() {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> s.at() < BACK ? refused(s)
        : Answer.failing(5, CallFailedException.Kind.CONNECTION_LOST));
    try (ShardKvClient c = client(env)) {
      assertFalse(assertThrows(KvException.class, () -> c.append("a3", "v")).definite());
    }
  }

  @Test
  void aServerTimeoutAnswerMakesAWriteIndefinite() {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> s.at() == START
        ? Answer.after(300, Response.error(s.request().frameType(), Status.TIMEOUT, "no commit in time"))
        : refused(s));
    try (ShardKvClient c = client(env)) {
      assertFalse(assertThrows(KvException.class, () -> c.append("a3", "v")).definite());
    }
  }

  @Test
  void aWriteThatCouldNotBeHandedToAnyConnectionIsDefinitelyNotApplied() {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> {
      throw new IllegalStateException("connections closed");
    });
    try (ShardKvClient c = client(env)) {
      assertTrue(assertThrows(KvException.class, () -> c.append("a3", "v")).definite());
    }
  }

  @Test
  void aReadWithoutAnswerFailsDefinitelyBecauseReadsHaveNoEffect() {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> Answer.failing(s.timeout().toMillis(),
        CallFailedException.Kind.TIMEOUT));
    try (ShardKvClient c = client(env)) {
      assertTrue(assertThrows(KvException.class, () -> c.get("a3")).definite());
    }
  }

  @Test
  void interruptedWhileBackingOffAfterAnUnansweredAttemptIsIndefinite() {
    ScriptedEnvironment env = new ScriptedEnvironment(s -> s.at() == START
        ? Answer.failing(s.timeout().toMillis(), CallFailedException.Kind.TIMEOUT) : refused(s));
    env.interruptSleeps = true;
    try (ShardKvClient c = client(env)) {
      KvException e = assertThrows(KvException.class, () -> c.append("a3", "v"));
      assertFalse(e.definite(), e.getMessage());
      assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    }
  }

  @Test
  void interruptedWhileBackingOffAfterOnlyRefusalsIsDefinite() {
    ScriptedEnvironment env = new ScriptedEnvironment(ShardKvClientDeadlineTest::refused);
    env.interruptSleeps = true;
    try (ShardKvClient c = client(env)) {
      KvException e = assertThrows(KvException.class, () -> c.append("a3", "v"));
      assertTrue(e.definite(), e.getMessage());
      assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    }
  }
}
