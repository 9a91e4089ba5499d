package io.shardkv.driver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.Status;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 3: one reachable config-center address bootstraps a session — the client learns the
 * center's other members from it (STATUS {@code members}) and keeps working once that node is gone.
 */
class ConfigCenterMembersTest {

  /** center:2 is the one address given; it reports members center:1..3 (or nothing, an older server). */
  private static FastDefiniteErrorsTest.Env cluster(AtomicBoolean center2Down, boolean reportsMembers) {
    return new FastDefiniteErrorsTest.Env((server, r) -> {
      if (server.equals("center:2") && center2Down.get()) return FastDefiniteErrorsTest.refused(server);
      if (r instanceof Request.NodeStatus) {
        Map<String, String> m = reportsMembers ? Map.of("role", "LEADER", "members", "center:1,center:2,center:3")
            : Map.of("role", "LEADER");
        return new Response(FrameType.STATUS, Status.OK, Result.Info.of(m));
      }
      if (server.equals("center:1")) return FastDefiniteErrorsTest.refused(server); // down too
      if (server.startsWith("center")) return FastDefiniteErrorsTest.config(1, 1, List.of("g1:1"));
      return r instanceof Request.Get ? Response.value("v") : Response.ok(r.frameType());
    });
  }

  @Test
  void theMembersLearnedFromTheOneAddressGivenServeOnceItIsDown() throws Exception {
    AtomicBoolean down = new AtomicBoolean(false);
    FastDefiniteErrorsTest.Env env = cluster(down, true);
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:2"), FastDefiniteErrorsTest.OPTIONS, env)) {
      assertEquals("v", c.get("k").orElseThrow());
      assertEquals(1, env.requests.stream().filter(r -> r instanceof Request.NodeStatus).count(),
          "members asked once: " + env.sentTo);
      down.set(true);
      assertEquals(1, c.query(-1).num(), "answered by center:3, learned from center:2");
      assertEquals("center:3", env.sentTo.get(env.sentTo.size() - 1), env.sentTo::toString);
      assertEquals(1, env.requests.stream().filter(r -> r instanceof Request.NodeStatus).count(),
          "members asked once a session: " + env.sentTo);
    }
  }

  /** The control: without {@code members} (an older server) the one address is all the session has. */
  @Test
  void withoutMembersTheSessionHasOnlyTheAddressGiven() throws Exception {
    AtomicBoolean down = new AtomicBoolean(false);
    FastDefiniteErrorsTest.Env env = cluster(down, false);
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:2"), FastDefiniteErrorsTest.OPTIONS, env)) {
      assertEquals("v", c.get("k").orElseThrow());
      down.set(true);
      KvException e = assertThrows(KvException.class, () -> c.query(-1));
      assertTrue(!env.sentTo.contains("center:3"), env.sentTo::toString);
      assertTrue(e.getMessage().contains("center:2"), e.getMessage());
    }
  }

  /**
   * Issue 16 (sim shardkv --membership seed 5847): the config center's members were replaced after
   * the session learned them; the servers it knows are removed but still up, hear from no leader and
   * answer WRONG_LEADER without a hint. Out of leads, the session asks one of them for the members it
   * knows (its last configuration, without itself) and reaches the new leader through them.
   */
  @Test
  void aSessionThatKnowsOnlyRemovedMembersFindsTheCurrentOnesThroughThem() throws Exception {
    AtomicBoolean replaced = new AtomicBoolean(false);
    FastDefiniteErrorsTest.Env env = new FastDefiniteErrorsTest.Env((server, r) -> {
      boolean old = List.of("center:0", "center:1", "center:2").contains(server);
      if (r instanceof Request.NodeStatus) {
        String members = replaced.get() ? "center:8,center:7" : "center:0,center:1,center:2";
        return new Response(FrameType.STATUS, Status.OK, Result.Info.of(Map.of("group", "0", "members", members)));
      }
      if (server.equals("center:8")) return FastDefiniteErrorsTest.refused(server); // a new member, down
      if (old && replaced.get()) return Response.wrongLeader(r.frameType(), -1, "");
      if (server.startsWith("center")) return FastDefiniteErrorsTest.config(2, 1, List.of("g1:1"));
      return r instanceof Request.Get ? Response.value("v") : Response.ok(r.frameType());
    });
    try (ShardKvClient c = ShardKvClient.withEnvironment(List.of("center:0", "center:1", "center:2"),
        FastDefiniteErrorsTest.OPTIONS, env)) {
      assertEquals("v", c.get("k").orElseThrow());
      replaced.set(true);
      assertEquals(2, c.query(-1).num(), "answered by center:7: " + env.sentTo);
      assertEquals("center:7", env.sentTo.get(env.sentTo.size() - 1), env.sentTo::toString);
    }
  }
}
