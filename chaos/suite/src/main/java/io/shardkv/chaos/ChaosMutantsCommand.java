package io.shardkv.chaos;

import io.shardkv.chaos.checker.Validity;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.nemesis.Nemeses;
import io.shardkv.chaos.run.Campaign;
import io.shardkv.chaos.run.TestSpec;
import io.shardkv.linearizability.format.JsonString;
import io.shardkv.server.replica.PlantedBug;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardkv chaos mutants}: does the suite catch the planted bugs ({@link PlantedBug})? For each
 * one, campaigns of the workload and nemesis its note names run against servers started with that bug
 * ({@code unsafe-NAME = true} and {@code i-know-this-is-unsafe = true}) until the checker says invalid
 * or the time limit is spent. The checker judges a campaign only at its end, so a mutant gets
 * fixed-length campaigns of increasing length (10 s, 20 s, 40 s, ... of chaos, the last one filling
 * what is left of the limit); the time to detection is the chaos time of all its campaigns up to and
 * including the first invalid one. Each campaign is a stored run. Exit 0 only if every mutant was
 * caught, 1 otherwise, 2 bad arguments, 255 a campaign crashed.
 */
@Command(name = "mutants", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 254, sortOptions = false,
    description = {"Measure the suite's power: run campaigns against servers with planted safety bugs and report which are caught.",
        "Per mutant: campaigns of 10 s, 20 s, 40 s, ... (within --time-limit) of the nemesis that should expose it, until one",
        "comes out invalid. Prints the table 'mutant | nemesis | caught | time to detection | ops' and the mutation score",
        "(caught/planted); --json prints one JSON object per mutant instead. Every campaign is a stored run (docs/chaos.md, Mutants).",
        "Exit status: 0 every mutant caught, 1 some mutant not caught, 254 bad arguments (as every chaos command), 255 a campaign crashed."})
