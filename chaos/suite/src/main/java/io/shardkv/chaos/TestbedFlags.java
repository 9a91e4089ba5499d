package io.shardkv.chaos;

import io.shardkv.chaos.control.HostList;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options that say how a testbed is built (SSH access, lab size, ports, tick, tracing, setup timeout), shared
 * by {@code chaos run} and {@code chaos mutants} as one picocli mixin so both spell, default and check
 * them the same way. {@code --local-groups} is not here: the two commands default it differently.
 */
final class TestbedFlags {
  @Option(names = "--ssh-user", defaultValue = "root", paramLabel = "USER",
      description = "with --nodes (and nodes-file lines that leave it out): the SSH user; not root: passwordless sudo. "
          + "Default: ${DEFAULT-VALUE}")
  String sshUser = "root";

  @Option(names = "--ssh-port", defaultValue = "22", paramLabel = "PORT",
      description = "with --nodes (and nodes-file lines that leave it out): the SSH port. Default: ${DEFAULT-VALUE}")
  int sshPort = 22;

  @Option(names = "--ssh-key", paramLabel = "FILE",
      description = "with --nodes (and nodes-file lines that leave it out): the private key (default: ~/.ssh's default keys)")
  Path sshKey;

  @Option(names = "--lab-hosts", defaultValue = "5", paramLabel = "N",
      description = "with --lab: the number of lab hosts (a lab that is up keeps its own). Default: ${DEFAULT-VALUE}")
  int labHosts = 5;

  @Option(names = "--lab-dir", paramLabel = "DIR",
      description = "with --lab: the lab's directory (default: /var/lib/shardkv-lab, as bin/shardkv lab)")
  Path labDir;

  @Option(names = "--local-hosts", defaultValue = "3", paramLabel = "N",
      description = "with --local: replicas per group, one per simulated host. Default: ${DEFAULT-VALUE}")
  int localHosts = 3;

  @Option(names = "--shard-groups", defaultValue = "2", paramLabel = "G",
      description = "with --nodes, --nodes-file or --lab: shard groups of 3 replicas, besides the config center of 3. "
          + "Default: ${DEFAULT-VALUE}")
  int shardGroups = 2;

  @Option(names = "--first-port", defaultValue = "7000", paramLabel = "P",
      description = "with --nodes, --nodes-file or --lab: each host's one server process (hosting its replicas of every group) "
          + "listens on P and serves /status on P+1000 (choose another port where something else uses 7000, e.g. an "
          + "Ansible-deployed cluster). Default: ${DEFAULT-VALUE}")
  int firstPort = 7000;

  @Option(names = "--tick-ms", paramLabel = "MS",
      description = "the servers' tick (cluster setting tick-ms; elections and heartbeats are counted in ticks): larger on "
          + "slow hosts such as software-emulated VMs. Default: docs/config.md's")
  Integer tickMs;

  @Option(names = "--trace",
      description = "run the servers with trace = true (docs/config.md): their logs, collected into the run's directory "
          + "(HOST/node-ID.log), carry Raft and app-layer trace lines, and an invalid run's counterexample links each op to "
          + "the trace lines (file:line) of the log entry that served it. Logs grow large; off by default")
  boolean trace;

  @Option(names = "--setup-timeout", defaultValue = "120", paramLabel = "S",
      description = "with --nodes, --nodes-file or --lab: how long the setup waits for every group's leader and the joins. "
          + "Default: ${DEFAULT-VALUE}")
  double setupTimeout = 120;

  /** Checks these options for a testbed of kind {@code where}; throws {@link IllegalArgumentException} saying what is wrong. */
  void validate(ChaosRunCommand.Where where) {
    if (sshPort < 1 || sshPort > 65535) {
      throw new IllegalArgumentException("--ssh-port must be in 1..65535, got " + sshPort);
    }
    if (shardGroups < 1) {
      throw new IllegalArgumentException("--shard-groups must be at least 1, got " + shardGroups);
    }
    if (firstPort < 1024 || firstPort + 1000 > 65535) {
      throw new IllegalArgumentException("--first-port must be in 1024.." + (65535 - 1000) + " (each server's admin port is P+1000), got "
          + firstPort);
    }
    if (tickMs != null && (tickMs < 1 || tickMs > 10_000)) {
      throw new IllegalArgumentException("--tick-ms must be in 1..10000, got " + tickMs);
    }
    if (!(setupTimeout > 0)) {
      throw new IllegalArgumentException("--setup-timeout must be positive, got " + setupTimeout);
    }
    if (where.lab && labHosts < 3) {
      throw new IllegalArgumentException("--lab-hosts must be at least 3 (groups of 3 replicas, one per host)");
    }
  }

  /** The SSH defaults for hosts that do not name their own port, user or key. */
  HostList.Defaults sshDefaults() {
    return new HostList.Defaults(sshPort, sshUser, sshKey);
  }
}
