package io.shardkv.cli;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KeyScan;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.linearizability.format.JsonString;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shardkv client --cluster ADDRS OP ARGS...}, or with no OP one command per line from stdin.
 * Arguments are taken exactly as the shell passed them: a key may contain spaces, and a wrong number
 * of arguments is a usage error (exit 2), never a silently shortened command. Stdin lines follow the
 * quoting rule of {@link InputLine}.
 *
 * <p>Text output (the default, a contract since issue 6): one result line per command, the value,
 * {@code OK}, {@code NOT_FOUND}, {@code MISMATCH}, {@code ERROR <message>} (definitely not applied)
 * or {@code INDEFINITE <message>} (may have applied). A stored value can look like a status word;
 * {@code --output json} is unambiguous: one JSON object per command, see {@link Result#json}.
 */
@Command(name = "client", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Key-value operations against a cluster.",
        "  get KEY | put KEY VALUE | append KEY VALUE | cas KEY EXPECTED NEW | delete KEY",
        "  | scan [PREFIX] [--limit N]",
        "  (cas: EXPECTED '-' means 'only if KEY is absent'). Arguments are taken as given: quote a key",
        "  with spaces for your shell; a wrong number of arguments is a usage error. Use -- before a",
        "  value that starts with '-'.",
        "Without OP: reads one command per line from standard input and prints one result line each.",
        "  Stdin quoting: words split at blanks; '...' literal; \"...\" with \\\" and \\\\; \\x outside quotes",
        "  is x; put/append VALUE is one quoted word or else the rest of the line. Errors name the line.",
        "Text output: the value, OK, NOT_FOUND, MISMATCH, ERROR <why> (not applied), INDEFINITE <why>",
        "  (may have applied). --output json: one object per command, e.g. {\"status\":\"NOT_FOUND\"} for a",
        "  missing key and {\"status\":\"OK\",\"value\":\"NOT_FOUND\"} for that stored value.",
        "scan: the keys starting with PREFIX (all without one), one KEY<TAB>VALUE line each, shard by",
        "  shard in pages; each page is consistent within its shard, the whole is not a snapshot; every",
        "  key present throughout the scan is printed exactly once. --limit N stops after N keys.",
        "Exit status: 0 every command answered (NOT_FOUND and MISMATCH are answers), 1 some failed,",
        "  2 usage error."})
public final class ClientCommand implements Callable<Integer> {
  @Option(names = "--cluster", required = true, paramLabel = "ADDRS", description = "config-center addresses HOST:PORT,...")
  String cluster;

  @Option(names = "--timeout", defaultValue = "10s", description = "per-operation timeout, e.g. 500ms, 10s (default 10s)")
  String timeout;

