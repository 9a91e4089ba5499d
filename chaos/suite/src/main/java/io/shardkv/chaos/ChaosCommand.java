package io.shardkv.chaos;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shardkv chaos}: Jepsen-style campaigns. Subcommands are added by the suite (run, check, ...). */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Jepsen-style chaos campaigns against a multi-host ShardKV cluster.")
public final class ChaosCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
