package io.shardkv.driver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.CallFailedException;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The real driver and SESSION_EXPIRED (docs/sessions.md), against a scripted server that keeps a
 * set of expired client ids: a write refused on its first attempt runs again under a new id; a write
 * whose earlier attempt may have been applied is reported indeterminate and not run again.
 */
class SessionExpiredClientTest {
  private static long clientOf(Request r) {
    return r instanceof Request.Put p ? p.clientId() : -1;
  }

  @Test
  void aWriteOfAnIdleClientIsRefusedOnceAndRunsAgainUnderANewClientId() throws KvException {
    Set<Long> expired = new TreeSet<>();
    List<Long> applied = new ArrayList<>();
    FastDefiniteErrorsTest.Env env = new FastDefiniteErrorsTest.Env((server, r) -> {
      if (server.startsWith("center")) return FastDefiniteErrorsTest.config(1, 1, List.of("g1:1"));
      long id = clientOf(r);
      if (expired.contains(id)) return Response.error(r.frameType(), Status.SESSION_EXPIRED, "session expired");
      applied.add(id);
      return Response.ok(r.frameType());
    });
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1"), FastDefiniteErrorsTest.OPTIONS, env)) {
      c.put("k", "1");
      long first = c.clientId();
      expired.add(first); // idle past the servers' limit
      c.put("k", "2");
      assertNotEquals(first, c.clientId());
      assertEquals(List.of(first, c.clientId()), applied, "each write applied once, the second under the new id");
    }
  }

  @Test
  void aRetryRefusedAsExpiredAfterAnAttemptWithoutReplyIsIndeterminateAndNotRunAgain() {
    Set<Long> expired = new TreeSet<>();
    List<Long> attempts = new ArrayList<>();
    FastDefiniteErrorsTest.Env env = new FastDefiniteErrorsTest.Env((server, r) -> {
      if (server.startsWith("center")) return FastDefiniteErrorsTest.config(1, 1, List.of("g1:1", "g1:2"));
      long id = clientOf(r);
      attempts.add(id);
      if (attempts.size() == 1) {
        expired.add(id); // applied, the reply lost, and then the session expired
        return new CallFailedException(CallFailedException.Kind.CONNECTION_LOST, "connection reset", null);
      }
      return expired.contains(id) ? Response.error(r.frameType(), Status.SESSION_EXPIRED, "session expired")
          : Response.ok(r.frameType());
    });
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1"), FastDefiniteErrorsTest.OPTIONS, env)) {
      long first = c.clientId();
      KvException e = assertThrows(KvException.class, () -> c.put("k", "1"));
      assertFalse(e.definite(), e.getMessage());
      assertTrue(e.getMessage().contains("session expired"), e.getMessage());
      assertEquals(2, attempts.size(), "not re-run under the new id: " + attempts);
      assertNotEquals(first, c.clientId(), "later writes use a new session");
    }
  }
}
