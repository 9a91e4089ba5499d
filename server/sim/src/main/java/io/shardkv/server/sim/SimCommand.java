package io.shardkv.server.sim;

import io.shardkv.server.sim.raft.RaftSimCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code shardkv sim}: deterministic simulations. Each simulated system is a subcommand
 * ({@code raft}; the sharded KV adds its own).
 */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    description = "Deterministic, seeded simulations: one thread, a virtual clock, a simulated network and disk.",
    subcommands = {RaftSimCommand.class, io.shardkv.server.sim.shardkv.ShardKvSimCommand.class})
public final class SimCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
