package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardHash;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * How a server hosting several groups picks the replica for a client request (no group on the wire):
 * config-center requests to group 0; a key's request to the hosted group whose applied configuration
 * gives it the key's shard, the newest such configuration winning; else to the newest configuration's
 * replica, which answers WRONG_GROUP.
 */
class ClientRouterTest {
  static final int SHARDS = 4;
  static final List<Integer> HOSTED = List.of(0, 1, 2);

  /** Configuration {@code num} giving shard i to owners[i]. */
  static ShardConfig config(int num, int... owners) {
    Map<Integer, List<String>> groups = new TreeMap<>();
    for (int o : owners) if (o != 0) groups.put(o, List.of("h:1"));
    return new ShardConfig(num, owners, groups);
  }

  static String keyOfShard(int shard) {
    for (int i = 0; ; i++) if (ShardHash.shardOf("k" + i, SHARDS) == shard) return "k" + i;
  }

  static int route(Request r, Map<Integer, ShardConfig> configs) {
    return ClientRouter.route(r, SHARDS, HOSTED, configs::get);
  }

  @Test
  void configCenterRequestsGoToGroupZero() {
    Map<Integer, ShardConfig> c = Map.of(1, config(1, 1, 1, 2, 2), 2, config(1, 1, 1, 2, 2));
    assertEquals(0, route(new Request.Query(-1), c));
    assertEquals(0, route(new Request.Leave(1, 1, List.of(1)), c));
    assertEquals(0, route(new Request.Move(1, 1, 0, 2, false), c));
  }

  @Test
  void aKeyGoesToTheHostedGroupThatOwnsItsShard() {
    Map<Integer, ShardConfig> c = Map.of(1, config(1, 1, 1, 2, 2), 2, config(1, 1, 1, 2, 2));
    assertEquals(1, route(new Request.Get(1, 1, keyOfShard(0)), c));
    assertEquals(2, route(new Request.Put(1, 1, keyOfShard(3), "v"), c));
    assertEquals(2, route(new Request.Scan(2, "", null, 10), c));
  }

  @Test
  void whileAShardMovesBetweenHostedGroupsTheNewestConfigurationDecides() {
    // Group 1 has applied configuration 2 (shard 0 now belongs to group 2); group 2 is still at 1.
    Map<Integer, ShardConfig> c = Map.of(1, config(2, 2, 1, 2, 2), 2, config(1, 1, 1, 2, 2));
    assertEquals(1, route(new Request.Get(1, 1, keyOfShard(0)), c),
        "no hosted replica claims shard 0 now: the newest configuration's replica answers (WRONG_GROUP) and the client retries");
    // Group 2 has applied configuration 2 too and claims it.
    Map<Integer, ShardConfig> both = Map.of(1, config(2, 2, 1, 2, 2), 2, config(2, 2, 1, 2, 2));
    assertEquals(2, route(new Request.Get(1, 1, keyOfShard(0)), both));
    // Group 1 still at configuration 1 claims it, group 2 at 2 claims it: the newer claim wins.
    Map<Integer, ShardConfig> stale = Map.of(1, config(1, 1, 1, 2, 2), 2, config(2, 2, 1, 2, 2));
    assertEquals(2, route(new Request.Get(1, 1, keyOfShard(0)), stale));
  }

  @Test
  void aShardNoHostedGroupOwnsGoesToTheNewestReplicaWhichAnswersWrongGroup() {
    Map<Integer, ShardConfig> c = new HashMap<>(Map.of(1, config(3, 5, 5, 1, 1), 2, config(4, 5, 5, 1, 1)));
    assertEquals(2, route(new Request.Get(1, 1, keyOfShard(0)), c));
  }

  @Test
  void aServerHostingOneReplicaSendsEverythingToIt() {
    assertEquals(3, ClientRouter.route(new Request.Query(-1), SHARDS, List.of(3), g -> null));
    assertEquals(0, ClientRouter.route(new Request.Get(1, 1, "k"), SHARDS, List.of(0), g -> null),
        "a config-center-only server answers key requests as it always did (BAD_REQUEST from its front door)");
  }

