package io.shardkv.driver.client;

import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Learning the config center's members from one of them (issue 11, item 3): a session asks the first
 * config-center node that answers it for its STATUS and reads {@code members} (the group's client
 * addresses, docs/protocol.md §5.3), so that one reachable address bootstraps the session and it
 * survives that node going down — as etcd's clients learn the member list. The same ask, for any
 * group, answers a call's {@code CallStep.FetchMembers} when it is out of leads (issue 16).
 */
final class ConfigCenterMembers {
  private ConfigCenterMembers() {}

  /**
   * The members {@code server} reports, or an empty list. Best effort: an older server without the
   * key, a malformed list, or no reply within {@code timeout} leaves the session's list as it is.
   */
  static List<String> ask(ShardKvClient.Environment env, String server, Duration timeout) {
    return ask(env, server, 0, timeout);
  }

  /** As above, the members of group {@code gid} (0: the config center) ({@link StatusMembers}). */
  static List<String> ask(ShardKvClient.Environment env, String server, int gid, Duration timeout) {
    try {
      Response r = env.send(server, new Request.NodeStatus(), timeout)
          .get(timeout.toMillis() + 50, TimeUnit.MILLISECONDS);
      return r.result() instanceof Result.Info i ? StatusMembers.of(i.entries(), gid) : List.of();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
