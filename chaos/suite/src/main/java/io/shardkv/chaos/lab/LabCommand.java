package io.shardkv.chaos.lab;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shardkv lab up|down|status}: a multi-host cluster on one machine (network namespaces). */
@Command(name = "lab", mixinStandardHelpOptions = true,
    description = "A multi-host lab on this machine: network namespaces joined by a bridge, each with its own sshd.")
public final class LabCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: up, down or status");
  }
}
