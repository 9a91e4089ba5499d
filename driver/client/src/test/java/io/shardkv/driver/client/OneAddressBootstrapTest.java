package io.shardkv.driver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 3: a client given one address of the config center — a follower — finds the leader
 * through its hint, although the leader is not on the list it was given.
 */
class OneAddressBootstrapTest {

  @Test
  void aFollowersHintToALeaderOutsideTheListIsFollowed() throws Exception {
    FastDefiniteErrorsTest.Env env = new FastDefiniteErrorsTest.Env((server, r) -> {
      if (server.equals("center:2")) return Response.wrongLeader(r.frameType(), 1, "center:1");
      if (server.equals("center:1")) return FastDefiniteErrorsTest.config(1, 1, List.of("g1:1", "g1:2"));
      if (server.equals("g1:1")) return Response.wrongLeader(r.frameType(), 3, "g1:3");
      return r instanceof Request.Get ? Response.value("v") : Response.ok(r.frameType());
    });
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:2"), FastDefiniteErrorsTest.OPTIONS, env)) {
      assertEquals("v", c.get("k").orElseThrow());
      assertTrue(env.sentTo.contains("center:1"), env.sentTo::toString);
      assertTrue(env.sentTo.contains("g1:3"), "a group's hint outside its config list is followed too: " + env.sentTo);
      assertTrue(env.elapsed() < 100, "no backoff needed: " + env.elapsed() + " ms");
      c.put("k", "w");
      assertEquals(1, c.query(-1).num());
    }
  }
}
