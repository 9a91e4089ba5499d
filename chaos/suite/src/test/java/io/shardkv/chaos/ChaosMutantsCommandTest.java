package io.shardkv.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.replica.PlantedBug;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chaos mutants}: arguments, the campaign schedule, the table and JSON lines, and one short run on the loopback testbed. */
class ChaosMutantsCommandTest {
  @TempDir Path dir;

  @Test
  void helpDocumentsEveryOptionAndTheExitStatus() {
    ChaosCli.Run r = ChaosCli.run("mutants", "--help");
    assertEquals(0, r.exit());
    for (String o : List.of("--lab", "--nodes", "--nodes-file", "--local", "--time-limit", "--mutants", "--seed", "--store", "--json")) {
      assertTrue(r.out().contains(o), "help mentions " + o);
    }
    assertTrue(r.out().contains("0 every mutant caught, 1 some mutant not caught, 254 bad arguments"), r.out());
  }

  @Test
  void badArgumentsExit254WithTheReason() {
    assertBad("Missing required argument", "mutants");
    assertBad("mutually exclusive", "mutants", "--local", "--lab");
    assertBad("unknown planted bug 'fast-reads' (known: stale-reads, lease-reads", "mutants", "--local", "--mutants", "stale-reads,fast-reads");
    assertBad("--time-limit must be positive", "mutants", "--local", "--time-limit", "0");
    assertBad("--lab-hosts must be at least 3", "mutants", "--lab", "--lab-hosts", "2");
  }

  private static void assertBad(String expected, String... args) {
    ChaosCli.Run r = ChaosCli.run(args);
    assertEquals(254, r.exit(), String.join(" ", args) + "\n" + r.err());
    assertTrue(r.err().contains(expected), r.err());
  }

  @Test
  void campaignsDoubleInLengthAndTheLastFillsTheLimit() {
    assertEquals(List.of(10.0, 20.0, 30.0), ChaosMutantsCommand.schedule(60));
    assertEquals(List.of(10.0, 20.0, 40.0, 30.0), ChaosMutantsCommand.schedule(100));
    assertEquals(List.of(10.0), ChaosMutantsCommand.schedule(10));
    assertEquals(List.of(4.0), ChaosMutantsCommand.schedule(4));
    assertEquals(List.of(10.0, 20.0), ChaosMutantsCommand.schedule(30.5), "a remainder under a second is not a campaign");
  }

  @Test
  void eachMutantsCampaignRunsItsWorkloadAndNemesisWithTheBugRecorded() {
    for (PlantedBug b : PlantedBug.values()) {
      var spec = ChaosMutantsCommand.campaign(b, List.of(b.nemesis().split(",")), 20, 7, "lab");
      assertEquals(b.workload(), spec.workload());
      assertEquals(List.of(b.shortName()), spec.unsafe());
      assertEquals(20, spec.timeLimit());
      assertTrue(spec.name().endsWith("-unsafe-" + b.shortName()), spec.name());
      assertTrue(io.shardkv.chaos.history.Edn.line(spec.toEdn()).contains(":unsafe [:" + b.shortName() + "]"));
      assertEquals(spec.unsafe(), io.shardkv.chaos.run.TestSpec.fromEdn(io.shardkv.chaos.history.Edn.pretty(spec.toEdn())).unsafe());
    }
  }

  @Test
  void underPowerStrikesAckBeforeFsyncRunsTheSetWorkloadAndWaitsForTheServersToBoot() {
    var struck = ChaosMutantsCommand.campaign(PlantedBug.ACK_BEFORE_FSYNC, List.of("power-strike"), 20, 7, "lab");
    assertEquals("set", struck.workload(), "the set checker's final read judges every acknowledged add");
    assertEquals(20, struck.quiet(), "servers need 10-15 s to boot after a power loss before the final reads");
    assertEquals(0, struck.rate(), "no rate limit: writes in flight at every strike");
    assertEquals(30, struck.concurrency(), "more writes in flight: the last follower more often has an unflushed batch");
    var killed = ChaosMutantsCommand.campaign(PlantedBug.ACK_BEFORE_FSYNC, List.of("kill"), 20, 7, "local");
    assertEquals("register", killed.workload(), "without power-strike the bug's own workload");
    assertEquals(3, killed.quiet());
    assertEquals(10, killed.concurrency());
    assertEquals(20, ChaosMutantsCommand.campaign(PlantedBug.VOTE_BEFORE_PERSIST, List.of("power"), 20, 7, "lab").quiet());
  }

