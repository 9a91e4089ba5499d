package io.shardkv.server.process;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardkv server --config FILE --node ID}: runs one node of the cluster described by FILE
 * until SIGTERM/SIGINT (graceful: stop accepting, close links, close the storage). Logs go to
 * {@code <parent of the node's data dir>/node-<ID>.log} unless {@code --log} says otherwise.
 */
@Command(name = "server", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = "Run one ShardKV server process (a config-center node or a shard-group node).")
public final class ServerCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "the cluster config file (docs/config.md)")
  Path config;

  @Option(names = {"--node", "--server"}, required = true, paramLabel = "ID", description = "which server (or, in the older node format, node) of the config file this process is")
  int node;

  @Option(names = "--log", paramLabel = "FILE", description = "log file (default: node-ID.log next to the node's data dir)")
  Path logFile;

  @Override
  public Integer call() throws Exception {
    ClusterConfig cluster;
    try {
      cluster = ClusterConfig.load(config);
      cluster.server(node);
    } catch (ClusterConfig.ConfigException e) {
      System.err.println("shardkv server: " + e.getMessage());
      return 2;
    }
    ClusterConfig.Server self = cluster.server(node);
    Path log = logFile != null ? logFile : self.dir().toAbsolutePath().getParent().resolve("node-" + node + ".log");
    // Before the first logger is created (no class used so far logs).
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "shardkv-node-logback.xml");
    }
    System.setProperty("shardkv.log.file", log.toString());
    if (cluster.settings().trace() && System.getProperty("shardkv.log.level") == null) {
      // `trace = true` in the config: the trace logger must let TRACE lines through (docs/config.md).
      System.setProperty("shardkv.log.level", "TRACE");
    }
    NodeServer server;
    try {
      server = NodeServer.start(cluster, node);
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("shardkv server: node " + node + " could not start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "shutdown"));
    List<Integer> groups = server.hostedGroups();
    System.out.println("node " + node + " (" + (groups.isEmpty() ? "no group yet: a spare" : "group" + (groups.size() == 1 ? " " + groups.get(0)
        : "s " + String.join(",", groups.stream().map(String::valueOf).toList()))) + ") serving " + self.address()
        + ", admin http://" + self.adminHost() + ":" + self.adminPort() + "/status, log " + log);
    System.out.flush();
    stopped.await();
    return 0;
  }
}
