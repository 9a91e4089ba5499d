package io.shardkv.cli;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.Configuration;
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

/** {@code shardkv ctl --cluster ADDRS join|leave|move|query|status}: the config center. */
@Command(name = "ctl", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Config-center operations.",
        "  join GID=HOST:PORT,HOST:PORT [GID=...]   add groups (then rebalance)",
        "  leave GID [GID...]                       remove groups (their shards move away)",
        "  move SHARD GID                           assign one shard to a group",
        "  query [NUM]                              show configuration NUM (default: latest)",
        "  status                                   role/term/leader of every node"})
public final class CtlCommand implements Callable<Integer> {
  @Option(names = "--cluster", required = true, paramLabel = "ADDRS", description = "config-center addresses HOST:PORT,...")
  String cluster;

  @Option(names = "--timeout", defaultValue = "10s",
      description = "per-operation timeout, e.g. 500ms, 30s (default 10s); as client's --timeout")
  String timeout;

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
      switch (op) {
        case "join": {
          if (a.isEmpty()) return usage("join GID=HOST:PORT,HOST:PORT [GID=...]");
          Map<Integer, List<String>> groups = new TreeMap<>();
          for (String g : a) {
            int eq = g.indexOf('=');
            if (eq <= 0) return usage("join GID=HOST:PORT,HOST:PORT (got '" + g + "')");
            groups.put(Integer.parseInt(g.substring(0, eq)), ShardKvClient.parseAddresses(g.substring(eq + 1)));
          }
          c.join(groups);
          System.out.println("OK joined " + groups.keySet());
          return 0;
        }
        case "leave": {
          if (a.isEmpty()) return usage("leave GID [GID...]");
          List<Integer> gids = a.stream().map(Integer::parseInt).toList();
          c.leave(gids);
          System.out.println("OK left " + gids);
          return 0;
        }
        case "move": {
          if (a.size() != 2) return usage("move SHARD GID");
          c.move(Integer.parseInt(a.get(0)), Integer.parseInt(a.get(1)));
          System.out.println("OK moved shard " + a.get(0) + " to group " + a.get(1));
          return 0;
        }
        case "query": {
          if (a.size() > 1) return usage("query [NUM]");
          Configuration cfg = c.query(a.isEmpty() ? -1 : Long.parseLong(a.get(0)));
          System.out.println(ConfigText.describe(cfg));
          return 0;
        }
        case "status": {
          LinkedHashSet<String> nodes = new LinkedHashSet<>(addrs);
          try {
            c.query(-1).groups().values().forEach(nodes::addAll);
          } catch (KvException e) {
            System.out.println("configuration unavailable: " + e.getMessage());
          }
          for (String n : nodes) {
            try {
              Map<String, String> st = c.nodeStatus(n, Duration.ofSeconds(1));
              System.out.println(n + " node=" + st.get("node") + " group=" + st.get("group") + " role=" + st.get("role")
                  + " term=" + st.get("term") + " leader=" + st.get("leader") + " applied=" + st.get("applied"));
            } catch (KvException e) {
              System.out.println(n + " unreachable (" + e.getMessage() + ")");
            }
          }
          return 0;
        }
        default:
          return usage("join|leave|move|query|status (unknown '" + op + "')");
      }
    } catch (KvException e) {
      System.out.println((e.definite() ? "ERROR " : "INDEFINITE ") + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
  }

  private static int usage(String s) {
    System.err.println("ctl: expected " + s);
    return 2;
  }

  static List<String> split(String s) {
    return Arrays.asList(s.split(","));
  }
}