  /**
   * Lab, set-power seed 14101: a server hosting groups 1 and 2 sent a request for group 2's shard to
   * its group-1 replica (group 2's replica had not applied the configuration yet). Group 1's answer
   * named group 1's leader as the leader hint, and the client added that server to group 2's list.
   * A replica vouches for a key's request only when its applied configuration gives it the shard.
   */
  @Test
  void onlyAReplicaWhoseConfigurationGivesItTheShardMayHintAtItsLeader() {
    ShardConfig groupOneView = config(3, 2, 1, 2, 2);
    Request forShardZero = new Request.Get(1, 1, keyOfShard(0));
    assertEquals(1, route(forShardZero, Map.of(1, groupOneView, 2, config(1, 1, 1, 2, 2))),
        "group 2 lags: neither claims shard 0, the newest configuration's replica (group 1) answers");
    assertFalse(ClientRouter.vouchesFor(forShardZero, SHARDS, 1, groupOneView), "shard 0 is group 2's now");
    assertTrue(ClientRouter.vouchesFor(forShardZero, SHARDS, 2, config(3, 2, 1, 2, 2)));
    assertFalse(ClientRouter.vouchesFor(forShardZero, SHARDS, 2, null), "no configuration applied yet");
    assertTrue(ClientRouter.vouchesFor(new Request.Get(1, 1, keyOfShard(1)), SHARDS, 1, groupOneView));
    assertTrue(ClientRouter.vouchesFor(new Request.Query(-1), SHARDS, 0, null),
        "config-center requests go to group 0, whose leader is the one the client wants");
  }
  /**
   * The server's one call per request (ClientRouter.decide) picks the replica {@link ClientRouter#route}
   * picks and vouches exactly when {@link ClientRouter#vouchesFor} does for it: every request kind,
   * every hosted set, and every combination of applied configurations (none, owning, not owning, older, newer).
   */
  @Test
  void oneDecisionGivesTheRouteAndTheHintRuleTogether() {
    List<ShardConfig> views = new java.util.ArrayList<>(java.util.Arrays.asList(
        null, config(1, 1, 1, 2, 2), config(2, 2, 1, 2, 2), config(3, 5, 5, 1, 1), config(4, 2, 2, 2, 2)));
    List<Request> requests = List.of(new Request.Get(1, 1, keyOfShard(0)), new Request.Put(1, 1, keyOfShard(2), "v"),
        new Request.Scan(3, "", null, 10), new Request.Query(-1), new Request.Ping());
    List<List<Integer>> hostedSets = List.of(List.of(0, 1, 2), List.of(1, 2), List.of(0, 1), List.of(1), List.of(0));
    int checked = 0;
    for (List<Integer> hosted : hostedSets) {
      for (ShardConfig one : views) {
        for (ShardConfig two : views) {
          Map<Integer, ShardConfig> c = new HashMap<>();
          c.put(1, one);
          c.put(2, two);
          for (Request r : requests) {
            ClientRouter.Route d = ClientRouter.decide(r, SHARDS, hosted, c::get);
            int group = ClientRouter.route(r, SHARDS, hosted, c::get);
            assertEquals(group, d.group(), r + " on " + hosted + " with " + c);
            assertEquals(ClientRouter.vouchesFor(r, SHARDS, group, c.get(group)), d.vouched(), r + " on " + hosted + " with " + c);
            checked++;
          }
        }
      }
    }
    assertEquals(5 * 5 * 5 * 5, checked);
  }

  /** The set-power seed 14101 case through the one call: the lagging view's replica answers, without a hint. */
  @Test
  void theReplicaChosenForAShardNoHostedGroupClaimsDoesNotVouch() {
    Map<Integer, ShardConfig> c = Map.of(1, config(3, 2, 1, 2, 2), 2, config(1, 1, 1, 2, 2));
    ClientRouter.Route d = ClientRouter.decide(new Request.Get(1, 1, keyOfShard(0)), SHARDS, HOSTED, c::get);
    assertEquals(1, d.group());
    assertFalse(d.vouched(), "shard 0 is group 2's in group 1's view, and group 2 has not applied it yet");
    ClientRouter.Route owner = ClientRouter.decide(new Request.Get(1, 1, keyOfShard(1)), SHARDS, HOSTED, c::get);
    assertEquals(1, owner.group());
    assertTrue(owner.vouched());
    assertTrue(ClientRouter.decide(new Request.Query(-1), SHARDS, HOSTED, c::get).vouched());
  }
}
