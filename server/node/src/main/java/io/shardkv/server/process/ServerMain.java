package io.shardkv.server.process;

import picocli.CommandLine;

/** Entry point of a node JVM started by the harness's {@code io.shardkv.harness.LocalCluster}: the {@code server} command alone. */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) {
    int code = new CommandLine(new ServerCommand()).execute(args);
    if (code != 0) System.exit(code);
  }
}
