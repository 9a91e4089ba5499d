package io.shardkv.driver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.FastDefiniteErrorsTest.Env;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When "every config-center node refuses the connection" fails a call at once and when it is an
 * outage to ride out (virtual clock: {@code elapsed} is how much of the 10 s call timeout was used).
 * A session fails fast only if it asked to ({@link ClientOptions#failFastUntilReached}, the default:
 * a mistyped address list gets a quick, clear error) and neither it nor any other session over the
 * same {@link Connections} ever reached the cluster. Otherwise refusals are retried with backoff
 * within the call's timeout: after a power loss of every host, a fresh session's reads wait for the
 * servers to boot instead of all failing together.
 */
class RefusedConnectionsRuleTest {
  static final ClientOptions OPTIONS = FastDefiniteErrorsTest.OPTIONS;

  /** The config center refuses every connection until {@code upAt} (virtual ms), then serves one group. */
  static Env upAt(long upAt) {
    Env[] self = new Env[1];
    self[0] = new Env((server, r) -> {
      if (self[0].now < upAt) return FastDefiniteErrorsTest.refused(server);
      if (server.startsWith("center")) return FastDefiniteErrorsTest.config(1, 1, List.of("g1:1"));
      return r instanceof Request.Get ? Response.value("v") : Response.ok(r.frameType());
    });
    return self[0];
  }

  @Test
  void theDefaultIsStillToFailFastWhileNoSessionEverReachedTheCluster() {
    Env env = upAt(Long.MAX_VALUE);
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1", "center:2"), OPTIONS, env)) {
      KvException e = assertThrows(KvException.class, () -> c.get("k"));
      assertTrue(e.getMessage().startsWith("cannot connect to any config-center node"), e.getMessage());
      assertTrue(env.elapsed() < 1_000, "gave up after " + env.elapsed() + " ms");
    }
  }

  @Test
  void aSessionThatDoesNotFailFastWaitsForAClusterThatIsStillBooting() throws KvException {
    Env env = upAt(1_000 + 3_000);
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1", "center:2"),
        OPTIONS.withFailFastUntilReached(false), env)) {
      assertEquals("v", c.get("k").orElseThrow());
      assertTrue(env.elapsed() >= 3_000, "answered once the cluster was up: " + env.elapsed() + " ms");
      assertTrue(env.elapsed() < 10_000, "within the call's timeout: " + env.elapsed() + " ms");
    }
  }

  @Test
  void aFreshSessionOverConnectionsThatReachedTheClusterRidesOutRefusalsEvenWithTheDefault() throws KvException {
    Connections shared = new Connections(Duration.ofMillis(500));
    long[] upAt = {0};
    Env[] self = new Env[1];
    self[0] = new Env((server, r) -> {
      if (self[0].now < upAt[0]) return FastDefiniteErrorsTest.refused(server);
      if (server.startsWith("center")) return FastDefiniteErrorsTest.config(1, 1, List.of("g1:1"));
      return Response.value("v");
    });
    Env env = self[0];
    try (ShardKvClient first = ShardKvClient.withEnvironment(List.of("center:1"), OPTIONS, env, shared)) {
      assertFalse(shared.reachedCluster());
      assertEquals("v", first.get("k").orElseThrow());
      assertTrue(shared.reachedCluster(), "an answered session marks its connections");
    }
    upAt[0] = env.now + 4_000; // every host lost power; the servers boot for 4 s
    long before = env.now;
    try (ShardKvClient fresh = ShardKvClient.withEnvironment(List.of("center:1"), OPTIONS, env, shared)) {
      assertEquals("v", fresh.get("k").orElseThrow());
      assertTrue(env.now - before >= 4_000, "retried until the servers were up: " + (env.now - before) + " ms");
    }
  }

  @Test
  void refusalsUntilTheDeadlineEndAsATimeoutThatSaysNothingWasApplied() {
    Env env = upAt(Long.MAX_VALUE);
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1", "center:2"),
        OPTIONS.withFailFastUntilReached(false), env)) {
      KvException e = assertThrows(KvException.class, () -> c.put("k", "v"));
      assertTrue(env.elapsed() >= 9_000, "retried until the deadline: " + env.elapsed() + " ms");
      assertFalse(e.getMessage().startsWith("cannot connect"), e.getMessage());
      assertTrue(e.getMessage().startsWith("timed out"), e.getMessage());
      assertTrue(e.getMessage().contains("Connection refused"), "says why: " + e.getMessage());
      // A refused connection delivered nothing: the write certainly did not apply (Jepsen :fail).
      assertTrue(e.definite(), e.getMessage());
      assertFalse(e.rejected(), "unavailable, not a bad request: " + e.getMessage());
    }
  }
}
