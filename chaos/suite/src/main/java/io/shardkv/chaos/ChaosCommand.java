package io.shardkv.chaos;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code shardkv chaos}: Jepsen-style campaigns ({@code run}), re-checking stored runs ({@code check}), the
 * results web server ({@code serve}) and the suite's own power against planted bugs ({@code mutants}).
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 254,
    description = {"Jepsen-style chaos campaigns against a multi-host ShardKV cluster.",
        "Exit status of run and check: 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 the test crashed."},
    subcommands = {ChaosRunCommand.class, ChaosCheckCommand.class, io.shardkv.chaos.serve.ChaosServeCommand.class,
        ChaosMutantsCommand.class})
public final class ChaosCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: run, check, serve or mutants");
  }
}
