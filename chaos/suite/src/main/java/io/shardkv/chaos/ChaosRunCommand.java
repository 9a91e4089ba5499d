package io.shardkv.chaos;

import io.shardkv.chaos.checker.Validity;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.control.HostList;
import io.shardkv.chaos.db.Topology;
import io.shardkv.chaos.lab.Lab;
import io.shardkv.chaos.local.LoopbackTestbed;
import io.shardkv.chaos.nemesis.Nemeses;
import io.shardkv.chaos.run.Campaign;
import io.shardkv.chaos.run.TestSpec;
import io.shardkv.chaos.workload.Workload;
import io.shardkv.server.process.ClusterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardkv chaos run}: one or more campaigns. Last line {@code verdict=valid|invalid|unknown
 * store=PATH}; exit 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 the test crashed.
 */
@Command(name = "run", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 254, sortOptions = false,
    description = {"Run a Jepsen-style campaign against a ShardKV cluster.",
        "Sets the cluster up on the hosts, runs concurrent clients while the nemesis injects faults, undoes the faults,",
        "reads every key once more, tears the cluster down, checks the history.",
        "Everything lands in STORE/<test>/<yyyyMMddTHHmmss>/ (STORE/latest points there).",
        "Last line: verdict=valid|invalid|unknown store=PATH.",
        "Exit status: 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 the test crashed."})
public final class ChaosRunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static final class Where {
    @Option(names = "--nodes", paramLabel = "HOST", split = ",",
        description = "the hosts, reached over SSH as root (see docs/chaos.md, Hosts)")
    List<String> nodes;

    @Option(names = "--nodes-file", paramLabel = "FILE",
        description = "the hosts, one per line: address, ssh port, user, key file (docs/chaos.md, Hosts)")
    Path nodesFile;

    @Option(names = "--lab", description = "the multi-host lab on this machine (network namespaces; needs root); brought up if needed")
    boolean lab;

    @Option(names = "--local", description = "no hosts: server JVMs on 127.0.0.1, one per simulated host (for developing the suite; only the kill, pause, "
        + "reconfig and trigger nemeses)")
    boolean local;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Where where;

  @Option(names = "--workload", defaultValue = "register", paramLabel = "W",
      description = "register (read/write/cas per key, cas-register model), append (append/get, kv model + exactly-once order check) "
          + "or set (unique adds, final reads: lost/stale/unexpected/duplicated). Default: ${DEFAULT-VALUE}")
  String workload;

  @Option(names = "--nemesis", paramLabel = "LIST",
      description = "faults: none, all, or a comma-separated list of partition, clock, kill, pause, reconfig, trigger, member, power, "
          + "power-strike (power: kill -9 and lose what was not fsynced; needs FUSE on the hosts; power-strike: the same, struck "
          + "when a shard group is busy, its leader's host last down and last up; neither is part of all), stale-leader (a shard-group "
          + "leader's host cut off from the other hosts, not from the clients, its servers' timers stopped by a clock step; "
          + "not part of all; pair it with --home-clients), vote-strike (an election provoked by killing a busy group's leader, the "
          + "voter's power cut on a slowed disk right after it voted; not part of all). "
          + "Default: all (with --local: kill,pause,reconfig,trigger)")
  String nemesis;

  @Option(names = "--nemesis-interval", defaultValue = "10", paramLabel = "S",
      description = "mean seconds between the ops of one fault class (each class on its own schedule). Default: ${DEFAULT-VALUE}")
  double nemesisInterval;

  @Option(names = "--nemesis-targets", defaultValue = "one,minority,majority,leaders,all", paramLabel = "LIST",
      description = "the host specs kill and pause choose from at random: one, minority, majority, leaders, all. "
          + "Default: ${DEFAULT-VALUE}")
  String nemesisTargets;

  @Option(names = "--time-limit", defaultValue = "60", paramLabel = "S",
      description = "seconds of clients and faults, before healing and the final reads. Default: ${DEFAULT-VALUE}")
  double timeLimit;

  @Option(names = "--concurrency", defaultValue = "10", paramLabel = "N", description = "client threads. Default: ${DEFAULT-VALUE}")
  int concurrency;

  @Option(names = "--rate", defaultValue = "100", paramLabel = "R",
      description = "client ops per second in total, randomly spaced (0: as fast as the clients go). Default: ${DEFAULT-VALUE}")
  double rate;

  @Option(names = "--key-count", defaultValue = "5", paramLabel = "K",
      description = "keys worked on at once; the client threads split into K groups, one key each. Default: ${DEFAULT-VALUE}")
  int keyCount;

  @Option(names = "--ops-per-key", defaultValue = "200", paramLabel = "N",
      description = "ops on one key before its group moves to a fresh key (keeps each key checkable). Default: ${DEFAULT-VALUE}")
  int opsPerKey;

  @Option(names = "--seed", paramLabel = "N",
      description = "seed of every random choice of clients and nemesis (default: random; recorded in test.edn)")
  Long seed;

