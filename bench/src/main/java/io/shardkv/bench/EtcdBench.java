package io.shardkv.bench;

import io.shardkv.cli.BenchFigures;
import io.shardkv.cli.LoadOptions;
import io.shardkv.cli.LoadRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench-etcd}: the loads of {@code bin/shardkv bench} against etcd 3.4 (issue 13's
 * side-by-side figures), run by the same {@link LoadRunner} (closed-loop clients, one thread and one
 * operation in flight each, the same keys, only the load window timed) and printed in the same
 * lines ({@link BenchFigures}; the JSON objects start with {@code "target":"etcd","client":...}).
 * Without {@code --endpoints} it starts a 3-member etcd on loopback in a temporary directory and
 * stops it (by pid) afterwards. Every client talks to the leader's endpoint, as the ShardKV driver
 * talks to its group's leader (a follower would forward the proposal: one more hop).
 *
 * <p>{@code --client grpc} (the default) uses jetcd over etcd's native gRPC API, as etcd's own
 * clients do; {@code --client json} uses etcd's v3 JSON gateway over HTTP/1.1, which costs etcd a
 * JSON translation and a connection per request and so flatters our ratios.
 *
 * <p>Benchmark-only: this module is on no product classpath (docs/bench-etcd.md).
 */
@Command(name = "bench-etcd", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"Closed-loop benchmark of etcd 3.4 with the loads and output lines of 'bin/shardkv bench'.",
        "Without --clients: Serial Read Write (1 client), Concurrent Proposal (100 clients).",
        "Without --endpoints: starts 3 etcd members on 127.0.0.1 in a temporary directory, stops them after."})
public final class EtcdBench implements Callable<Integer> {
  @Option(names = "--endpoints", paramLabel = "URLS", description = "client URLs of a running etcd (default: start one)")
  String endpoints;

  @Option(names = "--etcd", defaultValue = "etcd", paramLabel = "PATH", description = "the etcd binary (default: etcd on PATH)")
  String etcd;

  @Option(names = "--members", defaultValue = "3", description = "members of the started cluster (default 3)")
  int members;

  @Option(names = "--dir", description = "directory for the started cluster (default: a fresh temporary one, deleted after)")
  Path dir;

  @Option(names = "--client", defaultValue = "grpc", paramLabel = "grpc|json",
      description = "etcd's API: grpc (jetcd, the default) or json (the v3 JSON gateway over HTTP/1.1)")
  ClientKind client;

  @Mixin
  LoadOptions load = new LoadOptions();

  final String prefix = "bench-" + Long.toString(System.currentTimeMillis(), 36) + "-";

  /** The API the benchmark clients use; its name is the {@code "client"} field of the JSON objects. */
  enum ClientKind {
    grpc,
    json
  }

  /** Each operation's timeout, as {@code shardkv bench}'s call timeout. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  public static void main(String[] args) {
    System.exit(new CommandLine(new EtcdBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!load.valid() || members < 1) {
      System.err.println("bench-etcd: " + LoadOptions.RANGES + ", --members >= 1");
      return 2;
    }
    List<String> given = new ArrayList<>();
    for (String e : endpoints == null ? new String[0] : endpoints.split(",", -1)) {
      if (!isHttpEndpoint(e)) {
        System.err.println("bench-etcd: --endpoints: '" + e + "' is not an etcd client URL; give them as "
            + "http://HOST:PORT,http://HOST:PORT,... (the members' --advertise-client-urls)");
        return 2;
      }
      given.add(e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
    }
    System.err.println("bench-etcd: load average " + loadAverage() + " (figures on a loaded machine are noise)");
    EtcdCluster started = null;
    try {
      List<String> urls;
      if (endpoints != null) {
        urls = given;
      } else {
        started = EtcdCluster.start(etcd, dir, members, Duration.ofSeconds(60));
        urls = started.endpoints();
        System.err.println("bench-etcd: started " + members + " etcd member(s) in " + started.dir() + " (pids "
            + started.pids() + ")");
      }
      HttpClient http = EtcdJsonClient.httpClient();
      String leader = EtcdJsonClient.leaderOf(http, urls);
      System.err.println("bench-etcd: client " + client + " ("
          + (client == ClientKind.grpc ? "jetcd, gRPC" : "v3 JSON gateway, HTTP/1.1") + "), every client to the leader "
          + leader);
      String label = "etcd " + urls.size() + " member" + (urls.size() == 1 ? "" : "s");
      List<Integer> loads = load.clients() != null ? List.of(load.clients()) : List.of(1, 100);
      LoadRunner runner = new LoadRunner("bench-etcd", load, prefix);
      List<BenchFigures> all = new ArrayList<>();
      for (int n : loads) {
        String name = (load.clients() != null ? "Custom" : n == 1 ? "Serial Read Write" : "Concurrent Proposal") + " ("
            + n + " client" + (n == 1 ? "" : "s") + ", " + label + ")";
        BenchFigures f;
        if (client == ClientKind.grpc) {
          // One jetcd client (one gRPC channel) per load, shared by its clients' sessions.
          try (EtcdGrpcClient grpc = new EtcdGrpcClient(leader, CALL_TIMEOUT)) {
            f = runner.run(name, n, grpc::session);
          }
        } else {
          EtcdJsonClient jsonClient = new EtcdJsonClient(http, leader, CALL_TIMEOUT);
          f = runner.run(name, n, () -> jsonClient);
        }
        all.add(f);
        if (load.json()) System.out.println(f.json(jsonLead(client), 1, prefix, load.valueSize(), load.readRatio(), load.warmup()));
      }
      if (!load.json()) System.out.print(BenchFigures.table(all));
      return 0;
    } catch (java.io.IOException e) {
      System.err.println("bench-etcd: " + e.getMessage());
      return 1;
    } finally {
      if (started != null) {
        started.close();
        System.err.println("bench-etcd: stopped the etcd members" + (dir == null ? " and deleted their directory" : ""));
      }
    }
  }

  /** The fields in front of {@code shardkv bench}'s in each JSON object: which store, which API. */
  static String jsonLead(ClientKind client) {
    return "\"target\":\"etcd\",\"client\":\"" + client + "\",";
  }

  /** True for {@code http://HOST:PORT} (what etcd's {@code --advertise-client-urls} lists). */
  static boolean isHttpEndpoint(String e) {
    try {
      URI u = new URI(e);
      return "http".equals(u.getScheme()) && u.getHost() != null && u.getPort() > 0
          && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/")) && u.getQuery() == null;
    } catch (java.net.URISyntaxException ex) {
      return false;
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
