package io.shardkv.cli;

import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import io.shardkv.server.process.ReplicaStatuses;
import java.io.IOException;
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
 * {@code ctl add-replica|promote|remove-replica|members GROUP [SERVER]} (docs/membership.md): finds the
 * group's leader among its servers (the {@code --cluster} addresses for group 0, the latest
 * configuration's servers otherwise, and every member the replicas name), asks it on its admin port
 * for one single-server change, and waits, within {@code --timeout}, until the change has committed.
 * After a change of a shard group's voters it also gives the config center the group's new address
 * list (a {@code join} of the same group id: no shard moves while the assignment is balanced), so
 * clients find the new members. Exit 0 with an {@code OK ...} line; 1 with
 * {@code ctl: COMMAND: reason} on stderr.
 */
final class MembershipCtl {
  private static final Pattern REASON = Pattern.compile("\"reason\":\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern MEMBER = Pattern.compile("\\{\"id\":(\\d+),\"voter\":(true|false),\"address\":\"([^\"]*)\","
      + "\"admin\":\"([^\"]*)\"(?:,\"match\":(-?\\d+),\"live\":(true|false))?}");

  private final ShardKvClient client;
  private final List<String> configCenter;
  private final String command;
  private final int group;
  private final long deadline;
  private final Duration timeout;
  /** add-replica --address / --admin (null when not given; admin filled in from the server's STATUS). */
  private String address;
  private String admin; // (send() has a local 'admin' too: the leader's; this one is always this.admin there)
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One member as a {@code /members} answer lists it. */
  record Member(int id, boolean voter, String address, String admin, long match, Boolean live) {}

  /** A {@code /members} answer. */
  record Members(int node, String role, int leader, long term, long commit, long configIndex, boolean committed,
                 List<Integer> voters, List<Integer> learners, List<Member> members) {
    Member byArg(String arg) {
      for (Member m : members) if (arg.equals(String.valueOf(m.id())) || arg.equals(m.address())) return m;
      return null;
    }
  }

  private MembershipCtl(ShardKvClient client, List<String> configCenter, String command, int group, Duration timeout) {
    this.client = client;
    this.configCenter = configCenter;
    this.command = command;
    this.group = group;
    this.timeout = timeout;
    this.deadline = System.nanoTime() + timeout.toNanos();
  }

  /** Runs {@code command} with its arguments; 2 on a usage error. */
  static int run(ShardKvClient c, List<String> configCenter, String command, List<String> a, boolean force, Duration timeout) {
    return run(c, configCenter, command, a, force, timeout, null, null);
  }

  /** As above; {@code address}/{@code admin}: add-replica's {@code --address}/{@code --admin} (or null). */
  static int run(ShardKvClient c, List<String> configCenter, String command, List<String> a, boolean force, Duration timeout,
                 String address, String admin) {
    boolean members = command.equals("members");
    String shape = command + (members ? " GROUP" : " GROUP SERVER (SERVER: a server id or HOST:PORT)")
        + (command.equals("remove-replica") ? " [--force]" : "");
    if (a.size() != (members ? 1 : 2)) return usage(shape);
    int gid;
    try {
      gid = Integer.parseInt(a.get(0));
    } catch (NumberFormatException e) {
      return usage(shape + " with GROUP a group id (got '" + a.get(0) + "')");
    }
    if (gid < 0) return usage(shape + " with GROUP a group id (got '" + a.get(0) + "')");
    if (admin != null && address == null) return usage("--admin HOST:PORT only together with --address HOST:PORT");
    if (address != null) {
      String bad = malformed("--address", address);
      if (bad == null && admin != null) bad = malformed("--admin", admin);
      if (bad != null) return usage(bad);
      if (!a.get(1).matches("[1-9][0-9]{0,8}")) {
        return usage("add-replica GROUP ID --address HOST:PORT with ID the new server's id (a positive integer, its"
            + " 'server ID' line), got '" + a.get(1) + "'");
      }
    }
    MembershipCtl m = new MembershipCtl(c, configCenter, command, gid, timeout);
    m.address = address;
    m.admin = admin;
    try {
      return switch (command) {
        case "members" -> m.members();
        case "add-replica" -> m.add(a.get(1));
        case "promote" -> m.promote(a.get(1));
        default -> m.remove(a.get(1), force);
      };
    } catch (Failure f) {
      return m.fail(f.getMessage());
    }
  }

  // ---------------------------------------------------------------- commands

  private int members() {
    Members m = leaderMembers();
    System.out.println("group " + group + ": leader node " + m.leader() + " (term " + m.term() + "), commit " + m.commit()
        + ", configuration at index " + m.configIndex() + (m.committed() ? " (committed)" : " (not committed yet)"));
    for (Member x : m.members()) {
      System.out.println("node " + x.id() + " " + (x.voter() ? "voter" : "learner") + " " + x.address()
          + (x.id() == m.node() ? " leader" : "") + " match " + x.match()
          + (x.live() == null ? "" : x.live() ? " live" : " not-answering"));
    }
    return 0;
  }

  private int add(String server) {
    if (address != null && admin == null) admin = adminAt(server);
    String body = accepted(propose("/add-replica", server, false));
    Members after = awaitCommitted(body);
    System.out.println("OK node " + field(body, "server") + " is a learner of group " + group + " (voters " + after.voters()
        + ", learners " + after.learners() + "); it catches up by snapshot and log: ctl members " + group
        + ", then ctl promote " + group + " " + field(body, "server"));
    return 0;
  }

  private int promote(String server) {
    HttpResponse<String> r = propose("/promote", server, false);
    Members after = awaitCommitted(accepted(r));
    publish(after);
    System.out.println("OK node " + field(r.body(), "server") + " is a voter of group " + group + " (voters "
        + after.voters() + (after.learners().isEmpty() ? "" : ", learners " + after.learners()) + ")");
    return 0;
  }

  /**
   * Asks the leader for one change until it accepts (202) or refuses for good. Retried until the
   * deadline: {@code not_leader} (an election), {@code not_caught_up} (a learner still catching up:
   * under load its match index trails the commit index for a moment), {@code refused_now} (the core's
   * transient reasons). Any other refusal fails at once; so does a 202 — returned.
   */
  private HttpResponse<String> propose(String path, String server, boolean force) {
    String last = null;
    while (true) {
      HttpResponse<String> r = send(leaderMembers(), path, server, force);
      if (r.statusCode() == 202) return r;
      String status = field(r.body(), "status");
      boolean transient_ = "not_leader".equals(status) || "not_caught_up".equals(status) || "refused_now".equals(status);
      if (!transient_) return r;
      last = reason(r);
      if (System.nanoTime() + 200_000_000L >= deadline) {
        throw new Failure("timed out after " + timeout.toMillis() + " ms: " + last
            + (path.equals("/promote") ? " (a larger --timeout waits longer for the learner to catch up)" : ""));
      }
      sleep(200);
    }
  }

  private int remove(String server, boolean force) {
    Members before = leaderMembers();
    Member gone = before.byArg(server);
    HttpResponse<String> r = propose("/remove-replica", server, force);
    if (r.statusCode() != 202) {
      if (gone == null && r.statusCode() == 400 && reason(r).contains("is not a member")) {
        // Not a member (any more): a server that was down when it was removed may still host a replica.
        String leftover = retireLeftover(server, field(r.body(), "server_address"));
        if (leftover != null) {
          System.out.println("OK " + leftover);
          return 0;
        }
      }
      throw new Failure(reason(r));
    }
    Members after = awaitCommitted(r.body());
    publish(after);
    String retired = retire(gone);
    System.out.println("OK node " + gone.id() + " removed from group " + group + " (voters " + after.voters()
        + (after.learners().isEmpty() ? "" : ", learners " + after.learners()) + "); " + retired);
    return 0;
  }

  // ---------------------------------------------------------------- steps

  /**
   * The leader's {@code /members} answer, retried until the deadline while the group has no leader (an
   * election is running); fails with the last reason.
   */
  private Members leaderMembers() {
    while (true) {
      try {
        return leaderMembersOnce();
      } catch (Failure f) {
        if (System.nanoTime() + 200_000_000L >= deadline || f.getMessage().contains("is not in configuration")) throw f;
        sleep(200);
      }
    }
  }

  /** The leader's {@code /members} answer; fails when no server of the group says it leads. */
  private Members leaderMembersOnce() {
    List<String> servers = groupServers();
    LinkedHashSet<String> tried = new LinkedHashSet<>();
    LinkedHashSet<String> toTry = new LinkedHashSet<>(servers);
    List<String> silent = new ArrayList<>();
    Members any = null;
    while (!toTry.isEmpty()) {
      String s = toTry.iterator().next();
      toTry.remove(s);
      tried.add(s);
      String admin = adminOf(s);
      if (admin == null) {
        silent.add(s);
        continue;
      }
      Members m = getMembers(admin);
      if (m == null) {
        silent.add(s);
        continue;
      }
      if ("leader".equals(m.role())) return m;
      any = m;
      for (Member x : m.members()) if (!tried.contains(x.address())) toTry.add(x.address());
    }
    throw new Failure("group " + group + " has no leader now (servers tried: " + tried + (silent.isEmpty() ? ""
        : "; not answering as group " + group + ": " + silent) + (any == null ? "" : "; members " + any.voters()
        + (any.learners().isEmpty() ? "" : " learners " + any.learners())) + "); retry once it has one (ctl status)");
  }

  private List<String> groupServers() {
    if (group == 0) return configCenter;
    Configuration cfg;
    try {
      cfg = client.query(-1);
    } catch (KvException e) {
      throw new Failure("the configuration is unavailable: " + e.getMessage());
    }
    List<String> servers = cfg.groups().get(group);
    if (servers == null) {
      throw new Failure("group " + group + " is not in configuration " + cfg.num() + " (its groups: 0 (config center), "
          + cfg.groups().keySet() + ")");
    }
    return servers;
  }

  /** The admin address of {@code address}'s server when it hosts a replica of the group, else null. */
  private String adminOf(String address) {
    try {
      for (Map<String, String> r : ReplicaStatuses.of(client.nodeStatus(address, Duration.ofSeconds(2)))) {
        if (String.valueOf(group).equals(r.get("group"))) return r.get("admin");
      }
    } catch (KvException | RuntimeException e) {
      return null;
    }
    return null;
  }

  private Members getMembers(String admin) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/members?group=" + group))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? parseMembers(r.body()) : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  private HttpResponse<String> send(Members leader, String path, String server, boolean force) {
    Member self = leader.members().stream().filter(x -> x.id() == leader.node()).findFirst().orElse(null);
    String admin = self == null ? null : self.admin();
    if (admin == null || admin.isEmpty()) throw new Failure("the leader, node " + leader.node() + ", has no admin address");
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://" + admin + path + "?group=" + group + "&server="
              + enc(server) + (force ? "&force=true" : "")
              + (address != null && path.equals("/add-replica") ? "&address=" + enc(address) + "&admin=" + enc(this.admin) : "")))
          .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | IllegalArgumentException e) {
      throw new Failure("the leader, node " + leader.node() + ", did not answer on its admin port " + admin + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  /** The body of a 202 answer; the refusal's reason otherwise. */
  private static String accepted(HttpResponse<String> r) {
    if (r.statusCode() != 202) throw new Failure(reason(r));
    return r.body();
  }

  /**
   * Waits until a leader reports the configuration the accepted change produced ({@code voters} and
   * {@code learners} of the 202 answer) as committed; fails if another configuration committed at or
   * after its index (a leader change overwrote the entry) or on timeout.
   */
  private Members awaitCommitted(String accepted) {
    long index = Long.parseLong(field(accepted, "index"));
    List<Integer> voters = idList(accepted, "voters");
    List<Integer> learners = idList(accepted, "learners");
    Members last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = leaderMembersOnce();
      } catch (Failure f) {
        sleep(100);
        continue;
      }
      if (last.committed() && last.configIndex() >= index) {
        if (last.voters().equals(voters) && last.learners().equals(learners)) return last;
        throw new Failure("the change at index " + index + " did not take effect: the group's committed configuration is"
            + " voters " + last.voters() + " learners " + last.learners() + " (a leader change may have dropped it); retry");
      }
      sleep(100);
    }
    throw new Failure("timed out after " + timeout.toMillis() + " ms waiting for the change at index " + index
        + " to commit" + (last == null ? "" : " (the leader's commit index is " + last.commit() + ")")
        + "; it is in the log and may still commit: see ctl members " + group);
  }

  /** After the voters changed: the config center's address list for a shard group becomes its voters'. */
  private void publish(Members m) {
    if (group == 0) return;
    List<String> addresses = m.members().stream().filter(Member::voter).map(Member::address).toList();
    try {
      Configuration cfg = client.query(-1);
      if (addresses.equals(cfg.groups().get(group))) return;
      client.join(Map.of(group, addresses));
    } catch (KvException e) {
      throw new Failure("the change committed, but the config center did not take group " + group + "'s new servers "
          + addresses + " (" + e.getMessage() + "); clients still reach the group through its old servers' redirects;"
          + " run ctl join " + group + "=" + String.join(",", addresses) + " once the config center answers");
    }
  }

  /** Asks the removed server to stop its replica; what happened, for the OK line. */
  private String retire(Member gone) {
    HttpResponse<String> r;
    try {
      r = http.send(HttpRequest.newBuilder(URI.create("http://" + gone.admin() + "/retire-replica?group=" + group))
          .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | IllegalArgumentException e) {
      return "node " + gone.id() + " did not answer on " + gone.admin() + " (down?): if it comes back, run ctl remove-replica "
          + group + " " + gone.id() + " again to stop its leftover replica";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
    if (r.statusCode() == 200) return "its replica stopped; its data is kept in " + field(r.body(), "kept");
    return "node " + gone.id() + " did not stop its replica: " + reason(r);
  }

  /** A server named by id or address that is no member but may still host a leftover replica. */
  private String retireLeftover(String server, String addressHint) {
    LinkedHashSet<String> candidates = new LinkedHashSet<>();
    if (!addressHint.isEmpty()) candidates.add(addressHint);
    candidates.addAll(groupServers());
    for (String s : candidates) {
      try {
        Map<String, String> st = client.nodeStatus(s, Duration.ofSeconds(2));
        if (server.equals(st.get("node")) || server.equals(st.get("address"))) {
          boolean hosts = ReplicaStatuses.of(st).stream().anyMatch(x -> String.valueOf(group).equals(x.get("group")));
          if (!hosts) return null;
          String what = retire(new Member(Integer.parseInt(st.get("node")), false, s, st.get("admin"), -1, null));
          return "node " + st.get("node") + " is not a member of group " + group + "; " + what;
        }
      } catch (KvException | RuntimeException e) {
        // not this one
      }
    }
    return null;
  }

  /**
   * The admin address of the server listening at {@code --address}, from its STATUS answer; fails
   * clearly when nothing answers there or the server there is not {@code server}.
   */
  private String adminAt(String server) {
    Map<String, String> st;
    try {
      st = client.nodeStatus(address, Duration.ofSeconds(3));
    } catch (KvException | RuntimeException e) {
      throw new Failure("no ShardKV server answers at " + address + " (" + e.getMessage() + "); start server " + server
          + " there first (bin/shardkv server --config FILE --node " + server + ", FILE listing the cluster's servers and"
          + " its own line), or check --address");
    }
    if (!server.equals(st.get("node"))) {
      throw new Failure("the server at " + address + " is server " + st.get("node") + ", not server " + server
          + "; check --address");
    }
    String a = st.get("admin");
    if (a == null || a.isEmpty()) throw new Failure("the server at " + address + " did not say its admin address; pass --admin HOST:PORT");
    return a;
  }

  /** Why {@code value} is not a HOST:PORT for {@code option}, or null when it is one. */
  static String malformed(String option, String value) {
    int c = value.lastIndexOf(':');
    String why = null;
    if (c <= 0 || c == value.length() - 1) {
      why = "";
    } else if (value.chars().anyMatch(ch -> ch <= ' ' || ch == ',' || ch == '/')) {
      why = " (no blanks, commas or slashes)";
    } else {
      try {
        int port = Integer.parseInt(value.substring(c + 1));
        if (port < 1 || port > 65535) why = " with PORT 1..65535";
      } catch (NumberFormatException e) {
        why = " with PORT a number";
      }
    }
    return why == null ? null : option + " HOST:PORT" + why + " (e.g. 10.0.0.4:7000), got '" + value + "'";
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- parsing

  static Members parseMembers(String body) {
    List<Member> members = new ArrayList<>();
    Matcher m = MEMBER.matcher(body);
    while (m.find()) {
      members.add(new Member(Integer.parseInt(m.group(1)), Boolean.parseBoolean(m.group(2)), m.group(3), m.group(4),
          m.group(5) == null ? -1 : Long.parseLong(m.group(5)), m.group(6) == null ? null : Boolean.parseBoolean(m.group(6))));
    }
    return new Members(Integer.parseInt(field(body, "node")), field(body, "role"), Integer.parseInt(field(body, "leader")),
        Long.parseLong(field(body, "term")), Long.parseLong(field(body, "commit")), Long.parseLong(field(body, "config_index")),
        Boolean.parseBoolean(field(body, "committed")), idList(body, "voters"), idList(body, "learners"), members);
  }

  /** A scalar field of a flat JSON answer ("" when absent). */
  static String field(String body, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}\\]]+)").matcher(body);
    if (!m.find()) return "";
    return m.group(2) != null ? m.group(2) : m.group(1);
  }

  private static List<Integer> idList(String body, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\\[([0-9,]*)]").matcher(body);
    if (!m.find() || m.group(1).isEmpty()) return List.of();
    List<Integer> out = new ArrayList<>();
    for (String s : m.group(1).split(",")) out.add(Integer.parseInt(s));
    return out;
  }

  private static String reason(HttpResponse<String> r) {
    Matcher why = REASON.matcher(r.body());
    return (why.find() ? why.group(1) : r.body().trim()) + " (HTTP " + r.statusCode() + ")";
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  private int fail(String why) {
    System.err.println("ctl: " + command + ": " + why);
    return 1;
  }

  private static int usage(String s) {
    System.err.println("ctl: expected " + s);
    return 2;
  }

  /** A reason to stop with exit 1. */
  private static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }
}
