package io.shardkv.driver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.CallFailedException;
import io.shardkv.driver.protocol.Configuration;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 5: errors that retrying cannot fix end a call at once, definite, saying what to do
 * — instead of being retried until the deadline and reported as "timed out after 0 attempt(s)".
 * Virtual clock: {@code elapsed} is how much of the 10 s call timeout the call used.
 */
class FastDefiniteErrorsTest {
  static final ClientOptions OPTIONS = new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(1),
      Duration.ofMillis(10), Duration.ofMillis(500), Duration.ofMillis(500));

  /** Every server answers through {@code script} after 1 ms of virtual time; sleeps advance the clock. */
  static final class Env implements ShardKvClient.Environment {
    final BiFunction<String, Request, Object> script; // a Response or a CallFailedException
    final List<String> sentTo = new ArrayList<>();
    final List<Request> requests = new ArrayList<>();
    long now = 1_000;

    Env(BiFunction<String, Request, Object> script) {
      this.script = script;
    }

    @Override
    public synchronized CompletableFuture<Response> send(String server, Request request, Duration timeout) {
      sentTo.add(server);
      requests.add(request);
      now += 1;
      Object a = script.apply(server, request);
      return a instanceof Response r ? CompletableFuture.completedFuture(r)
          : CompletableFuture.failedFuture((CallFailedException) a);
    }

    @Override
    public synchronized long nowMillis() {
      return now;
    }

    @Override
    public synchronized void sleep(long millis) {
      now += Math.max(0, millis);
    }

    long elapsed() {
      return now - 1_000;
    }
  }

  static CallFailedException refused(String server) {
    return new CallFailedException(CallFailedException.Kind.CONNECT_FAILED,
        "cannot connect to " + server + ": Connection refused", null);
  }

  static Response config(int num, int gid, List<String> servers) {
    int[] shards = new int[16];
    TreeMap<Integer, List<String>> groups = new TreeMap<>();
    if (gid != 0) {
      Arrays.fill(shards, gid);
      groups.put(gid, servers);
    }
    return new Response(FrameType.QUERY, Status.OK, new Result.Config(new Configuration(num, shards, groups)));
  }

  @Test
  void aConfigCenterThatRefusesEveryConnectionIsADefiniteErrorAtOnce() {
    Env env = new Env((server, r) -> refused(server));
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("127.0.0.1:1", "127.0.0.1:2"), OPTIONS, env)) {
      KvException e = assertThrows(KvException.class, () -> c.put("k", "v"));
      assertTrue(e.definite(), e.getMessage());
      assertTrue(e.getMessage().startsWith("cannot connect to any config-center node"), e.getMessage());
      assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
      assertFalse(e.getMessage().contains("0 attempt(s)"), e.getMessage());
      assertTrue(env.elapsed() < 1_000, "gave up after " + env.elapsed() + " ms of a 10 s timeout");
      KvException q = assertThrows(KvException.class, () -> c.query(-1));
      assertTrue(q.getMessage().startsWith("cannot connect to any config-center node"), q.getMessage());
    }
  }

  @Test
  void aShardGroupAddressGivenAsTheConfigCenterIsADefiniteErrorAtOnce() {
    Env env = new Env((server, r) -> Response.error(r.frameType(), Status.BAD_REQUEST,
        "QUERY goes to a config-center node (group 0); node 4 serves group 1"));
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("127.0.0.1:7004"), OPTIONS, env)) {
      KvException e = assertThrows(KvException.class, () -> c.get("k"));
      assertTrue(e.definite(), e.getMessage());
      assertTrue(e.getMessage().contains("127.0.0.1:7004"), e.getMessage());
      assertTrue(e.getMessage().contains("not shard-group nodes"), e.getMessage());
      assertEquals(1, env.sentTo.size(), "asked once: " + env.sentTo);
    }
  }

  @Test
  void anOperationBeforeAnyGroupJoinedSaysToRunCtlJoin() {
    Env env = new Env((server, r) -> config(0, 0, List.of()));
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1"), OPTIONS, env)) {
      KvException e = assertThrows(KvException.class, () -> c.put("k", "v"));
      assertTrue(e.definite(), e.getMessage());
      assertTrue(e.getMessage().startsWith("no group has joined yet"), e.getMessage());
      assertTrue(e.getMessage().contains("ctl --cluster ADDRS join"), e.getMessage());
      assertTrue(env.elapsed() < 1_000, "gave up after " + env.elapsed() + " ms");
    }
  }

  @Test
  void aSessionThatReachedTheClusterRidesOutAConfigCenterOutageUntilItsDeadline() {
    boolean[] down = {false};
    Env env = new Env((server, r) -> {
      if (server.startsWith("center")) return down[0] ? refused(server) : config(1, 1, List.of("g1:1"));
      return r instanceof Request.Get ? Response.value("v") : Response.wrongGroup(r.frameType(), 2);
    });
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1"), OPTIONS, env)) {
      assertEquals("v", c.get("k").orElseThrow());
      down[0] = true; // the group now says WRONG_GROUP and the config center is down: an outage
      long before = env.elapsed();
      KvException e = assertThrows(KvException.class, () -> c.put("k", "w"));
      assertTrue(env.elapsed() - before >= 9_000, "retried until the deadline: " + (env.elapsed() - before) + " ms");
      assertTrue(e.definite(), "every attempt was refused WRONG_GROUP: " + e.getMessage());
      assertTrue(e.getMessage().startsWith("timed out after "), e.getMessage());
    } catch (KvException e) {
      throw new AssertionError(e);
    }
  }

  /** Issue 11 item 6: a value over the frame limit is rejected before anything is sent. */
  @Test
  void aValueOverTheFrameLimitIsRejectedBeforeSending() {
    Env env = new Env((server, r) -> config(1, 1, List.of("g1:1")));
    String big = "x".repeat(io.shardkv.driver.protocol.Wire.DEFAULT_MAX_PAYLOAD_BYTES + 1);
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1"), OPTIONS, env)) {
      KvException e = assertThrows(KvException.class, () -> c.put("k", big));
      assertTrue(e.definite() && e.rejected(), e.getMessage());
      assertTrue(e.getMessage().startsWith("request too large: "), e.getMessage());
      assertEquals(List.of(), env.sentTo, "nothing sent");
    }
  }

  /** A frame the server refuses (an ERROR frame with BAD_REQUEST) ends the call at once, definite. */
  @Test
  void aFrameTheServerRefusesEndsTheCallDefinitely() {
    Env env = new Env((server, r) -> server.startsWith("center") ? config(1, 1, List.of("g1:1", "g1:2"))
        : CallFailedException.protocolError(new io.shardkv.driver.protocol.ProtocolError(Status.BAD_REQUEST, "frame too large")));
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1"), OPTIONS, env)) {
      KvException e = assertThrows(KvException.class, () -> c.put("k", "v"));
      assertTrue(e.definite() && e.rejected(), e.getMessage());
      assertEquals(List.of(FrameType.QUERY, FrameType.STATUS, FrameType.PUT),
          env.requests.stream().map(Request::frameType).toList(),
          "one config query, the config center's members asked once, one put: " + env.sentTo);
    }
  }
}
