package io.shardkv.cli;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
import io.shardkv.server.process.ReplicaStatuses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shardkv ctl --cluster ADDRS join|leave|move|query|status|transfer-leader|add-replica|promote|remove-replica|members}:
 * the config center, leaders and group membership.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Config-center operations.",
        "  join GID=HOST:PORT,HOST:PORT [GID=...]   add groups (then rebalance); refused unless a majority",
        "                                           of each group's servers answer as that group (--force)",
        "  leave GID [GID...]                       remove groups (their shards move away); known groups only",
        "  move SHARD GID                           assign one shard to a group of the configuration",
        "  move --force SHARD GID                   assign it WITHOUT migration: its data is lost and GID",
        "                                           starts it empty; for a shard whose owner is gone for good",
        "                                           (docs/operations.md, \"A group gone for good\")",
        "  query [NUM]                              show configuration NUM (default: latest)",
        "  status                                   role/term/leader of every node; exit 1 when a node",
        "                                           does not answer or a group has no leader",
        "  transfer-leader GROUP SERVER             hand GROUP's leadership to SERVER (node id or HOST:PORT;",
        "                                           group 0 is the config center) and wait, up to --timeout,",
        "                                           until it leads (docs/operations.md)",
        "  add-replica GROUP SERVER                 start an empty replica of GROUP on SERVER (a server id or",
        "                                           HOST:PORT of the config file) and add it as a learner",
        "  add-replica GROUP ID --address HOST:PORT a server no config file of the cluster names: its address",
        "                                           travels in the group's configuration (--admin HOST:PORT:",
        "                                           its admin port; default: asked from the server itself)",
        "  promote GROUP SERVER                     make the learner a voter once it caught up (waits)",
        "  remove-replica GROUP SERVER [--force]    remove a member; refused if the voters left would not",
        "                                           hold a live quorum unless --force; the removed server",
        "                                           stops its replica and keeps its data (group-G.removed-*)",
        "  members GROUP                            the group's voters and learners as its leader sees them",
        "                                           (docs/membership.md)"})
public final class CtlCommand implements Callable<Integer> {
  @Option(names = "--cluster", required = true, paramLabel = "ADDRS", description = "config-center addresses HOST:PORT,...")
  String cluster;

  @Option(names = "--force", description = "join: skip the check that the group's servers answer as that group;"
      + " move: assign the shard without migration (its data is lost); remove-replica: remove even if the voters left"
      + " would not hold a live quorum")
  boolean force;

  @Option(names = "--timeout", defaultValue = "10s",
      description = "per-operation timeout, e.g. 500ms, 30s (default 10s); as client's --timeout")
  String timeout;

  @Option(names = "--address", paramLabel = "HOST:PORT", description = "add-replica: the added server's client/peer"
      + " address, for a server the cluster's config files do not name (docs/membership.md)")
  String address;

  @Option(names = "--admin", paramLabel = "HOST:PORT", description = "add-replica with --address: the added server's"
      + " admin address (default: the server at --address says it)")
  String admin;

