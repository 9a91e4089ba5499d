package io.shardkv.chaos.db;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.nemesis.ClusterStatus;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Waits until the cluster serves: every group has a leader (each server's admin {@code /status}
 * JSON, one object per hosted replica, docs/config.md), then joins the shard groups the config center lacks, and waits
 * until its latest configuration has them all.
 */
public final class ClusterHealth {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Topology topology;
  private final Supplier<List<String>> deadServers;

  /** @param deadServers servers that should run but do not, with why (checked now and then) */
  ClusterHealth(Topology topology, Supplier<List<String>> deadServers) {
    this.topology = topology;
    this.deadServers = deadServers;
  }

  /** The server's {@code /status} JSON, if it answers within a second. */
  public static Optional<String> status(Topology.Server s) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + s.adminAddress() + "/status"))
          .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChaosException("interrupted", e);
    }
  }

  /**
   * The server's hosted replicas as its {@code /status} reports them (one object per replica that
   * has started: {@code node}, {@code group}, {@code role}, {@code term}, ...); empty if it does not
   * answer or answers something that is not its status.
   */
  public static List<Map<String, Object>> replicas(Topology.Server s) {
    Optional<String> json = status(s);
    if (json.isEmpty()) return List.of();
    try {
      return ClusterStatus.replicaObjects(ClusterStatus.parseJson(json.get()));
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /**
   * Group id → leader's server id, from every server that answers. Where two replicas of a group say
   * they lead (a deposed leader that has not heard of the new term yet), the higher term wins.
   */
  public static Map<Integer, Integer> leaders(Topology topology) {
    Map<Integer, Integer> leaders = new TreeMap<>();
    Map<Integer, Long> terms = new TreeMap<>();
    for (Topology.Server s : topology.servers()) {
      for (Map<String, Object> r : replicas(s)) {
        if (!"leader".equals(r.get("role")) || !(r.get("group") instanceof Number g) || !(r.get("term") instanceof Number t)) {
          continue;
        }
        if (t.longValue() > terms.getOrDefault(g.intValue(), -1L)) {
          terms.put(g.intValue(), t.longValue());
          leaders.put(g.intValue(), s.id());
        }
      }
    }
    return leaders;
  }

  void awaitLeadersAndJoin(Duration timeout) {
    long start = System.nanoTime();
    long until = start + timeout.toNanos();
    long nextLivenessCheck = start + Duration.ofSeconds(3).toNanos();
    String last = "";
    try (ShardKvClient client = ShardKvClient.connect(topology.configCenterAddresses(), ShardKvDb.adminClientOptions())) {
      while (System.nanoTime() < until) {
        if (System.nanoTime() > nextLivenessCheck) {
          List<String> dead = deadServers.get();
          if (!dead.isEmpty()) throw new ChaosException("the cluster did not come up: " + String.join("\n", dead));
          nextLivenessCheck = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        }
        Map<Integer, Integer> leaders = leaders(topology);
        List<Integer> missing = new ArrayList<>(topology.groupIds());
        missing.removeAll(leaders.keySet());
        if (!missing.isEmpty()) {
          last = "groups without a leader: " + missing;
        } else {
          try {
            ShardKvDb.joinMissingGroups(client, topology.shardGroups());
            if (client.query(-1).groups().keySet().containsAll(topology.shardGroups().keySet())) return;
            last = "shard groups not yet in the configuration";
          } catch (KvException e) {
            last = "config center: " + e.getMessage();
          }
        }
        sleep(200);
      }
    }
    throw new ChaosException("the cluster did not become healthy within " + timeout.toSeconds() + " s (" + last
        + "); the servers' logs are in each host's logs directory (collect them with the run's logs)");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChaosException("interrupted", e);
    }
  }
}
