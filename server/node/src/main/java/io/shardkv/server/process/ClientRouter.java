package io.shardkv.server.process;

import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardHash;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Which hosted replica a client request goes to, on a server that hosts several groups. The wire
 * protocol (docs/protocol.md) does not name a group in a request, and keeps not doing so: clients
 * and drivers written for one-replica servers keep working unchanged. The group follows from the
 * request:
 * <ul>
 *   <li>config-center requests (JOIN, LEAVE, MOVE, FORCE_MOVE, QUERY) go to the group-0 replica;</li>
 *   <li>a key-value request concerns one shard (the key's {@link ShardHash}, or SCAN's shard): it goes
 *       to the hosted shard-group replica whose applied configuration gives that shard to its own
 *       group, the newest such configuration if two do (a shard moves between groups hosted on the
 *       same server); if none does, to the replica with the newest configuration, which answers
 *       WRONG_GROUP (or WRONG_LEADER) and the client refreshes its configuration and retries, as
 *       against any server.</li>
 * </ul>
 * Routing only decides who answers, never what is true: each replica still checks, under its own
 * applied state, that its group serves the shard (docs/shardkv-design.md), so a request routed by
 * a stale view is refused, not served wrongly. A server hosting one replica sends everything to it
 * (the node format's behaviour, unchanged). Pure: no I/O; called on the loop thread.
 */
final class ClientRouter {
  private ClientRouter() {}

  /**
   * Where a request goes and whether that replica may hint at its leader: {@code group} is what
   * {@link #route} answers, {@code vouched} what {@link #vouchesFor} answers for that group and its
   * applied configuration. {@link #decide} computes both from one look at the key's shard and the
   * hosted configurations (the server's per-request call).
   */
  record Route(int group, boolean vouched) {}

  /**
   * The group to hand {@code request} to, from {@code hosted} (ascending group ids, non-empty);
   * {@code configOf} gives a hosted shard group's applied configuration (null for group 0).
   */
  static int route(Request request, int shardCount, List<Integer> hosted, IntFunction<ShardConfig> configOf) {
    return decide(request, shardCount, hosted, configOf).group();
  }

  /**
   * {@link #route} and {@link #vouchesFor} in one pass: the key's shard is hashed once and each
   * hosted configuration read once. The chosen replica vouches exactly when its own applied
   * configuration gives it the shard — which is the case when, and only when, some hosted group
   * claims the shard (the owner chosen is then a claimant); a replica chosen as the newest
   * configuration's, or the only one hosted without claiming the shard, answers without a hint.
   */
  static Route decide(Request request, int shardCount, List<Integer> hosted, IntFunction<ShardConfig> configOf) {
    int shard = shardOf(request, shardCount);
    if (shard < 0) { // a config-center request, or one without a shard: every replica vouches
      if (hosted.size() == 1) return new Route(hosted.get(0), true);
      return new Route(hosted.contains(ClusterConfig.CONFIG_CENTER_GROUP) ? ClusterConfig.CONFIG_CENTER_GROUP
          : hosted.get(0), true);
    }
    if (hosted.size() == 1) {
      int only = hosted.get(0);
      return new Route(only, claims(configOf.apply(only), shard, only));
    }
    int owner = -1;
    int ownerConfig = -1;
    int newest = -1;
    int newestConfig = -1;
    for (int g : hosted) {
      if (g == ClusterConfig.CONFIG_CENTER_GROUP) continue;
      ShardConfig c = configOf.apply(g);
      int num = c == null ? -1 : c.num();
      if (num > newestConfig || newest < 0) {
        newest = g;
        newestConfig = num;
      }
      if (claims(c, shard, g) && num > ownerConfig) {
        owner = g;
        ownerConfig = num;
      }
    }
    if (owner >= 0) return new Route(owner, true);
    if (newest >= 0) return new Route(newest, false);
    // only the config center here: it answers a key-value request as it always did
    int only = hosted.get(0);
    return new Route(only, claims(configOf.apply(only), shard, only));
  }

  /**
   * Whether group {@code group}'s replica, routed {@code request}, is known to be of the group the
   * client wants, so that its WRONG_LEADER hint (its own group's leader) helps the client: always for
   * a config-center request or one without a shard; for a key-value request only if the replica's
   * applied configuration {@code applied} gives the request's shard to {@code group}. Otherwise the
   * replica may be another group's on a server the client reached for a group it also hosts (or
   * used to host), and the hint would send the client to a server of a group that does not serve it.
   */
  static boolean vouchesFor(Request request, int shardCount, int group, ShardConfig applied) {
    int shard = shardOf(request, shardCount);
    if (shard < 0) return true;
    return claims(applied, shard, group);
  }

  /** Whether {@code applied} (a group's applied configuration, null before the first) gives {@code shard} to {@code group}. */
  private static boolean claims(ShardConfig applied, int shard, int group) {
    return applied != null && shard < applied.shardCount() && applied.ownerOf(shard) == group;
  }

  /** JOIN, LEAVE, MOVE, FORCE_MOVE or QUERY: for the config center (by the request's type; no key is hashed). */
  static boolean isConfigCenterRequest(Request request) {
    return request instanceof Request.Join || request instanceof Request.Leave || request instanceof Request.Move
        || request instanceof Request.Query;
  }

  /** A request about one shard's keys: for a shard group (by the request's type; no key is hashed). */
  static boolean isKeyRequest(Request request) {
    return request instanceof Request.Get || request instanceof Request.Put || request instanceof Request.Append
        || request instanceof Request.Cas || request instanceof Request.Delete || request instanceof Request.Scan;
  }

  private static final int CONFIG_CENTER = -2;
  private static final int NONE = -1;

  /** The shard a key-value request concerns, {@link #CONFIG_CENTER} for a config-center request, else {@link #NONE}. */
  static int shardOf(Request request, int shardCount) {
    if (request instanceof Request.Get r) return ShardHash.shardOf(r.key(), shardCount);
    if (request instanceof Request.Put r) return ShardHash.shardOf(r.key(), shardCount);
    if (request instanceof Request.Append r) return ShardHash.shardOf(r.key(), shardCount);
    if (request instanceof Request.Cas r) return ShardHash.shardOf(r.key(), shardCount);
    if (request instanceof Request.Delete r) return ShardHash.shardOf(r.key(), shardCount);
    if (request instanceof Request.Scan r) return r.shard();
    if (request instanceof Request.Join || request instanceof Request.Leave || request instanceof Request.Move
        || request instanceof Request.Query) {
      return CONFIG_CENTER;
    }
    return NONE;
  }
}