  @Parameters(arity = "1..*", paramLabel = "OP ARGS")
  List<String> words = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> addrs;
    Duration t;
    try {
      t = Durations.parse(timeout);
      addrs = ShardKvClient.parseAddresses(cluster);
    } catch (IllegalArgumentException e) {
      System.err.println("ctl: " + e.getMessage());
      return 2;
    }
    try (ShardKvClient c = ShardKvClient.connect(addrs, ClientOptions.defaults().withCallTimeout(t))) {
      String op = words.get(0);
      List<String> a = words.subList(1, words.size());
      if ((address != null || admin != null) && !op.equals("add-replica")) {
        return usage("--address and --admin only with add-replica GROUP ID --address HOST:PORT (got " + op + ")");
      }
      switch (op) {
        case "join": {
          if (a.isEmpty()) return usage("join GID=HOST:PORT,HOST:PORT [GID=...]");
          Map<Integer, List<String>> groups = new TreeMap<>();
          for (String g : a) {
            int eq = g.indexOf('=');
            if (eq <= 0) return usage("join GID=HOST:PORT,HOST:PORT (got '" + g + "')");
            groups.put(Integer.parseInt(g.substring(0, eq)), ShardKvClient.parseAddresses(g.substring(eq + 1)));
          }
          if (!force) {
            for (Map.Entry<Integer, List<String>> g : groups.entrySet()) {
              String problem = checkGroupAnswers(c, g.getKey(), g.getValue());
              if (problem != null) {
                System.err.println("ctl: refusing to join group " + g.getKey() + ": " + problem
                    + ". Start its servers first (their cluster.conf must name them in group " + g.getKey()
                    + "), or pass --force to join it anyway.");
                return 1;
              }
            }
          }
          c.join(groups);
          System.out.println("OK joined " + groups.keySet());
          return 0;
        }
        case "leave": {
          if (a.isEmpty()) return usage("leave GID [GID...]");
          List<Integer> gids = a.stream().map(Integer::parseInt).toList();
          Configuration now = c.query(-1);
          List<Integer> unknown = gids.stream().filter(g -> !now.groups().containsKey(g)).toList();
          if (!unknown.isEmpty()) {
            System.err.println("ctl: refusing to leave: group(s) " + unknown + " not in configuration " + now.num()
                + " (its groups: " + now.groups().keySet() + ")");
            return 1;
          }
          c.leave(gids);
          System.out.println("OK left " + gids);
          return 0;
        }
        case "move": {
          if (a.size() != 2) return usage("move SHARD GID");
          int shard = Integer.parseInt(a.get(0));
          int gid = Integer.parseInt(a.get(1));
          Configuration now = c.query(-1);
          if (shard < 0 || shard >= now.shardToGroup().length) {
            System.err.println("ctl: refusing to move: shard " + shard + " does not exist (shards 0.."
                + (now.shardToGroup().length - 1) + ")");
            return 1;
          }
          if (!now.groups().containsKey(gid)) {
            System.err.println("ctl: refusing to move shard " + shard + ": group " + gid + " is not in configuration "
                + now.num() + " (its groups: " + now.groups().keySet() + "); join it first");
            return 1;
          }
          if (force) {
            c.forceMove(shard, gid);
            System.out.println("OK moved shard " + shard + " to group " + gid + " without migration: the data"
                + " and dedup records group " + now.shardToGroup()[shard] + " held for it are lost; group " + gid
                + " starts it empty");
            return 0;
          }
          c.move(shard, gid);
          System.out.println("OK moved shard " + a.get(0) + " to group " + a.get(1));
          return 0;
        }
        case "query": {
          if (a.size() > 1) return usage("query [NUM]");
          Configuration cfg = c.query(a.isEmpty() ? -1 : Long.parseLong(a.get(0)));
          System.out.println(ConfigText.describe(cfg));
          return 0;
        }
        case "status":
          return status(c, addrs);
        case "transfer-leader": {
          if (a.size() != 2) return usage("transfer-leader GROUP SERVER (SERVER: a node id or HOST:PORT)");
          int gid;
          try {
            gid = Integer.parseInt(a.get(0));
          } catch (NumberFormatException e) {
            return usage("transfer-leader GROUP SERVER with GROUP a group id (got '" + a.get(0) + "')");
          }
          return TransferLeader.run(c, addrs, gid, a.get(1), t);
        }
        case "add-replica":
        case "promote":
        case "remove-replica":
        case "members":
          return MembershipCtl.run(c, addrs, op, a, force, t, address, admin);
        default:
          return usage("join|leave|move|query|status|transfer-leader|add-replica|promote|remove-replica|members (unknown '"
              + op + "')");
      }
    } catch (KvException e) {
      System.out.println((e.definite() ? "ERROR " : "INDEFINITE ") + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
  }

  /**
   * One line per node (the config-center addresses given and every server of the latest
   * configuration); exit 1, with the reasons on stderr, when a node does not answer, a group has no
   * leader, or the configuration cannot be read.
   */
  private static int status(ShardKvClient c, List<String> addrs) {
    LinkedHashSet<String> nodes = new LinkedHashSet<>(addrs);
    Map<Integer, Boolean> groupHasLeader = new TreeMap<>();
    groupHasLeader.put(0, false);
    List<String> problems = new ArrayList<>();
    try {
      Configuration cfg = c.query(-1);
      cfg.groups().forEach((gid, servers) -> {
        nodes.addAll(servers);
        groupHasLeader.put(gid, false);
      });
    } catch (KvException e) {
      System.out.println("configuration unavailable: " + e.getMessage());
      problems.add("the configuration is unavailable (" + e.getMessage() + ")");
    }
    for (String n : nodes) {
      try {
        // One line per hosted replica: a server may host several groups (docs/config.md).
        for (Map<String, String> st : ReplicaStatuses.of(c.nodeStatus(n, Duration.ofSeconds(1)))) {
          System.out.println(n + " node=" + st.get("node") + " group=" + st.get("group") + " role=" + st.get("role")
              + " term=" + st.get("term") + " leader=" + st.get("leader") + " applied=" + st.get("applied"));
          if ("leader".equals(st.get("role"))) groupHasLeader.put(Integer.parseInt(st.get("group")), true);
          String stalled = st.get("migrations_stalled");
          if (stalled != null && "leader".equals(st.get("role"))) {
            System.out.println(n + " migrations stalled: " + stalled);
            problems.add("group " + st.get("group") + " waits for shard data: " + stalled
                + " (is that group running? if it is gone for good, see docs/operations.md)");
          }
        }
      } catch (KvException e) {
        System.out.println(n + " unreachable (" + e.getMessage() + ")");
        problems.add(n + " does not answer");
      } catch (NumberFormatException e) {
        problems.add(n + " reported a malformed group");
      }
    }
    groupHasLeader.forEach((gid, has) -> {
      if (!has) problems.add((gid == 0 ? "the config center (group 0)" : "group " + gid) + " has no leader");
    });
    for (String p : problems) System.err.println("ctl: " + p);
    return problems.isEmpty() ? 0 : 1;
  }

  /**
   * Null when a majority of {@code servers} answer STATUS as nodes of group {@code gid} and none
   * answers as another group; otherwise what is wrong. A group whose servers do not exist would get
   * shards nobody can serve or hand back (issue 11, item 1).
   */
  static String checkGroupAnswers(ShardKvClient c, int gid, List<String> servers) {
    if (gid <= 0) return "group ids start at 1 (0 is the config center)";
    int ok = 0;
    List<String> problems = new ArrayList<>();
    for (String s : new LinkedHashSet<>(servers)) {
      try {
        Map<String, String> st = c.nodeStatus(s, Duration.ofSeconds(2));
        List<String> hosted = ReplicaStatuses.of(st).stream().map(r -> r.get("group")).toList();
        if (hosted.contains(String.valueOf(gid))) {
          ok++;
        } else {
          return s + " is node " + st.get("node") + " of group" + (hosted.size() == 1 ? " " + hosted.get(0)
              : "s " + String.join(",", hosted)) + ", not of group " + gid;
        }
      } catch (KvException e) {
        problems.add(s + " does not answer (" + e.getMessage() + ")");
      }
    }
    if (ok > servers.size() / 2) return null;
    return "only " + ok + " of " + servers.size() + " server(s) answer as group " + gid + ": " + String.join("; ", problems);
  }

  private static int usage(String s) {
    System.err.println("ctl: expected " + s);
    return 2;
  }

  static List<String> split(String s) {
    return Arrays.asList(s.split(","));
  }
}
