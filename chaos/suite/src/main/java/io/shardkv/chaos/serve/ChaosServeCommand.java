package io.shardkv.chaos.serve;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardkv chaos serve}: the store over HTTP — the table of all runs, each run's pages, the
 * live view of a run in progress. Binds 127.0.0.1 unless told otherwise; runs until stopped.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 254, sortOptions = false,
    description = {"Serve the store: a sortable, filterable table of all runs, each run's report pages, and a live view "
        + "(ops/s, verdict so far) of a run in progress.",
        "Last line once listening: url=http://ADDR:PORT/. Runs until Ctrl-C.",
        "Exit status: 254 bad arguments (no store there, the port in use), 0 after Ctrl-C."})
public final class ChaosServeCommand implements Callable<Integer> {
  @Option(names = "--store", defaultValue = "store", paramLabel = "DIR", description = "the store to serve. Default: ${DEFAULT-VALUE}")
  Path store;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "P", description = "the port (0: any free port). Default: ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
      description = "the address to listen on; another than loopback lets anyone who reaches it read the store. "
          + "Default: ${DEFAULT-VALUE}")
  String bind;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      System.err.println("chaos serve: --port must be in 0..65535, got " + port);
      return 254;
    }
    StoreServer server;
    try {
      server = StoreServer.start(store, bind, port);
    } catch (StoreServer.ServeException e) {
      System.err.println("chaos serve: " + e.getMessage());
      return 254;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stop.countDown();
    }, "chaos-serve-stop"));
    if (!bind.equals("127.0.0.1") && !bind.equals("localhost") && !bind.equals("::1")) {
      System.out.println("chaos serve: listening on " + bind + ": anyone who can reach it can read the store");
    }
    String host = bind.contains(":") ? "[" + bind + "]" : bind;
    System.out.println("chaos serve: " + server.router().store() + " (Ctrl-C stops)");
    System.out.println("url=http://" + host + ":" + server.port() + "/");
    System.out.flush();
    stop.await();
    return 0;
  }
}