  @Option(names = "--test-count", defaultValue = "1", paramLabel = "K",
      description = "run the campaign K times (seeds SEED, SEED+1, ...); the verdict is the worst. Default: ${DEFAULT-VALUE}")
  int testCount;

  @Option(names = "--store", defaultValue = "store", paramLabel = "DIR", description = "where runs are kept. Default: ${DEFAULT-VALUE}")
  Path store;

  @Option(names = "--quiet", defaultValue = "10", paramLabel = "S",
      description = "seconds to wait after healing before the final reads. Default: ${DEFAULT-VALUE}")
  double quiet;

  @Option(names = "--op-timeout", defaultValue = "5", paramLabel = "S",
      description = "bound on one client op, retries included; past it a write is :info, a read :fail. Default: ${DEFAULT-VALUE}")
  double opTimeout;

  @Option(names = "--check-timeout", defaultValue = "300", paramLabel = "S",
      description = "time the linearizability checker may take; keys undecided by then make the verdict unknown. Default: ${DEFAULT-VALUE}")
  double checkTimeout;

  @Option(names = "--home-clients",
      description = "bind each client to a home host (dealt round-robin over the hosts, as Jepsen binds processes to nodes): "
          + "every key operation asks that host's server first, whoever leads, and follows redirects from there. "
          + "Default: off, clients follow the leader")
  boolean homeClients;

  @CommandLine.Mixin
  TestbedFlags bed = new TestbedFlags();

  @Option(names = "--local-groups", defaultValue = "2", paramLabel = "G",
      description = "with --local: shard groups. Default: ${DEFAULT-VALUE}")
  int localGroups;

  @Option(names = "--snapshot-bytes", defaultValue = "65536", paramLabel = "N",
      description = "the servers' snapshot threshold (cluster setting snapshot-bytes); small, so runs exercise snapshot "
          + "installs. Default: ${DEFAULT-VALUE}")
  long snapshotBytes;

  @Option(names = "--session-idle-seconds", defaultValue = "600", paramLabel = "S",
      description = "the servers' client-session idle limit (cluster setting session-idle-seconds, docs/sessions.md; --lab, --nodes): "
          + "0 (never expire) or at least 60. Default: ${DEFAULT-VALUE}")
  long sessionIdleSeconds;

  @Option(names = "--unsafe-disable-dedup",
      description = "TEST-ONLY, deliberately broken: servers run with duplicate detection off (unsafe-disable-dedup = true), "
          + "so retried writes apply twice; such a campaign must come out invalid")
  boolean unsafeDisableDedup;

  /** TEST-ONLY: planted bugs the servers run with (set by {@code chaos mutants}, never by an option of run). */
  java.util.Set<io.shardkv.server.replica.PlantedBug> plantedBugs = java.util.Set.of();

