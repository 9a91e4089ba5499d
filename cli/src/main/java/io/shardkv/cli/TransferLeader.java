package io.shardkv.cli;

import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import io.shardkv.server.process.ReplicaStatuses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ctl transfer-leader GROUP SERVER}: finds the group's leader among its servers (the
 * {@code --cluster} addresses for group 0, the latest configuration's servers otherwise), asks it on
 * its admin port ({@code POST /transfer-leader?to=ID}) to hand leadership to SERVER (Raft thesis
 * §3.10), and waits, within the timeout, until SERVER says it leads. SERVER is a node id or the
 * server's HOST:PORT. Exit 0 with {@code OK node N leads group G}; 1 with the reason on stderr.
 */
final class TransferLeader {
  private static final Pattern REASON = Pattern.compile("\"reason\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  private record Member(String address, int node, String role, long term, int leader, String admin) {}

  private TransferLeader() {}

  static int run(ShardKvClient c, List<String> configCenter, int group, String server, Duration timeout)
      throws KvException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> servers;
    if (group == 0) {
      servers = configCenter;
    } else {
      Configuration cfg = c.query(-1);
      servers = cfg.groups().get(group);
      if (servers == null) {
        return fail("group " + group + " is not in configuration " + cfg.num() + " (its groups: 0 (config center), "
            + cfg.groups().keySet() + ")");
      }
    }
    List<Member> answered = new ArrayList<>();
    List<String> silent = new ArrayList<>();
    for (String s : new LinkedHashSet<>(servers)) {
      Member m = ask(c, s, group);
      if (m == null) silent.add(s);
      else answered.add(m);
    }
    Member target = null;
    for (Member m : answered) {
      if (server.equals(m.address()) || server.equals(String.valueOf(m.node()))) target = m;
    }
    if (target == null) {
      String known = answered.stream().map(m -> "node " + m.node() + " at " + m.address()).toList().toString();
      if (silent.contains(server)) return fail("server " + server + " of group " + group + " does not answer (is it down?)");
      return fail("server " + server + " is not a member of group " + group + " that answers (members answering: " + known
          + (silent.isEmpty() ? "" : "; not answering: " + silent) + "); name a node id or HOST:PORT");
    }
    if ("leader".equals(target.role())) {
      System.out.println("OK node " + target.node() + " leads group " + group);
      return 0;
    }
    Member leader = answered.stream().filter(m -> "leader".equals(m.role()))
        .max(java.util.Comparator.comparingLong(Member::term)).orElse(null);
    if (leader == null) {
      return fail("group " + group + " has no leader now (servers answering: " + answered.size() + " of " + servers.size()
          + "); retry once it has one (ctl status)");
    }
    HttpResponse<String> r;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      r = http.send(HttpRequest.newBuilder(URI.create("http://" + leader.admin() + "/transfer-leader?to=" + target.node() + "&group=" + group))
              .timeout(Duration.ofSeconds(6)).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | IllegalArgumentException e) {
      return fail("the leader, node " + leader.node() + ", did not answer on its admin port " + leader.admin() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
    if (r.statusCode() != 202) {
      Matcher why = REASON.matcher(r.body());
      return fail("node " + leader.node() + " refused the transfer (HTTP " + r.statusCode() + "): "
          + (why.find() ? why.group(1) : r.body().trim()));
    }
    Member now = target;
    while (System.nanoTime() < deadline) {
      now = ask(c, target.address(), group);
      if (now != null && "leader".equals(now.role())) {
        System.out.println("OK node " + now.node() + " leads group " + group);
        return 0;
      }
      sleep(100);
    }
    return fail("timed out after " + timeout.toMillis() + " ms: node " + target.node() + " does not lead group " + group
        + (now == null ? " and does not answer (down?)" : " (it sees leader " + now.leader() + ", term " + now.term() + ")")
        + "; the leader aborts a transfer after an election timeout when the target is down or cannot catch up");
  }

  /** {@code address}'s replica of {@code group} (a server may host several groups), or null. */
  private static Member ask(ShardKvClient c, String address, int group) {
    try {
      Map<String, String> st = null;
      for (Map<String, String> r : ReplicaStatuses.of(c.nodeStatus(address, Duration.ofSeconds(2)))) {
        if (String.valueOf(group).equals(r.get("group"))) st = r;
      }
      if (st == null) return null;
      return new Member(address, Integer.parseInt(st.get("node")), String.valueOf(st.get("role")),
          Long.parseLong(st.getOrDefault("term", "-1")), Integer.parseInt(st.getOrDefault("leader", "-1")),
          st.getOrDefault("admin", ""));
    } catch (KvException | RuntimeException e) {
      return null;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int fail(String why) {
    System.err.println("ctl: transfer-leader: " + why);
    return 1;
  }
}
