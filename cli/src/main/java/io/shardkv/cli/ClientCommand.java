package io.shardkv.cli;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shardkv client --cluster ADDRS OP ARGS...}, or with no OP one command per line from stdin.
 * One result line per command: the value, {@code OK}, {@code NOT_FOUND}, {@code MISMATCH <current>},
 * {@code ERROR <message>} (definitely not applied) or {@code INDEFINITE <message>} (may have applied).
 */
@Command(name = "client", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Key-value operations against a cluster.",
        "  get KEY | put KEY VALUE | append KEY VALUE | cas KEY EXPECTED NEW | delete KEY",
        "  (cas: EXPECTED '-' means 'only if KEY is absent'; put/append: VALUE is the rest of the line on stdin)",
        "Without OP: reads one command per line from standard input and prints one result line each.",
        "Exit status: 0 all commands answered, 1 some failed, 2 usage error."})
public final class ClientCommand implements Callable<Integer> {
  @Option(names = "--cluster", required = true, paramLabel = "ADDRS", description = "config-center addresses HOST:PORT,...")
  String cluster;

  @Option(names = "--timeout", defaultValue = "10s", description = "per-operation timeout, e.g. 500ms, 10s (default 10s)")
  String timeout;

  @Parameters(arity = "0..*", paramLabel = "OP ARGS", description = "operation and its arguments")
  List<String> words = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Duration t;
    List<String> addrs;
    try {
      t = Durations.parse(timeout);
      addrs = ShardKvClient.parseAddresses(cluster);
    } catch (IllegalArgumentException e) {
      System.err.println("client: " + e.getMessage());
      return 2;
    }
    try (ShardKvClient client = ShardKvClient.connect(addrs, ClientOptions.defaults().withCallTimeout(t))) {
      if (!words.isEmpty()) {
        String line = execute(client, String.join(" ", words), words);
        if (line.startsWith("USAGE")) {
          // A usage error is not a result line: it goes to stderr, like picocli's own usage errors.
          System.err.println("client: " + line.substring("USAGE ".length()));
          return 2;
        }
        System.out.println(line);
        return line.startsWith("ERROR") || line.startsWith("INDEFINITE") ? 1 : 0;
      }
      int failures = 0;
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank() || line.trim().startsWith("#")) continue;
        String r = execute(client, line.strip(), null);
        if (r.startsWith("ERROR") || r.startsWith("INDEFINITE") || r.startsWith("USAGE")) failures++;
        System.out.println(r);
        System.out.flush();
      }
      return failures == 0 ? 0 : 1;
    }
  }

  /** Runs one command; {@code args} are the already split words (command line) or null (a stdin line). */
  static String execute(ShardKvClient c, String line, List<String> args) {
    String[] head = line.split("\\s+", 3);
    String op = head[0];
    try {
      switch (op) {
        case "get": {
          need(head.length == 2, "get KEY");
          Optional<String> v = c.get(head[1]);
          return v.orElse("NOT_FOUND");
        }
        case "put":
        case "append": {
          need(head.length == 3 || (args != null && args.size() == 3), op + " KEY VALUE");
          String value = args != null ? args.get(2) : head[2];
          if (op.equals("put")) c.put(head[1], value); else c.append(head[1], value);
          return "OK";
        }
        case "cas": {
          List<String> w = args != null ? args : List.of(line.split("\\s+"));
          need(w.size() == 4, "cas KEY EXPECTED NEW   (EXPECTED '-' = key absent)");
          boolean ok = c.cas(w.get(1), w.get(2).equals("-") ? null : w.get(2), w.get(3));
          return ok ? "OK" : "MISMATCH";
        }
        case "delete": {
          need(head.length == 2, "delete KEY");
          return c.delete(head[1]) ? "OK" : "NOT_FOUND";
        }
        default:
          return "USAGE unknown operation '" + op + "' (get, put, append, cas, delete)";
      }
    } catch (KvException e) {
      return (e.definite() ? "ERROR " : "INDEFINITE ") + e.getMessage();
    } catch (IllegalArgumentException e) {
      return "USAGE " + e.getMessage();
    }
  }

  private static void need(boolean ok, String usage) {
    if (!ok) throw new IllegalArgumentException("expected: " + usage);
  }
}