  @Test
  void underVoteStrikesVoteBeforePersistRunsTheSetWorkloadWithManyClientsAndWaitsForTheServersToBoot() {
    var struck = ChaosMutantsCommand.campaign(PlantedBug.VOTE_BEFORE_PERSIST, List.of("vote-strike"), 20, 7, "lab");
    assertEquals("set", struck.workload(), "every read of a set the winner serves misses the second leader's adds");
    assertEquals(20, struck.quiet(), "servers need 10-15 s to boot after a power loss before the final reads");
    assertEquals(0, struck.rate(), "no rate limit: writes reach the winner in its one election timeout as leader");
    assertEquals(30, struck.concurrency());
    var killed = ChaosMutantsCommand.campaign(PlantedBug.VOTE_BEFORE_PERSIST, List.of("kill"), 20, 7, "local");
    assertEquals("register", killed.workload(), "without vote-strike the bug's own workload");
    assertEquals(10, killed.concurrency());
    assertEquals(100, killed.rate());
  }

  @Test
  void onHostsTheDurabilityMutantsLosePowerInsteadOfBeingKilled() {
    ChaosMutantsCommand c = new ChaosMutantsCommand();
    c.where = new ChaosRunCommand.Where();
    c.where.lab = true;
    assertEquals(List.of("power-strike"), c.nemesesFor(PlantedBug.ACK_BEFORE_FSYNC));
    assertEquals(List.of("vote-strike"), c.nemesesFor(PlantedBug.VOTE_BEFORE_PERSIST));
    assertEquals(List.of("partition"), c.nemesesFor(PlantedBug.COMMIT_ON_MINORITY));
    c.where = new ChaosRunCommand.Where();
    c.where.local = true; // no power-loss layer under --local: the mutants' own nemesis
    assertEquals(List.of("kill"), c.nemesesFor(PlantedBug.ACK_BEFORE_FSYNC));
  }

  @Test
  void onHostsLeaseReadsStrandsALeaderAndBindsTheClientsToHomeHosts() {
    ChaosMutantsCommand c = new ChaosMutantsCommand();
    c.where = new ChaosRunCommand.Where();
    c.where.lab = true;
    assertEquals(List.of("stale-leader"), c.nemesesFor(PlantedBug.LEASE_READS));
    var spec = ChaosMutantsCommand.campaign(PlantedBug.LEASE_READS, List.of("stale-leader"), 20, 7, "lab");
    assertTrue(spec.homeClients(), "clients bound to the stranded leader's host keep asking it");
    assertEquals("register", spec.workload());
    assertEquals(5, spec.nemesisInterval(), "a leader stays stranded past an election and the writes through its successor");
    assertEquals(20, spec.concurrency());
    assertEquals(2, spec.keyCount());
    assertTrue(io.shardkv.chaos.history.Edn.line(spec.toEdn()).contains(":clients :home"));
    assertTrue(io.shardkv.chaos.run.TestSpec.fromEdn(io.shardkv.chaos.history.Edn.pretty(spec.toEdn())).homeClients());
    c.where = new ChaosRunCommand.Where();
    c.where.local = true; // no partitions or clocks under --local: the note's pause, clients follow the leader
    assertEquals(List.of("pause"), c.nemesesFor(PlantedBug.LEASE_READS));
    var paused = ChaosMutantsCommand.campaign(PlantedBug.LEASE_READS, List.of("pause"), 20, 7, "local");
    assertFalse(paused.homeClients());
    assertFalse(io.shardkv.chaos.history.Edn.line(paused.toEdn()).contains(":clients"), "test.edn of such runs unchanged");
    assertFalse(io.shardkv.chaos.run.TestSpec.fromEdn(io.shardkv.chaos.history.Edn.pretty(paused.toEdn())).homeClients());
  }

