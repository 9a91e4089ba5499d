package io.shardkv.cli;

import io.shardkv.harness.ChaosRun;
import io.shardkv.harness.LocalCluster;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardkv demo}: a local cluster in a fresh directory, ~30 s of concurrent clients while a
 * group leader is kill -9'ed and restarted and a group leaves and joins, the history checked for
 * linearizability (kv model). Exit 0 linearizable, 1 not, 2 unknown (or the run could not happen).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"A local cluster under kill -9 and a group leave/join, its history checked.",
        "Starts a local cluster, runs concurrent clients under kill -9 and a group leave/join,",
        "checks the history for linearizability, prints the verdict, stops the cluster.",
        "Exit status: 0 linearizable, 1 not linearizable, 2 unknown or no run."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "run directory (default: a fresh shardkv-demo-<time> in the current directory)")
  Path dir;

  @Option(names = "--groups", defaultValue = "2", description = "shard groups (default 2)")
  int groups;

  @Option(names = "--replicas", defaultValue = "3", description = "nodes per group (default 3)")
  int replicas;

  @Option(names = "--clients", defaultValue = "5", description = "concurrent clients (default 5)")
  int clients;

  @Option(names = "--seconds", defaultValue = "30", description = "length of the client run (default 30)")
  int seconds;

  @Override
  public Integer call() throws Exception {
    if (dir == null) {
      dir = Path.of("shardkv-demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    if (Files.exists(dir.resolve(LocalCluster.CONFIG_FILE))) {
      System.err.println("demo: " + dir + " already holds a cluster; the demo needs a fresh directory");
      return 2;
    }
    // One server JVM per "host" (replicas of them), each hosting a replica of every group (docs/config.md).
    LocalCluster cluster = LocalCluster.openServers(dir, replicas, groups, replicas, LocalClusterCommand.classpath(), null);
    System.out.println("demo: starting " + cluster.config().servers().size() + " server JVMs in " + cluster.dir()
        + " (config center + " + groups + " groups x " + replicas + ", each server hosting a replica of every group)");
    try {
      cluster.startAll();
      cluster.awaitHealthyAndJoined(Duration.ofSeconds(180));
      System.out.println("demo: cluster=" + cluster.configCenterCsv());
      System.out.println("demo: " + clients + " clients for " + seconds + " s; the nemesis kills and restarts a leader, "
          + "then a group leaves and joins again");
      ChaosRun.Outcome out = new ChaosRun(cluster, s -> System.out.println("demo: " + s))
          .run(clients, Duration.ofSeconds(seconds), 5, System.nanoTime());
      System.out.printf("demo: ops: %d ok, %d fail, %d info (indefinite); %d acknowledged unique writes%n",
          out.ok(), out.fail(), out.info(), out.acked().size());
      System.out.println("demo: checking " + out.history().size() + " operations (kv model, per key)...");
      CheckResult result = ChaosRun.check(out.history(), Duration.ofSeconds(120));
      Path[] files = ChaosRun.write(cluster.dir().resolve("run"), out.history(), result);
      System.out.println("demo: history:        " + files[0]);
      System.out.println("demo: visualization:  " + files[1]);
      System.out.println("demo: node logs:      " + cluster.dir() + "/node-*.log");
      System.out.println("verdict: " + result.verdict().label() + " (" + result.ops() + " ops checked in "
          + result.millis() + " ms)");
      return result.verdict() == Verdict.LINEARIZABLE ? 0 : result.verdict() == Verdict.NOT_LINEARIZABLE ? 1 : 2;
    } catch (java.io.IOException e) {
      System.err.println("demo: " + e.getMessage());
      return 2;
    } finally {
      cluster.stopAll(Duration.ofSeconds(10));
      System.out.println("demo: cluster stopped");
    }
  }
}
