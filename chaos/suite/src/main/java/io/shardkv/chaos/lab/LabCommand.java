package io.shardkv.chaos.lab;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Host;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardkv lab up|down|status}: a multi-host cluster on one machine (network namespaces).
 * Exit status: 0 done (status: the lab is up and every host answers SSH), 1 failed or (status) the
 * lab is down or unhealthy, 2 bad arguments, 3 this machine cannot host a lab (not root, or a
 * package missing: the message says which).
 */
@Command(name = "lab", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    description = {"A multi-host lab on this machine (network namespaces, one sshd and fake clock each).",
        "Hosts n1..nN are network namespaces joined by a bridge (198.19.0.0/24, this machine is",
        "198.19.0.254), each with its own sshd, directory and fake clock.",
        "Needs root and the Debian packages iproute2, iptables, openssh-server, faketime."},
    subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class})
public final class LabCommand implements Runnable {
  static final int UNAVAILABLE = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: up, down or status");
  }

  /** The lab directory option shared by the subcommands. */
  static final class DirOption {
    @Option(names = "--dir", paramLabel = "DIR", description = "the lab's directory (state, keys, host dirs; default: ${DEFAULT-VALUE})")
    Path dir = Lab.DEFAULT_DIR;
  }

  private static int fail(ChaosException e) {
    System.err.println("lab: " + e.getMessage());
    return e instanceof LabUnavailableException ? UNAVAILABLE : 1;
  }

  @Command(name = "up", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
      description = {"Bring the lab up (idempotent: repairs what is missing, keeps what runs).",
          "The last two lines are nodes-file=PATH and inventory=PATH."})
  static final class Up implements Callable<Integer> {
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Option(names = "--hosts", paramLabel = "N", description = "number of hosts n1..nN (default: ${DEFAULT-VALUE})")
    int hosts = 5;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (hosts < 1 || hosts > Lab.MAX_HOSTS) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--hosts must be in 1.." + Lab.MAX_HOSTS + ", got " + hosts);
      }
      try {
        Lab.Info info = Lab.at(dir.dir).up(hosts, System.out::println);
        for (Host h : info.hosts()) {
          System.out.println(h.name() + " " + h.address() + " ssh " + h.user() + "@" + h.address() + ":" + h.sshPort()
              + " dir=" + info.hostDir(h.name()) + " clock=" + info.clockFile(h.name()));
        }
        System.out.println("key=" + info.keyFile());
        System.out.println("known-hosts=" + info.knownHosts());
        System.out.println("nodes-file=" + info.nodesFile());
        System.out.println("inventory=" + info.inventory());
        return 0;
      } catch (ChaosException e) {
        return fail(e);
      }
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
      description = {"Remove every namespace, link, firewall rule, sshd and server process the lab made,",
          "also after a crash. The lab directory (keys, logs) stays."})
  static final class Down implements Callable<Integer> {
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Override
    public Integer call() {
      try {
        Lab.at(dir.dir).down(System.out::println);
        return 0;
      } catch (ChaosException e) {
        return fail(e);
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
      description = {"One line per host (namespace, sshd, SSH answering, other processes), then",
          "lab=up|down|unhealthy. Exit 0 only when up and healthy."})
  static final class Status implements Callable<Integer> {
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Override
    public Integer call() {
      try {
        if (!Lab.isRoot()) throw new LabUnavailableException("lab status needs root (it reads the network namespaces)");
        Lab lab = Lab.at(dir.dir);
        List<Lab.HostStatus> hosts = lab.status();
        for (Lab.HostStatus h : hosts) {
          System.out.println("n" + h.k() + " " + Lab.address(h.k()) + " netns=" + (h.netns() ? Lab.netns(h.k()) : "missing")
              + " sshd=" + h.sshd().map(p -> "pid " + p).orElse("not running")
              + " ssh=" + (h.sshAnswers() ? "answers" : "no answer") + " processes=" + h.otherProcesses());
        }
        boolean recorded = lab.recordedHosts().isPresent();
        String verdict = hosts.isEmpty() && !recorded ? "down"
            : recorded && !hosts.isEmpty() && hosts.stream().allMatch(Lab.HostStatus::healthy) ? "up" : "unhealthy";
        System.out.println("dir=" + lab.dir());
        System.out.println("lab=" + verdict);
        return verdict.equals("up") ? 0 : 1;
      } catch (ChaosException e) {
        return fail(e);
      }
    }
  }
}