  @Test
  void theTableHasOneRowPerMutantAndTheScoreAndJsonHasTheAgreedKeys() {
    List<ChaosMutantsCommand.Row> rows = List.of(
        new ChaosMutantsCommand.Row(PlantedBug.STALE_READS, "partition", true, 30, 4521, 2, Path.of("/s/a"), "invalid"),
        new ChaosMutantsCommand.Row(PlantedBug.LEASE_READS, "pause", false, 60, 9000, 3, Path.of("/s/b"), "valid"));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ChaosMutantsCommand.printTable(rows, new PrintStream(b, true, StandardCharsets.UTF_8));
    List<String> lines = b.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.get(0).matches("mutant +\\| nemesis +\\| caught \\| time to detection \\| ops"), lines.get(0));
    assertTrue(lines.get(1).matches("stale-reads +\\| partition +\\| yes +\\| 30 s +\\| 4521"), lines.get(1));
    assertTrue(lines.get(2).matches("lease-reads +\\| pause +\\| no +\\| - +\\| 9000"), lines.get(2));
    assertEquals("mutation score: 1/2 caught", lines.get(3));
    assertEquals("{\"mutant\": \"stale-reads\", \"nemesis\": \"partition\", \"caught\": true, \"seconds\": 30, \"ops\": 4521, "
        + "\"campaigns\": 2, \"verdict\": \"invalid\", \"store\": \"/s/a\"}", ChaosMutantsCommand.json(rows.get(0)));
  }

  @Test
  void unreachableHostsCrashTheCampaignExit255NamingTheMutant() {
    ChaosCli.Run r = ChaosCli.run("mutants", "--nodes", "db1.invalid,db2.invalid,db3.invalid", "--ssh-key",
        dir.resolve("no-key").toString(), "--time-limit", "1", "--mutants", "no-dedup", "--store", dir.toString());
    assertEquals(255, r.exit(), r.err());
    assertTrue(r.err().contains("the campaign for no-dedup crashed") && r.err().contains("db1.invalid"), r.err());
  }

  /**
   * One short campaign of no-dedup on node JVMs on 127.0.0.1: one JSON line, a stored run whose
   * servers were started with the planted bug (and said so at WARN), and an exit status that agrees
   * with the line. Whether 10 s are enough to catch it is not asserted (the lab's table is the measure).
   */
  @Test
  void aLocalRunPrintsOneJsonLinePerMutantAndStoresTheCampaign() throws Exception {
    ChaosCli.Run r = ChaosCli.run("mutants", "--local", "--mutants", "no-dedup", "--time-limit", "10", "--seed", "3", "--json",
        "--store", dir.toString());
    List<String> lines = r.lines();
    assertEquals(1, lines.size(), r.out());
    Matcher m = Pattern.compile("\\{\"mutant\": \"no-dedup\", \"nemesis\": \"kill,pause\", \"caught\": (true|false), "
        + "\"seconds\": 10, \"ops\": (\\d+), \"campaigns\": 1, \"verdict\": \"(valid|invalid|unknown)\", \"store\": \"(.+)\"}")
        .matcher(lines.get(0));
    assertTrue(m.matches(), lines.get(0));
    boolean caught = Boolean.parseBoolean(m.group(1));
    assertEquals(caught, m.group(3).equals("invalid"));
    assertEquals(caught ? 0 : 1, r.exit());
    assertTrue(Long.parseLong(m.group(2)) > 0, "the clients did something");
    Path run = Path.of(m.group(4));
    assertTrue(run.startsWith(dir), run.toString());
    assertTrue(Files.readString(run.resolve("test.edn")).contains(":unsafe [:no-dedup]"));
    try (Stream<Path> logs = Files.walk(run)) {
      assertTrue(logs.filter(p -> p.getFileName().toString().endsWith(".log")).anyMatch(p -> {
        try {
          return Files.readString(p).contains("UNSAFE (test-only planted bug unsafe-no-dedup = true");
        } catch (java.io.IOException e) {
          return false;
        }
      }), "a node log carries the start-up warning");
    }
  }
}