  @Override
  public Integer call() {
    List<String> nemeses;
    List<String> targets;
    try {
      targets = Nemeses.parseTargets(nemesisTargets);
      validate();
      nemeses = Nemeses.parse(nemesis != null ? nemesis : where.local ? "kill,pause,reconfig,trigger" : "all");
      if (where.local && (nemeses.contains("partition") || nemeses.contains("clock") || nemeses.contains("stale-leader"))) {
        throw new IllegalArgumentException("--local cannot inject partitions or clock faults (its nodes share this machine's "
            + "network and clock); use --lab or --nodes for those, or --nemesis kill,pause,reconfig,trigger");
      }
      if (where.local && Nemeses.losesPower(nemeses)) {
        throw new IllegalArgumentException("--local cannot run the power nemesis (its servers' data is on this machine's own"
            + " file system, without the layer that drops unsynced writes); use --lab or --nodes for it");
      }
      if (where.local && nemeses.contains("member")) {
        throw new IllegalArgumentException("--local cannot run the member nemesis (its cluster has no spare server ids to host"
            + " fresh replicas on); use --lab or --nodes for it");
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    long s = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
    Validity worst = Validity.VALID;
    Path worstDir = null;
    String kind = where.local ? "local" : where.lab ? "lab" : "nodes";
    TestSpec base = new TestSpec(workload, nemeses, nemesisInterval, targets, timeLimit, concurrency, rate, keyCount, opsPerKey, s,
        quiet, opTimeout, kind, List.of(), unsafeDisableDedup).withTrace(bed.trace).withHomeClients(homeClients);
    try {
      for (int i = 0; i < testCount; i++) {
        TestSpec t = base.withSeed(s + i);
        Campaign.Outcome o = Campaign.run(t, this::testbed, store, System.out, Duration.ofMillis((long) (checkTimeout * 1000)));
        if (testCount > 1) {
          System.out.println("run " + (i + 1) + "/" + testCount + ": verdict=" + o.verdict().word() + " store=" + o.dir());
        }
        if (worstDir == null || o.verdict().and(worst) != worst) {
          worst = o.verdict().and(worst);
          worstDir = o.dir();
        }
      }
    } catch (ChaosException e) {
      System.err.println("chaos run: the test crashed: " + e.getMessage());
      return 255;
    } catch (Exception e) {
      System.err.println("chaos run: the test crashed: " + e);
      e.printStackTrace();
      return 255;
    }
    System.out.println("verdict=" + worst.word() + " store=" + worstDir);
    return worst.exitCode();
  }

  /** Checks the options and parses the hosts; throws {@link IllegalArgumentException} saying what is wrong. */
  void validate() {
    if (!Workload.NAMES.contains(workload)) {
      throw new IllegalArgumentException("--workload must be one of " + Workload.NAMES + ", got '" + workload + "'");
    }
    positive("--concurrency", concurrency);
    positive("--key-count", keyCount);
    positive("--ops-per-key", opsPerKey);
    positive("--test-count", testCount);
    positive("--time-limit", timeLimit);
    positive("--nemesis-interval", nemesisInterval);
    positive("--op-timeout", opTimeout);
    positive("--check-timeout", checkTimeout);
    if (rate < 0 || quiet < 0 || snapshotBytes < 0) {
      throw new IllegalArgumentException("--rate, --quiet and --snapshot-bytes must not be negative");
    }
    if (sessionIdleSeconds != 0 && sessionIdleSeconds < ClusterConfig.MIN_SESSION_IDLE_SECONDS) {
      throw new IllegalArgumentException("--session-idle-seconds must be 0 (never expire) or at least "
          + ClusterConfig.MIN_SESSION_IDLE_SECONDS + " (docs/sessions.md), got " + sessionIdleSeconds);
    }
    if (where.local && (bed.localHosts < 1 || localGroups < 1)) {
      throw new IllegalArgumentException("--local-hosts and --local-groups must be at least 1");
    }
    if (where.nodesFile != null && !Files.isReadable(where.nodesFile)) {
      throw new IllegalArgumentException("--nodes-file " + where.nodesFile + " is not a readable file");
    }
    bed.validate(where);
    HostList.Defaults d = bed.sshDefaults();
    if (where.nodes != null) {
      hosts = HostList.parseNodes(where.nodes, d);
    } else if (where.nodesFile != null) {
      hosts = HostList.parseFile(where.nodesFile, d);
    }
  }

  /** The hosts of --nodes / --nodes-file, parsed (and checked) before anything runs. */
  private List<Host> hosts = List.of();

  private static void positive(String name, double v) {
    if (!(v > 0)) {
      throw new IllegalArgumentException(name + " must be positive, got " + v);
    }
  }

  /** The testbed of one run; {@code runDir} is the run's directory. */
  Testbed testbed(Path runDir) {
    if (where.local) {
      try {
        Path dir = Files.createTempDirectory("shardkv-chaos-local-");
        return new LoopbackTestbed(dir, bed.localHosts, localGroups, unsafeDisableDedup, plantedBugs, snapshotBytes,
            System.getProperty("java.class.path")).withTrace(bed.trace);
      } catch (java.io.IOException e) {
        throw new ChaosException("cannot create a directory for the local cluster: " + e.getMessage(), e);
      }
    }
    TestbedOptions options = TestbedOptions.defaults(runDir)
        .withSettings(settings(snapshotBytes, unsafeDisableDedup, bed.tickMs, bed.trace).withUnsafe(plantedBugs(unsafeDisableDedup, plantedBugs))
            .withSessionIdleMillis(sessionIdleSeconds * 1000))
        .withShape(new Topology.Shape(3, bed.shardGroups, 3, bed.firstPort, bed.firstPort + 1000))
        .withSetupTimeout(Duration.ofMillis((long) (bed.setupTimeout * 1000)));
    if (where.lab) {
      return Testbeds.lab(bed.labDir != null ? bed.labDir : Lab.DEFAULT_DIR, bed.labHosts, options, line -> System.out.println("lab: " + line));
    }
    return Testbeds.open(hosts, options);
  }

  private static java.util.Set<io.shardkv.server.replica.PlantedBug> plantedBugs(boolean noDedup,
      java.util.Set<io.shardkv.server.replica.PlantedBug> bugs) {
    java.util.EnumSet<io.shardkv.server.replica.PlantedBug> all = java.util.EnumSet.noneOf(io.shardkv.server.replica.PlantedBug.class);
    all.addAll(bugs);
    if (noDedup) all.add(io.shardkv.server.replica.PlantedBug.NO_DEDUP);
    return all;
  }

  /**
   * The servers' cluster settings: the defaults of docs/config.md with these changed (tick: null keeps the default;
   * trace: {@code trace = true}, --trace).
   */
  static ClusterConfig.Settings settings(long snapshotBytes, boolean unsafeDisableDedup, Integer tickMs, boolean trace) {
    ClusterConfig.Settings d = Topology.defaultSettings();
    return new ClusterConfig.Settings(d.shards(), tickMs != null ? tickMs : d.tickMillis(), d.electionMinTicks(), d.electionMaxTicks(),
        d.heartbeatTicks(), d.requestTimeoutTicks(), snapshotBytes, d.fsync(), trace || d.trace(), unsafeDisableDedup);
  }

}
