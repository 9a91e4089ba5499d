package io.shardkv.driver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.driver.client.FastDefiniteErrorsTest.Env;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientOptions#home}: a home-bound session asks its home's server first on every key
 * operation (and so hears a server that wrongly believes it leads); a session without a home follows
 * the leader. Scripted cluster: h1 leads and answers "fresh"; h2 believes it still leads and answers
 * "stale"; h3 is a follower that redirects to h1.
 */
class HomeBoundClientTest {
  private static final List<String> GROUP = List.of("h1:7000", "h2:7000", "h3:7000");

  private static Env cluster() {
    return new Env((server, r) -> {
      if (server.startsWith("center")) return FastDefiniteErrorsTest.config(1, 1, GROUP);
      return switch (server) {
        case "h1:7000" -> Response.value("fresh");
        case "h2:7000" -> Response.value("stale");
        default -> Response.wrongLeader(FrameType.GET, 1, "h1:7000");
      };
    });
  }

  private static List<String> groupSends(Env env) {
    return env.sentTo.stream().filter(s -> s.startsWith("h")).toList();
  }

  @Test
  void aSessionWithoutAHomeFollowsTheLeader() throws KvException {
    Env env = cluster();
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1"), FastDefiniteErrorsTest.OPTIONS, env)) {
      assertEquals("fresh", c.get("k").orElseThrow());
      assertEquals("fresh", c.get("k").orElseThrow());
      assertEquals(List.of("h1:7000", "h1:7000"), groupSends(env));
    }
  }

  @Test
  void aSessionBoundToAHostAsksThatHostsServerFirstOnEveryCall() throws KvException {
    Env env = cluster();
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1"),
        FastDefiniteErrorsTest.OPTIONS.withHome("h2"), env)) {
      assertEquals("stale", c.get("k").orElseThrow());
      assertEquals("stale", c.get("k").orElseThrow());
      assertEquals(List.of("h2:7000", "h2:7000"), groupSends(env));
    }
  }

  @Test
  void aSessionBoundToAFollowerIsRedirectedWithinTheCallAndStartsAtHomeAgain() throws KvException {
    Env env = cluster();
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:1"),
        FastDefiniteErrorsTest.OPTIONS.withHome("h3:7000"), env)) {
      assertEquals("fresh", c.get("k").orElseThrow());
      assertEquals("fresh", c.get("k").orElseThrow());
      assertEquals(List.of("h3:7000", "h1:7000", "h3:7000", "h1:7000"), groupSends(env));
    }
  }

  @Test
  void theOptionsKeepTheirOtherSettingsAndTheDefaultsFollowTheLeaderAndFailFast() {
    ClientOptions o = ClientOptions.defaults().withHome("h2").withFailFastUntilReached(false);
    assertEquals("h2", o.home());
    assertEquals(ClientOptions.defaults().callTimeout(), o.callTimeout());
    assertEquals(null, ClientOptions.defaults().home());
    assertEquals(true, ClientOptions.defaults().failFastUntilReached());
    assertEquals(null, ClientOptions.defaults().withHome(" ").home(), "blank: no home");
    assertEquals("h2", o.withCallTimeout(java.time.Duration.ofSeconds(3)).withAttemptTimeout(java.time.Duration.ofMillis(300)).home());
  }
}
