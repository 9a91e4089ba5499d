package io.shardkv.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosCli;
import io.shardkv.chaos.checker.OpPair;
import io.shardkv.chaos.history.HistoryFile;
import io.shardkv.chaos.history.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The CI campaigns of issue 12 on a 5-host lab, through {@code chaos run --lab} exactly as a user
 * runs it: {@code register} under every nemesis for 60 s, {@code append} under partitions and kills,
 * {@code set} under clock skew and pauses — each must be valid — and a campaign against servers
 * with duplicate detection switched off, which must be invalid. Skipped with the reason where this
 * machine cannot host a lab (see {@link LabFixture}). Runs are kept in {@code target/chaos-store}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabCampaignTest {
  static final Path STORE = Path.of("target", "chaos-store").toAbsolutePath();

  @BeforeAll
  static void lab() {
    LabFixture.assumeLabPossible();
  }

  @AfterAll
  static void down() {
    LabFixture.down();
  }

  private static Path campaign(int expectedExit, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("run", "--lab", "--lab-dir", LabFixture.DIR.toString(), "--lab-hosts", "5",
        "--store", STORE.toString()));
    a.addAll(List.of(args));
    ChaosCli.Run r = ChaosCli.run(a.toArray(String[]::new));
    String last = r.lastLine();
    assertTrue(last.matches("verdict=(valid|invalid|unknown) store=.+"), "last line: " + last + "\n" + r.err());
    Path dir = Path.of(last.substring(last.indexOf("store=") + "store=".length()));
    assertEquals(expectedExit, r.exit(), "campaign " + a + ": " + last + "; see " + dir.resolve("chaos.log"));
    for (String f : List.of("test.edn", "history.edn", "chaos.log", "results.edn", "results.json", "known_hosts", "n1")) {
      assertTrue(Files.exists(dir.resolve(f)), "missing " + f + " in " + dir);
    }
    return dir;
  }

  private static Set<String> faults(Path dir) throws Exception {
    Set<String> fs = new TreeSet<>();
    for (Op op : HistoryFile.read(dir.resolve("history.edn"))) {
      if (op.isNemesis()) {
        fs.add(op.f());
      }
    }
    return fs;
  }

  private static final Set<String> RECONFIG = Set.of("leave-group", "move-shard", "join-group");

  /**
   * The reconfiguration ops of the main phase (invoked within {@code timeLimit} s of the history's
   * first op; the final phase's {@code :join-group} comes after it), as pairs of invocation and
   * completion.
   */
  static List<OpPair> mainPhaseReconfigurations(Path dir, double timeLimit) throws Exception {
    List<Op> h = HistoryFile.read(dir.resolve("history.edn"));
    long end = h.isEmpty() ? 0 : h.get(0).time() + (long) (timeLimit * 1e9);
    return OpPair.nemesisOps(h).stream().filter(p -> RECONFIG.contains(p.invoke().f()) && p.invoke().time() < end).toList();
  }

  /** Completed: the completion has no {@code :error}, is not {@code :skipped}, and names the configuration afterwards. */
  static boolean completed(OpPair p) {
    Op c = p.completion();
    return c != null && c.error() == null && c.extra().get("config") instanceof Number
        && !(c.value() instanceof java.util.Map<?, ?> m && m.containsKey(io.shardkv.chaos.history.Edn.kw("skipped")));
  }

  @Test
  @Order(1)
  void registerUnderEveryNemesisIsValid() throws Exception {
    Path dir = campaign(0, "--workload", "register", "--nemesis", "all", "--nemesis-interval", "5", "--time-limit", "60",
        "--seed", "12001");
    // The six classes share the one nemesis thread; on a loaded machine one SSH-driven fault can take
    // seconds, so not every class is sure to strike within 60 s — most must. Reconfiguration strikes
    // only when an op completed (issue 14: attempts that time out change nothing); it runs in quiet
    // windows between the other classes' phases, so at least one must complete.
    Set<String> fs = faults(dir);
    List<OpPair> attempted = mainPhaseReconfigurations(dir, 60);
    List<OpPair> reconfigured = attempted.stream().filter(LabCampaignTest::completed).toList();
    List<String> struck = new ArrayList<>();
    for (String[] c : List.of(new String[] {"partition", "start-partition"}, new String[] {"clock", "bump-clock", "strobe-clock"},
        new String[] {"kill", "kill"}, new String[] {"pause", "pause"}, new String[] {"trigger", "strike"})) {
      for (int i = 1; i < c.length; i++) {
        if (fs.contains(c[i]) && !struck.contains(c[0])) {
          struck.add(c[0]);
        }
      }
    }
    if (!reconfigured.isEmpty()) {
      struck.add("reconfig");
    }
    System.out.println("LabCampaignTest: fault classes that struck: " + struck + "; reconfiguration ops completed: "
        + reconfigured.size() + " of " + attempted.size() + " " + reconfigured.stream()
            .map(p -> p.completion().f() + " -> configuration " + p.completion().extra().get("config")).toList());
    assertTrue(struck.size() >= 4, "only " + struck + " struck: " + fs);
    assertFalse(reconfigured.isEmpty(), "no reconfiguration op of the main phase completed (" + attempted.size()
        + " attempted); see " + dir.resolve("chaos.log"));
  }

  @Test
  @Order(2)
  void appendUnderPartitionsAndKillsIsValid() throws Exception {
    Path dir = campaign(0, "--workload", "append", "--nemesis", "partition,kill", "--time-limit", "60", "--seed", "12002");
    assertTrue(faults(dir).containsAll(Set.of("start-partition", "kill")), faults(dir).toString());
  }

  @Test
  @Order(3)
  void setUnderClockSkewAndPausesIsValid() throws Exception {
    Path dir = campaign(0, "--workload", "set", "--nemesis", "clock,pause", "--time-limit", "60", "--seed", "12003");
    assertTrue(faults(dir).containsAll(Set.of("pause", "reset-clock")), faults(dir).toString());
  }

  @Test
  @Order(4)
  void serversWithoutDuplicateDetectionAreCaughtInvalid() throws Exception {
    // Short faults (one host, the leaders' hosts: fast failover), clients that keep retrying for 10 s and
    // no rate limit: many writes are committed but unanswered when their leader goes, and retried.
    Path dir = campaign(1, "--workload", "append", "--nemesis", "partition,kill,pause", "--nemesis-targets", "one,leaders",
        "--unsafe-disable-dedup", "--rate", "0", "--concurrency", "20", "--nemesis-interval", "2", "--op-timeout", "10",
        "--time-limit", "60", "--seed", "12004");
    String results = Files.readString(dir.resolve("results.edn"));
    assertTrue(results.contains(":duplicated"), "the appends applied twice are named: " + results);
  }

  /**
   * Power loss (docs/chaos.md, Power loss) against the safe servers: a majority or all of the hosts
   * lose power at once — kill -9 and every write not yet fsynced dropped — and start again from what
   * was durable. The {@code set} workload's checker fails the run if any acknowledged add is missing
   * from the final reads, so a valid run means every acknowledged write survived. Skipped, with the
   * reason, where the power-loss file system cannot run (no FUSE, no python3-fusepy).
   */
  @Test
  @Order(6)
  void setUnderPowerLossKeepsEveryAcknowledgedWrite() throws Exception {
    io.shardkv.chaos.db.LazyFsAvailability.assume();
    Path dir = campaign(0, "--workload", "set", "--nemesis", "power", "--nemesis-targets", "majority,all",
        "--nemesis-interval", "3", "--time-limit", "60", "--seed", "14101");
    List<Op> h = HistoryFile.read(dir.resolve("history.edn"));
    List<OpPair> losses = OpPair.nemesisOps(h).stream().filter(p -> p.invoke().f().equals("lose-power")).toList();
    assertFalse(losses.isEmpty(), "no power loss in " + dir);
    for (OpPair p : losses) {
      assertTrue(p.completion() != null && p.completion().error() == null, "a power loss failed: " + p.completion());
    }
    String results = Files.readString(dir.resolve("results.edn"));
    assertTrue(results.contains(":valid? true"), results);
  }

  /**
   * Issue 14's CI subset of {@code chaos mutants}: the planted bugs that the lab's nemeses expose within
   * seconds (stale reads and commit-on-minority under partitions, no-dedup under kills and pauses) must
   * each be caught, exactly as a user runs the command. The other three need a fault inside a window of
   * a few milliseconds or a lost page cache; the closing notes give their table. Up to 150 s of chaos per
   * mutant (campaigns of 10, 20, 40, 80 s): on a loaded machine commit-on-minority once needed its third.
   */
  @Test
  @Order(5)
  void theMutantsTheLabCanExposeAreAllCaught() throws Exception {
    ChaosCli.Run r = ChaosCli.run("mutants", "--lab", "--lab-dir", LabFixture.DIR.toString(), "--lab-hosts", "5",
        "--store", STORE.toString(), "--mutants", "stale-reads,no-dedup,commit-on-minority", "--time-limit", "150", "--seed", "14001");
    System.out.println("LabCampaignTest mutants:\n" + r.out());
    assertTrue(r.out().contains("mutation score: 3/3 caught"), r.out() + "\n" + r.err());
    assertEquals(0, r.exit(), r.err());
  }

  /**
   * Power strikes (docs/chaos.md, Power strikes), behind {@code -Dchaos.powerStrikes=true} because the
   * chaos module's CI budget is spent (up to ~12 min): against the safe servers a {@code set} campaign
   * under {@code power-strike} keeps every acknowledged add, and against servers that acknowledge before
   * their flush ({@code ack-before-fsync}) {@code chaos mutants} catches the bug: a lost acknowledged add
   * in the final read. Detection is probabilistic (measured 2026-12-08: about one strike in ten to twenty
   * loses an acknowledged add; 3 of 6 budgets of 120 s caught it), hence 300 s of chaos here — a miss
   * is a measurement, not proof of a regression; rerun with another seed before concluding.
   */
  @Test
  @Order(7)
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "chaos.powerStrikes", matches = "true")
  void powerStrikesLoseNoAcknowledgedWriteOfASafeServerAndCatchAckBeforeFsync() throws Exception {
    io.shardkv.chaos.db.LazyFsAvailability.assume();
    Path dir = campaign(0, "--workload", "set", "--nemesis", "power-strike", "--rate", "0", "--time-limit", "60", "--quiet", "20",
        "--seed", "14301");
    List<Op> h = HistoryFile.read(dir.resolve("history.edn"));
    List<OpPair> strikes = OpPair.nemesisOps(h).stream()
        .filter(p -> p.invoke().f().equals("lose-power") && p.completion() != null && p.completion().error() == null
            && String.valueOf(p.completion().value()).contains(":group"))
        .toList();
    assertFalse(strikes.isEmpty(), "no power strike hit a busy group in " + dir);
    assertTrue(Files.readString(dir.resolve("results.edn")).contains(":valid? true"), "see " + dir);

    ChaosCli.Run r = ChaosCli.run("mutants", "--lab", "--lab-dir", LabFixture.DIR.toString(), "--lab-hosts", "5",
        "--store", STORE.toString(), "--mutants", "ack-before-fsync", "--time-limit", "300", "--seed", "14311");
    System.out.println("LabCampaignTest power-strike mutant:\n" + r.out());
    assertTrue(r.out().contains("mutation score: 1/1 caught"), r.out() + "\n" + r.err());
    assertEquals(0, r.exit(), r.err());
  }

  /**
   * Lease reads (docs/chaos.md, Mutants), behind {@code -Dchaos.leaseReads=true} (a few minutes): under
   * {@code stale-leader} with home-bound clients — the campaign {@code chaos mutants} runs for lease-reads —
   * the correct servers stay valid (a stranded leader cannot confirm a read, so it answers none), and
   * servers that trust their lease ({@code lease-reads}) are caught: a read at the stranded leader returns
   * a value older than a write its successor acknowledged before the read began.
   */
  @Test
  @Order(8)
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "chaos.leaseReads", matches = "true")
  void strandedLeadersServeNoStaleReadOfASafeServerAndCatchLeaseReads() throws Exception {
    Path dir = campaign(0, "--workload", "register", "--nemesis", "stale-leader", "--home-clients", "--nemesis-interval", "5",
        "--concurrency", "20", "--key-count", "2", "--quiet", "3", "--time-limit", "60", "--seed", "14401");
    List<Op> h = HistoryFile.read(dir.resolve("history.edn"));
    List<OpPair> strands = OpPair.nemesisOps(h).stream()
        .filter(p -> p.invoke().f().equals("strand-leader") && p.completion() != null && p.completion().error() == null
            && String.valueOf(p.completion().value()).contains(":host"))
        .toList();
    assertFalse(strands.isEmpty(), "no leader was stranded in " + dir);
    assertTrue(Files.readString(dir.resolve("test.edn")).contains(":clients :home"), "see " + dir);
    assertTrue(Files.readString(dir.resolve("results.edn")).contains(":valid? true"), "see " + dir);

    ChaosCli.Run r = ChaosCli.run("mutants", "--lab", "--lab-dir", LabFixture.DIR.toString(), "--lab-hosts", "5",
        "--store", STORE.toString(), "--mutants", "lease-reads", "--time-limit", "120", "--seed", "14411");
    System.out.println("LabCampaignTest lease-reads mutant:\n" + r.out());
    assertTrue(r.out().contains("mutation score: 1/1 caught"), r.out() + "\n" + r.err());
    assertEquals(0, r.exit(), r.err());
  }

  /**
   * Vote strikes (docs/chaos.md, Vote strikes), behind {@code -Dchaos.voteStrikes=true} for the same
   * budget reason: against the safe servers a {@code set} campaign under {@code vote-strike} stays
   * valid and every second election it provoked is of a later term than the struck one (a voter's vote
   * is durable before it leaves, so no second leader of a term); against servers that vote before
   * they persist ({@code vote-before-persist}) {@code chaos mutants} catches the bug (measured: 2 of 6
   * budgets of 120 s; hence 300 s here, and a miss is a measurement, not proof of a regression).
   */
  @Test
  @Order(9)
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "chaos.voteStrikes", matches = "true")
  void voteStrikesElectNoSecondLeaderOfATermOnASafeServerAndCatchVoteBeforePersist() throws Exception {
    io.shardkv.chaos.db.LazyFsAvailability.assume();
    Path dir = campaign(0, "--workload", "set", "--nemesis", "vote-strike", "--rate", "0", "--concurrency", "30",
        "--time-limit", "60", "--quiet", "20", "--seed", "14501");
    List<Op> h = HistoryFile.read(dir.resolve("history.edn"));
    List<String> restores = OpPair.nemesisOps(h).stream()
        .filter(p -> p.invoke().f().equals("restore-power") && p.completion() != null && p.completion().error() == null)
        .map(p -> String.valueOf(p.completion().value()))
        .filter(v -> v.contains(":second"))
        .toList();
    assertFalse(restores.isEmpty(), "no vote strike struck in " + dir);
    for (String r : restores) {
      assertFalse(r.contains(":same-term") || r.contains(":earlier-term"), "a safe server elected a second leader of a term: " + r);
    }
    assertTrue(Files.readString(dir.resolve("results.edn")).contains(":valid? true"), "see " + dir);

    ChaosCli.Run r = ChaosCli.run("mutants", "--lab", "--lab-dir", LabFixture.DIR.toString(), "--lab-hosts", "5",
        "--store", STORE.toString(), "--mutants", "vote-before-persist", "--time-limit", "300", "--seed", "14511");
    System.out.println("LabCampaignTest vote-strike mutant:\n" + r.out());
    assertTrue(r.out().contains("mutation score: 1/1 caught"), r.out() + "\n" + r.err());
    assertEquals(0, r.exit(), r.err());
  }
}
