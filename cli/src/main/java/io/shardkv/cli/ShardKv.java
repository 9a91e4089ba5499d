package io.shardkv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one top command behind {@code bin/shardkv}. Each module owns its subcommands; this class only
 * lists them. Adding a tool means adding its command class to {@code subcommands} below.
 */
@Command(
    name = "shardkv",
    mixinStandardHelpOptions = true,
    versionProvider = ShardKv.Version.class,
    description = "ShardKV: a sharded key-value store replicated with Raft, and the tools that prove it correct.",
    subcommands = {
        CommandLine.HelpCommand.class,
        io.shardkv.linearizability.cli.CheckCommand.class,
        io.shardkv.server.sim.SimCommand.class,
        io.shardkv.server.process.ServerCommand.class,
        LocalClusterCommand.class,
        ClientCommand.class,
        CtlCommand.class,
        DemoCommand.class,
        BenchCommand.class,
        io.shardkv.chaos.ChaosCommand.class,
        io.shardkv.chaos.lab.LabCommand.class,
    })
public final class ShardKv implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand given: show what there is, and fail like any other usage error.
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ShardKv()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ShardKv.class.getPackage().getImplementationVersion();
      return new String[] {"shardkv " + (v == null ? "(development build)" : v)};
    }
  }
}