  @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
      description = "text (default): one plain result line per command; json: one JSON object per command")
  String output;

  @Option(names = "--limit", paramLabel = "N", description = "scan: stop after N keys (default: all)")
  Long limit;

  @Parameters(arity = "0..*", paramLabel = "OP ARGS", description = "operation and its arguments")
  List<String> words = new ArrayList<>();

  /** What one command came to. {@code kind}: VALUE, OK, NOT_FOUND, MISMATCH, ERROR, INDEFINITE, USAGE. */
  record Result(String kind, String value, String message, int line, List<Map.Entry<String, String>> entries) {
    Result(String kind, String value, String message, int line) {
      this(kind, value, message, line, null);
    }

    static Result of(String kind) {
      return new Result(kind, null, null, 0);
    }

    boolean failed() {
      return kind.equals("ERROR") || kind.equals("INDEFINITE") || kind.equals("USAGE");
    }

    Result atLine(int n) {
      return new Result(kind, value, message, n, entries);
    }

    /** What to print: {@link #text} or {@link #json}; a scan's text is one line per key, then any error. */
    String render(boolean json) {
      return json ? json() : text();
    }

    /** The text-mode line (issue 6's contract); a USAGE line on stdin names its line. */
    String text() {
      String where = line > 0 ? "line " + line + ": " : "";
      if (entries != null) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : entries) b.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
        if (!kind.equals("OK")) b.append(kind).append(' ').append(where).append(message).append('\n');
        return b.toString();
      }
      return switch (kind) {
        case "VALUE" -> value;
        case "OK", "NOT_FOUND", "MISMATCH" -> kind;
        default -> kind + " " + where + message;
      };
    }

    /**
     * {@code {"status":"OK","value":"v"}} for a found value, {@code {"status":"OK"}} for a write,
     * {@code {"status":"NOT_FOUND"}}, {@code {"status":"MISMATCH"}}, and for failures
     * {@code {"status":"ERROR"|"INDEFINITE"|"USAGE","message":"..."}}; on stdin also {@code "line":N}.
     */
    String json() {
      StringBuilder b = new StringBuilder("{\"status\":");
      JsonString.append(b, kind.equals("VALUE") ? "OK" : kind);
      if (value != null) {
        b.append(",\"value\":");
        JsonString.append(b, value);
      }
      if (message != null) {
        b.append(",\"message\":");
        JsonString.append(b, message);
      }
      if (entries != null) {
        b.append(",\"count\":").append(entries.size()).append(",\"entries\":[");
        for (int i = 0; i < entries.size(); i++) {
          b.append(i == 0 ? "{\"key\":" : ",{\"key\":");
          JsonString.append(b, entries.get(i).getKey());
          b.append(",\"value\":");
          JsonString.append(b, entries.get(i).getValue());
          b.append('}');
        }
        b.append(']');
      }
      if (line > 0) b.append(",\"line\":").append(line);
      return b.append('}').toString();
    }
  }

  @Override
  public Integer call() throws Exception {
    Duration t;
    List<String> addrs;
    if (!output.equals("text") && !output.equals("json")) {
      System.err.println("client: --output must be text or json, got '" + output + "'");
      return 2;
    }
    boolean json = output.equals("json");
    try {
      t = Durations.parse(timeout);
      addrs = ShardKvClient.parseAddresses(cluster);
    } catch (IllegalArgumentException e) {
      System.err.println("client: " + e.getMessage());
      return 2;
    }
    if (limit != null) {
      if (words.isEmpty() || !words.get(0).equals("scan")) {
        System.err.println("client: --limit goes with scan only (scan [PREFIX] --limit N)");
        return 2;
      }
      if (limit < 1) {
        System.err.println("client: --limit must be at least 1, got " + limit);
        return 2;
      }
      words.add("--limit");
      words.add(String.valueOf(limit));
    }
    if (!words.isEmpty()) {
      // Usage is checked before connecting: a malformed command must not wait for a cluster.
      String usage = usageProblem(words);
      if (usage != null) {
        System.err.println("client: " + usage);
        return 2;
      }
    }
    try (ShardKvClient client = ShardKvClient.connect(addrs, ClientOptions.defaults().withCallTimeout(t))) {
      if (!words.isEmpty()) {
        Result r = execute(client, words);
        print(r, json);
        return r.failed() ? 1 : 0;
      }
      int failures = 0;
      int lineNo = 0;
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank() || line.strip().startsWith("#")) continue;
        Result r = executeLine(client, line).atLine(lineNo);
        if (r.failed()) failures++;
        print(r, json);
        System.out.flush();
      }
      return failures == 0 ? 0 : 1;
    }
  }

  private static void print(Result r, boolean json) {
    String out = r.render(json);
    if (r.entries() != null && !json) System.out.print(out); // a scan's lines end in \n already
    else System.out.println(out);
  }

  /** One stdin line, split by {@link InputLine}'s rule. */
  static Result executeLine(ShardKvClient c, String line) {
    List<String> w;
    try {
      w = InputLine.words(line);
      if (!w.isEmpty() && (w.get(0).equals("put") || w.get(0).equals("append"))) w = InputLine.opKeyRest(line);
    } catch (InputLine.QuoteException e) {
      return new Result("USAGE", null, e.getMessage(), 0);
    }
    return execute(c, w);
  }

  /** Null when {@code w} is a well-formed command, else what is wrong with it. */
  static String usageProblem(List<String> w) {
    String op = w.get(0);
    int n = w.size() - 1;
    return switch (op) {
      case "get" -> n == 1 ? null : "expected: get KEY (got " + n + " argument(s); quote a key with spaces)";
      case "delete" -> n == 1 ? null : "expected: delete KEY (got " + n + " argument(s); quote a key with spaces)";
      case "put", "append" -> n == 2 ? null
          : "expected: " + op + " KEY VALUE (got " + n + " argument(s); quote a key or value with spaces)";
      case "cas" -> n == 3 ? null : "expected: cas KEY EXPECTED NEW (EXPECTED '-' = key absent; got " + n + " argument(s))";
      case "scan" -> scanArguments(w) instanceof String problem ? problem : null;
      default -> "unknown operation '" + op + "' (get, put, append, cas, delete, scan)";
    };
  }

  private record ScanArgs(String prefix, long limit) {}

  /** {@code scan [PREFIX] [--limit N]} as {@link ScanArgs}, or a String saying what is wrong. */
  private static Object scanArguments(List<String> w) {
    String prefix = null;
    long lim = 0;
    String expected = "expected: scan [PREFIX] [--limit N]";
    for (int i = 1; i < w.size(); i++) {
      String a = w.get(i);
      if (a.equals("--limit")) {
        if (i + 1 >= w.size()) return expected + " (--limit needs a number)";
        try {
          lim = Long.parseLong(w.get(++i));
        } catch (NumberFormatException e) {
          return expected + " (--limit '" + w.get(i) + "' is not a number)";
        }
        if (lim < 1) return expected + " (--limit must be at least 1, got " + lim + ")";
      } else if (prefix == null) {
        prefix = a;
      } else {
        return expected + " (got a second prefix '" + a + "'; quote a prefix with spaces)";
      }
    }
    return new ScanArgs(prefix == null ? "" : prefix, lim);
  }

  /** Walks the scan; on a failed page, the keys so far and then the (definite) error. */
  private static Result scan(ShardKvClient c, ScanArgs a) {
    List<Map.Entry<String, String>> got = new ArrayList<>();
    try {
      KeyScan s = c.scan(a.prefix(), a.limit());
      while (s.hasNext()) got.add(s.next());
      return new Result("OK", null, null, 0, got);
    } catch (KvException e) {
      return new Result("ERROR", null, "scan failed after " + got.size() + " key(s); "
          + "the keys above were each printed once: " + e.getMessage(), 0, got);
    }
  }

  /** Runs one command given as its words (op first). */
  static Result execute(ShardKvClient c, List<String> w) {
    if (w.isEmpty()) return new Result("USAGE", null, "empty command", 0);
    String usage = usageProblem(w);
    if (usage != null) return new Result("USAGE", null, usage, 0);
    try {
      switch (w.get(0)) {
        case "get": {
          Optional<String> v = c.get(w.get(1));
          return v.map(s -> new Result("VALUE", s, null, 0)).orElse(Result.of("NOT_FOUND"));
        }
        case "put":
          c.put(w.get(1), w.get(2));
          return Result.of("OK");
        case "append":
          c.append(w.get(1), w.get(2));
          return Result.of("OK");
        case "cas":
          return Result.of(c.cas(w.get(1), w.get(2).equals("-") ? null : w.get(2), w.get(3)) ? "OK" : "MISMATCH");
        case "delete":
          return Result.of(c.delete(w.get(1)) ? "OK" : "NOT_FOUND");
        case "scan":
          return scan(c, (ScanArgs) scanArguments(w));
        default:
          throw new AssertionError(w.get(0)); // usageProblem rejected it
      }
    } catch (KvException e) {
      return new Result(e.definite() ? "ERROR" : "INDEFINITE", null, e.getMessage(), 0);
    } catch (IllegalArgumentException e) {
      return new Result("USAGE", null, e.getMessage(), 0);
    }
  }
}