public final class ChaosMutantsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ChaosRunCommand.Where where;

  @Option(names = "--time-limit", defaultValue = "60", paramLabel = "S",
      description = "seconds of chaos per mutant, summed over its campaigns (setup, final reads and checking come on top). "
          + "Default: ${DEFAULT-VALUE}")
  double timeLimit;

  @Option(names = "--mutants", defaultValue = "all", paramLabel = "LIST",
      description = "which planted bugs: all, or a comma-separated list of stale-reads, lease-reads, vote-before-persist, "
          + "no-dedup, commit-on-minority, ack-before-fsync. Default: ${DEFAULT-VALUE}")
  String mutants;

  @Option(names = "--seed", paramLabel = "N",
      description = "seed of the first campaign (later campaigns use N+1, N+2, ...; default: random)")
  Long seed;

  @Option(names = "--store", defaultValue = "store", paramLabel = "DIR", description = "where runs are kept. Default: ${DEFAULT-VALUE}")
  Path store;

  @Option(names = "--json", description = "print one JSON object per mutant (mutant, nemesis, caught, seconds, ops, store, ...) "
      + "instead of the progress, the table and the score")
  boolean json;

  @Option(names = "--check-timeout", defaultValue = "120", paramLabel = "S",
      description = "time the linearizability checker may take per campaign. Default: ${DEFAULT-VALUE}")
  double checkTimeout;

  @CommandLine.Mixin
  TestbedFlags bed = new TestbedFlags();

  @Option(names = "--local-groups", defaultValue = "1", paramLabel = "G",
      description = "with --local: shard groups (fewer than chaos run's default, so short campaigns start fast). Default: ${DEFAULT-VALUE}")
  int localGroups;

  /** What one mutant's campaigns came to. */
  record Row(PlantedBug bug, String nemesis, boolean caught, double seconds, long ops, int campaigns, Path store,
             String verdict) {}

  @Override
  public Integer call() {
    Set<PlantedBug> bugs;
    ChaosRunCommand bed;
    try {
      bugs = PlantedBug.parseList(mutants);
      if (!(timeLimit > 0)) {
        throw new IllegalArgumentException("--time-limit must be positive, got " + timeLimit);
      }
      if (!(checkTimeout > 0)) {
        throw new IllegalArgumentException("--check-timeout must be positive, got " + checkTimeout);
      }
      bed = testbedCommand();
      bed.validate();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    long s = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
    PrintStream out = System.out;
    List<Row> rows = new ArrayList<>();
    for (PlantedBug bug : bugs) {
      try {
        Row r = runMutant(bug, bed, s, json ? null : out);
        s += r.campaigns();
        rows.add(r);
        if (json) {
          out.println(json(r));
          out.flush();
        }
      } catch (ChaosException e) {
        System.err.println("chaos mutants: the campaign for " + bug.shortName() + " crashed: " + e.getMessage());
        if (!json && !rows.isEmpty()) printTable(rows, out);
        return 255;
      } catch (Exception e) {
        System.err.println("chaos mutants: the campaign for " + bug.shortName() + " crashed: " + e);
        e.printStackTrace();
        if (!json && !rows.isEmpty()) printTable(rows, out);
        return 255;
      }
    }
    if (!json) printTable(rows, out);
    return rows.stream().allMatch(Row::caught) ? 0 : 1;
  }

  /** Campaign lengths within {@code limit}: 10, 20, 40, ... seconds, the last one whatever is left (at least 1 s). */
  static List<Double> schedule(double limit) {
    List<Double> l = new ArrayList<>();
    double used = 0;
    double next = Math.min(10, limit);
    while (limit - used >= 1 || l.isEmpty()) {
      double len = Math.min(next, limit - used);
      l.add(len);
      used += len;
      next *= 2;
    }
    return l;
  }

  /** The spec of one campaign for {@code bug}: its workload and nemesis, faults every few seconds. */
  static TestSpec campaign(PlantedBug bug, List<String> nemeses, double seconds, long seed, String testbed) {
    boolean dedup = bug == PlantedBug.NO_DEDUP;
    // no-dedup needs retries of writes that did apply: many clients, no rate limit, long op timeouts
    // (like LocalCampaignTest's must-fail campaign). Kill and pause strike the leaders or one host.
    // ack-before-fsync: an acknowledged entry is lost only if the followers that acked it lose power
    // between their ack and their flush (milliseconds) and then the old leader, which has it, loses the
    // election. On hosts it gets power-strike (nemesesFor), which paces itself: it strikes a busy group,
    // its followers first and its leader last, and restores the leader last (targets and interval unused);
    // no rate limit, so that at the moment of the strike some acknowledged entry is still unflushed.
    List<String> targets = switch (bug) {
      case LEASE_READS, COMMIT_ON_MINORITY, STALE_READS -> List.of("leaders", "one");
      case VOTE_BEFORE_PERSIST -> List.of("majority", "all", "leaders");
      case ACK_BEFORE_FSYNC -> List.of("all");
      case NO_DEDUP -> List.of("one", "leaders");
    };
    // vote-strike: the winner of the provoked election leads for about one election timeout before the
    // strike; the more client writes reach it then, the more of its entries conflict with the second leader's.
    boolean voteStrike = nemeses.contains("vote-strike");
    boolean unlimited = dedup || bug == PlantedBug.ACK_BEFORE_FSYNC || voteStrike;
    // A stale read is seen only by a client still routed to the stale replica after another client's
    // write went through the new leader: the read bugs get 10 clients per key (20 on 2 keys).
    boolean reads = bug == PlantedBug.STALE_READS || bug == PlantedBug.LEASE_READS;
    // ack-before-fsync: 8 s (used by --local's kill). With the timed `power` nemesis, restarts took ~15 s
    // on a loaded lab, so most losses found nothing unflushed (docs/chaos.md, Power loss): hence power-strike.
    // stale-leader (lease-reads on hosts): a stranded leader must stay stranded past an election and the
    // writes through its successor (1-2 s on a loaded lab), so a mean of 5 s between its ops.
    boolean stranded = nemeses.contains("stale-leader");
    double interval = stranded ? 5 : dedup || reads ? 2 : bug == PlantedBug.ACK_BEFORE_FSYNC ? 8 : 3;
    // The quiet period before the final reads: 3 s, but 20 s after power losses, whose servers need
    // 10-15 s to boot (a final read in that gap once made a campaign unknown: a fresh client session failed
    // fast on refused connections; the campaign's sessions now retry them within the final read's 30 s,
    // ClientOptions.failFastUntilReached, but the servers still need the time).
    double quiet = Nemeses.losesPower(nemeses) ? 20 : 3;
    // Under power-strike, 30 clients: the more writes in flight, the more often the last follower standing
    // has acknowledged entries it has not flushed yet when its power goes.
    int clients = dedup || reads ? 20 : nemeses.contains("power-strike") || voteStrike ? 30 : 10;
    // Under stale-leader the clients are home-bound (dealt over the hosts): those bound to the stranded
    // leader's host keep asking it, the others write through the new leader (docs/chaos.md, Mutants).
    return new TestSpec(workload(bug, nemeses), nemeses, interval, targets, seconds, clients,
        unlimited ? 0 : 100, reads ? 2 : 5, 200, seed, quiet, dedup ? 10 : 5, testbed, List.of(), false, List.of(bug.shortName()))
        .withHomeClients(stranded);
  }

  /**
   * The workload of {@code bug}'s campaigns: its own ({@link PlantedBug#workload()}), except that under
   * {@code power-strike} ack-before-fsync, and under {@code vote-strike} vote-before-persist, get {@code set}. What that bug does is lose acknowledged
   * writes, a few entries at the tail of a group's log per strike (measured: 1-6 entries); the set
   * workload's final read judges every acknowledged add, whereas a register sees a lost write only
   * if a read of its key comes before the key's next write.
   */
  static String workload(PlantedBug bug, List<String> nemeses) {
    if (bug == PlantedBug.VOTE_BEFORE_PERSIST && nemeses.contains("vote-strike")) {
      return "set"; // the winner's state lacks some adds the second leader acknowledged: every read of their set misses them
    }
    return bug == PlantedBug.ACK_BEFORE_FSYNC && nemeses.contains("power-strike") ? "set" : bug.workload();
  }

  /**
   * The nemeses for {@code bug} on this testbed: its own, or (--local has no network or clock faults)
   * kill and pause. On hosts (lab, nodes) the durability bugs get power losses instead of kill: a
   * kill -9 loses nothing the process already handed to the kernel, a power loss loses what was
   * not fsynced (docs/chaos.md, Power loss); a testbed without the layer refuses the campaign.
   * ack-before-fsync gets {@code power-strike} (a busy group's followers first, its leader last),
   * vote-before-persist {@code vote-strike} (an election provoked in a busy group, its voter's power
   * cut on a slowed disk right after it voted; the timed {@code power} never caught it). lease-reads gets {@code stale-leader} (a leader cut off
   * from its peers, not from its clients, its timers stopped by a clock step) and home-bound clients:
   * under {@code pause} every client left the frozen leader for the new one and never asked the old
   * one again, so its stale lease went unseen (docs/chaos.md, Mutants).
   */
  List<String> nemesesFor(PlantedBug bug) {
    if (!where.local && bug == PlantedBug.ACK_BEFORE_FSYNC) {
      return List.of("power-strike");
    }
    if (!where.local && bug == PlantedBug.VOTE_BEFORE_PERSIST) {
      return List.of("vote-strike");
    }
    if (!where.local && bug == PlantedBug.LEASE_READS) {
      return List.of("stale-leader");
    }
    String n = bug.nemesis();
    if (where.local && (n.contains("partition") || n.contains("clock"))) {
      return List.of("kill", "pause");
    }
    return Nemeses.parse(n);
  }

  private Row runMutant(PlantedBug bug, ChaosRunCommand bed, long seed, PrintStream progress) throws Exception {
    List<String> nemeses = nemesesFor(bug);
    String kind = where.local ? "local" : where.lab ? "lab" : "nodes";
    bed.plantedBugs = EnumSet.of(bug);
    double seconds = 0;
    long ops = 0;
    int n = 0;
    Path last = null;
    Validity verdict = Validity.VALID;
    for (double len : schedule(timeLimit)) {
      TestSpec t = campaign(bug, nemeses, len, seed + n, kind).withTrace(bed.bed.trace);
      if (progress != null) {
        progress.println("mutant " + bug.shortName() + ": campaign " + (n + 1) + " of " + fmt(len) + " s ("
            + String.join(",", nemeses) + ", " + t.workload() + ", seed " + t.seed() + ")");
      }
      Campaign.Outcome o = Campaign.run(t, bed::testbed, store, progress, Duration.ofMillis((long) (checkTimeout * 1000)));
      n++;
      seconds += len;
      ops += ops(o.results());
      last = o.dir();
      verdict = o.verdict();
      if (progress != null) {
        progress.println("mutant " + bug.shortName() + ": campaign " + n + " verdict=" + verdict.word() + " store=" + last);
      }
      if (verdict == Validity.INVALID) {
        break;
      }
    }
    return new Row(bug, String.join(",", nemeses), verdict == Validity.INVALID, seconds, ops, n, last, verdict.word());
  }

  @SuppressWarnings("unchecked")
  private static long ops(Map<Object, Object> results) {
    Object stats = results.get(Edn.kw("stats"));
    if (stats instanceof Map<?, ?> m && ((Map<Object, Object>) m).get(Edn.kw("count")) instanceof Number c) {
      return c.longValue();
    }
    return 0;
  }

  private ChaosRunCommand testbedCommand() {
    ChaosRunCommand r = new ChaosRunCommand();
    r.where = where;
    r.bed = bed;
    r.localGroups = localGroups;
    r.snapshotBytes = 65536;
    // What validate() also checks of a run; the campaigns' own values come from campaign().
    r.workload = "register";
    r.concurrency = 1;
    r.keyCount = 1;
    r.opsPerKey = 1;
    r.testCount = 1;
    r.timeLimit = timeLimit;
    r.nemesisInterval = 1;
    r.opTimeout = 1;
    r.checkTimeout = checkTimeout;
    return r;
  }

  static void printTable(List<Row> rows, PrintStream out) {
    String fmt = "%-20s | %-16s | %-6s | %-17s | %s%n";
    out.printf(Locale.ROOT, fmt, "mutant", "nemesis", "caught", "time to detection", "ops");
    for (Row r : rows) {
      out.printf(Locale.ROOT, fmt, r.bug().shortName(), r.nemesis(), r.caught() ? "yes" : "no",
          r.caught() ? fmt(r.seconds()) + " s" : "-", r.ops());
    }
    long caught = rows.stream().filter(Row::caught).count();
    out.println("mutation score: " + caught + "/" + rows.size() + " caught");
    for (Row r : rows) {
      out.println("  " + r.bug().shortName() + ": " + r.campaigns() + " campaign(s), " + fmt(r.seconds()) + " s of chaos, last verdict "
          + r.verdict() + ", store=" + r.store());
    }
  }

  static String json(Row r) {
    StringBuilder b = new StringBuilder("{\"mutant\": ");
    JsonString.append(b, r.bug().shortName());
    b.append(", \"nemesis\": ");
    JsonString.append(b, r.nemesis());
    b.append(", \"caught\": ").append(r.caught());
    b.append(", \"seconds\": ").append(fmt(r.seconds()));
    b.append(", \"ops\": ").append(r.ops());
    b.append(", \"campaigns\": ").append(r.campaigns());
    b.append(", \"verdict\": ");
    JsonString.append(b, r.verdict());
    b.append(", \"store\": ");
    if (r.store() == null) {
      b.append("null");
    } else {
      JsonString.append(b, r.store().toString());
    }
    return b.append('}').toString();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
  }
}
