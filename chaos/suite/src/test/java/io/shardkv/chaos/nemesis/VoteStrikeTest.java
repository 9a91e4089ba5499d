package io.shardkv.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.shardkv.chaos.FakeTestbed;
import io.shardkv.chaos.gen.Rng;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.nemesis.ClusterStatus.Replica;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The vote-strike nemesis ({@link VoteStrike}, docs/chaos.md "Vote strikes"): its decisions on made-up
 * {@code /status} polls, and its whole schedule against fake hosts whose {@code /status} follows what
 * the nemesis did to them.
 */
class VoteStrikeTest {
  private static final List<String> HOSTS = List.of("n1", "n2", "n3", "n4", "n5");

  private static Replica replica(String host, int group, String role, long term, int leader) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("node", (long) Integer.parseInt(host.substring(1)));
    json.put("group", (long) group);
    json.put("role", role);
    json.put("term", term);
    json.put("leader", (long) leader);
    json.put("commit", 100L);
    return new Replica(host, host + ":8000", json);
  }

  /** Group 1 on n3 n1 n4 led by n3 in term 7; group 2 on n2 n5 n1. */
  private static List<Replica> steady() {
    return List.of(replica("n3", 1, "leader", 7, 3), replica("n4", 1, "follower", 7, 3), replica("n1", 1, "follower", 7, 3),
        replica("n2", 2, "leader", 4, 2), replica("n5", 2, "follower", 4, 2), replica("n1", 2, "follower", 4, 2));
  }

  private static PowerStrike.Plan group1Plan() {
    return PowerStrike.Plan.of(steady().get(0), steady(), HOSTS);
  }

  @Test
  void theVoterIsTheGroupsFollowerFirstInHostOrderAndTheWinnerTheOther() {
    VoteStrike.Aim a = VoteStrike.aim(group1Plan(), steady(), HOSTS);
    assertEquals(new VoteStrike.Aim(1, 7, "n3", 3, "n1", 1, "n4", 4), a);
  }

  @Test
  void noAimUnlessTheLeaderAndExactlyTwoFollowersOnOtherHostsAnswer() {
    List<Replica> oneFollower = List.of(replica("n3", 1, "leader", 7, 3), replica("n4", 1, "follower", 7, 3));
    assertNull(VoteStrike.aim(group1Plan(), oneFollower, HOSTS), "a member did not answer: no voter to strike");
    List<Replica> noLeader = List.of(replica("n4", 1, "follower", 7, 3), replica("n1", 1, "follower", 7, 3));
    assertNull(VoteStrike.aim(group1Plan(), noLeader, HOSTS), "the leader must answer: its term is the baseline");
  }

  @Test
  void theElectionIsSeenWhenTheWinnerLeadsInALaterTerm() {
    VoteStrike.Aim a = VoteStrike.aim(group1Plan(), steady(), HOSTS);
    assertNull(VoteStrike.elected(a, List.of(replica("n4", 1, "pre_candidate", 7, -1), replica("n1", 1, "follower", 7, 3))),
        "pre-candidates: still the old term");
    assertNull(VoteStrike.elected(a, List.of(replica("n4", 1, "candidate", 8, -1), replica("n1", 1, "follower", 8, -1))),
        "a candidate has not won yet");
    assertNull(VoteStrike.elected(a, List.of(replica("n2", 2, "leader", 9, 2))), "another group's election");
    assertEquals(new VoteStrike.Election(8, "n4", 4, true),
        VoteStrike.elected(a, List.of(replica("n4", 1, "leader", 8, 4), replica("n1", 1, "follower", 8, 4))));
  }

  @Test
  void aDeposedWinnerIsStillSeenThroughTheVoterThatFollowsIt() {
    VoteStrike.Aim a = VoteStrike.aim(group1Plan(), steady(), HOSTS);
    assertEquals(new VoteStrike.Election(8, "n4", 4, true),
        VoteStrike.elected(a, List.of(replica("n4", 1, "follower", 8, -1), replica("n1", 1, "follower", 8, 4))));
  }

  @Test
  void whenTheSlowVoterWinsTheElectionIsNotAsAimed() {
    VoteStrike.Aim a = VoteStrike.aim(group1Plan(), steady(), HOSTS);
    VoteStrike.Election e = VoteStrike.elected(a, List.of(replica("n1", 1, "leader", 9, 1), replica("n4", 1, "follower", 9, 1)));
    assertEquals(new VoteStrike.Election(9, "n1", 1, false), e);
  }

  @Test
  void theSecondLeaderIsComparedWithTheWinnersTerm() {
    VoteStrike.Aim a = VoteStrike.aim(group1Plan(), steady(), HOSTS);
    VoteStrike.Election e = new VoteStrike.Election(8, "n4", 4, true);
    assertNull(VoteStrike.second(a, e, List.of(replica("n1", 1, "candidate", 8, -1), replica("n4", 1, "leader", 8, 4))),
        "the paused winner's own claim is not a second leader");
    assertEquals(VoteStrike.Second.SAME_TERM, VoteStrike.second(a, e, List.of(replica("n3", 1, "leader", 8, 3))));
    assertEquals(VoteStrike.Second.EARLIER_TERM, VoteStrike.second(a, e, List.of(replica("n1", 1, "leader", 7, 1))));
    assertEquals(VoteStrike.Second.LATER_TERM, VoteStrike.second(a, e, List.of(replica("n1", 1, "leader", 9, 1))));
    assertEquals(VoteStrike.Second.LATER_TERM,
        VoteStrike.second(a, e, List.of(replica("n3", 1, "leader", 8, 3), replica("n1", 1, "leader", 9, 1))),
        "of two claimants, the higher term leads");
  }

  @Test
  void leadershipGoesBackToTheWinnerFromTheGroupsCurrentLeader() {
    assertNull(VoteStrike.transferFrom(List.of(replica("n4", 1, "leader", 8, 4), replica("n3", 1, "leader", 8, 3)), 1, "n4"),
        "the winner leads already");
    assertEquals("n3", VoteStrike.transferFrom(List.of(replica("n4", 1, "follower", 8, 3), replica("n3", 1, "leader", 8, 3)), 1, "n4")
        .host());
    assertNull(VoteStrike.transferFrom(List.of(replica("n2", 2, "leader", 4, 2)), 1, "n4"), "no leader of the group answered");
  }

  @Test
  void voteStrikeIsNamedOnlyLosesPowerAndAlternatesStrikeAndRestoreWithoutPauses() {
    assertEquals(List.of("vote-strike"), Nemeses.parse("vote-strike"));
    assertFalse(Nemeses.parse("all").contains("vote-strike"));
    assertTrue(Nemeses.losesPower(List.of("vote-strike")));
    assertEquals("vote-strike", Nemeses.KNOWN.get(Nemeses.KNOWN.size() - 1), "appended: every other class keeps its random stream");
    List<GeneratedOps.Timed> ops =
        GeneratedOps.first(Nemeses.generator(List.of("vote-strike"), 8, List.of("all"), HOSTS, Rng.of(3)), 4);
    List<String> fs = ops.stream().map(GeneratedOps.Timed::line).toList();
    List<Long> times = ops.stream().map(GeneratedOps.Timed::nanos).toList();
    for (int i = 0; i < fs.size(); i++) {
      assertTrue(i % 2 == 0 ? fs.get(i).startsWith("lose-power {:when :election") : fs.get(i).startsWith("restore-power {:after :election"),
          fs.toString());
    }
    assertEquals(times.get(0), times.get(times.size() - 1), "not staggered: " + times);
    assertEquals(List.of("restore-power :all"), GeneratedOps.finalLines(Nemeses.finalGenerator(List.of("vote-strike"), HOSTS)));
  }

  // ---- the whole schedule against fake hosts ---------------------------------------------------

  private final FakeTestbed bed = new FakeTestbed(HOSTS);
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<String> transfers = java.util.Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(0));
  }

  /** Serves host's /status from {@code scene} (null: no answer, as from a dead or paused server) and records transfers. */
  private void host(String host, Function<List<String>, String> scene) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    s.createContext("/status", ex -> {
      String body;
      synchronized (bed.calls) {
        body = scene.apply(List.copyOf(bed.calls));
      }
      byte[] b = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(body == null ? 503 : 200, b.length == 0 ? -1 : b.length);
      if (b.length > 0) {
        ex.getResponseBody().write(b);
      }
      ex.close();
    });
    s.createContext("/transfer-leader", ex -> {
      transfers.add(host + " " + ex.getRequestMethod() + " " + ex.getRequestURI().getQuery());
      byte[] b = "{\"status\":\"started\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(202, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    s.start();
    servers.add(s);
    bed.admin.get(host).add("127.0.0.1:" + s.getAddress().getPort());
  }

  private static String json(int node, String role, long term, int leader, long commit) {
    return "{\"node\":" + node + ",\"group\":1,\"role\":\"" + role + "\",\"term\":" + term + ",\"leader\":" + leader + ",\"commit\":"
        + commit + "}";
  }

  /**
   * Group 1 on n1 (leader, term 7, busy), n2 and n3. After n1's kill, n3 wins term 8 (or, with
   * {@code voterWins}, the slow n2 does); after the restore n1 leads term {@code secondTerm}; after
   * a transfer, n3 leads.
   */
  private void group1(boolean voterWins, long secondTerm) throws Exception {
    group1(voterWins, secondTerm, false);
  }

  /** As above; with {@code onlyWhenFast} the election ends only once the voter's disk has its speed back. */
  private void group1(boolean voterWins, long secondTerm, boolean onlyWhenFast) throws Exception {
    AtomicLong commit = new AtomicLong(100);
    host("n1", calls -> {
      if (calls.contains("kill n1") && !calls.contains("start n1")) {
        return null;
      }
      if (calls.contains("start n1")) {
        return transfers.isEmpty() ? json(1, "leader", secondTerm, 1, 500) : json(1, "follower", secondTerm + 1, 3, 500);
      }
      return json(1, "leader", 7, 1, commit.addAndGet(10));
    });
    host("n2", calls -> {
      if (calls.contains("lose-power n2") && !calls.contains("start n2")) {
        return null;
      }
      if (calls.contains("kill n1") && !calls.contains("start n2") && (!onlyWhenFast || calls.contains("slow n2 0"))) {
        return voterWins ? json(2, "leader", 8, 2, 100) : json(2, "follower", 8, 3, 100);
      }
      return json(2, "follower", 7, 1, 100);
    });
    host("n3", calls -> {
      if (calls.contains("pause n3") && !calls.contains("resume n3")) {
        return null;
      }
      if (!transfers.isEmpty()) {
        return json(3, "leader", secondTerm + 1, 3, 500);
      }
      if (calls.contains("resume n3")) {
        return json(3, "follower", secondTerm, 1, 500); // deposed while paused: it follows the second leader
      }
      if (calls.contains("kill n1") && (!onlyWhenFast || calls.contains("slow n2 0"))) {
        return voterWins ? json(3, "follower", 8, 2, 100) : json(3, "leader", 8, 3, 100);
      }
      return json(3, "follower", 7, 1, 100);
    });
  }

  private NemesisContext ctx() {
    return new NemesisContext(bed, new ClusterStatus(bed.db(), Duration.ofMillis(500)), l -> { }, 1);
  }

  private static final Op STRIKE = Op.nemesis("lose-power", Edn.map("when", Edn.kw("election"), "commits", 20L, "watch-ms", 5000L,
      "slow-ms", 4000L, "elect-ms", 3000L));
  private static final Op RESTORE = Op.nemesis("restore-power", Edn.map("after", Edn.kw("election"), "wait-ms", 5000L,
      "settle-ms", 0L));

  @Test
  void aStrikeSlowsTheVotersDiskKillsTheLeaderThenCutsTheVoterAndPausesTheWinner() throws Exception {
    group1(false, 8);
    PowerNemesis n = new PowerNemesis(ctx());
    Op done = n.invoke(STRIKE);
    Map<?, ?> v = (Map<?, ?>) done.value();
    assertEquals(Edn.kw("elected"), v.get(Edn.kw("saw")), Edn.line(v));
    assertEquals(8L, v.get(Edn.kw("term")));
    assertEquals("n2", v.get(Edn.kw("voter")));
    assertEquals("n3", v.get(Edn.kw("winner")));
    assertEquals(List.of("slow n2 4000", "kill n1"), bed.calls.subList(0, 2), "the disk is slow before the election starts");
    assertEquals(List.of("n2"), bed.calls("lose-power"));
    assertEquals(List.of("n3"), bed.calls("pause"));
    assertEquals(List.of(), bed.calls("start"));

    Op back = n.invoke(RESTORE);
    Map<?, ?> r = (Map<?, ?>) back.value();
    assertEquals(Edn.kw("same-term"), r.get(Edn.kw("second")), Edn.line(r));
    assertEquals(List.of("n1", "n2"), bed.calls("start"));
    assertEquals(List.of("n3"), bed.calls("resume"));
    assertTrue(bed.calls.indexOf("resume n3") > bed.calls.indexOf("start n1"), "the winner resumes after the second election");
    assertEquals(List.of("n1 POST group=1&to=3"), transfers, "the group's new leader hands leadership to the winner");
    assertEquals(List.of("n2 4000"), bed.calls("slow"), "the power loss reset the voter's disk; nothing else was slowed");
  }

  @Test
  void anElectionThatDoesNotEndOnTheSlowDiskGetsItsSpeedBackAndIsStillStruck() throws Exception {
    group1(false, 9, true);
    PowerNemesis n = new PowerNemesis(ctx());
    Map<?, ?> v = (Map<?, ?>) n.invoke(Op.nemesis("lose-power", Edn.map("when", Edn.kw("election"), "commits", 20L,
        "watch-ms", 5000L, "slow-ms", 4000L, "slow-for-ms", 300L, "elect-ms", 3000L))).value();
    assertEquals(Edn.kw("elected"), v.get(Edn.kw("saw")), Edn.line(v));
    assertTrue(v.get(Edn.kw("sped-up-ms")) instanceof Long, "the completion says when the disk got its speed back: " + Edn.line(v));
    assertEquals(List.of("slow n2 4000", "kill n1", "slow n2 0"), bed.calls.subList(0, 3));
    assertEquals(List.of("n2"), bed.calls("lose-power"));
  }

  @Test
  void aCorrectServersSecondLeaderIsOfALaterTerm() throws Exception {
    group1(false, 9);
    PowerNemesis n = new PowerNemesis(ctx());
    n.invoke(STRIKE);
    Map<?, ?> r = (Map<?, ?>) n.invoke(RESTORE).value();
    assertEquals(Edn.kw("later-term"), r.get(Edn.kw("second")), Edn.line(r));
  }

  @Test
  void whenTheSlowVoterWinsNothingIsStruckAndItsDiskIsFastAgain() throws Exception {
    group1(true, 8);
    PowerNemesis n = new PowerNemesis(ctx());
    Map<?, ?> v = (Map<?, ?>) n.invoke(STRIKE).value();
    assertEquals(Edn.kw("swapped"), v.get(Edn.kw("saw")), Edn.line(v));
    assertEquals(List.of("n2 0", "n2 4000"), bed.calls("slow"));
    assertEquals(List.of(), bed.calls("lose-power"));
    assertEquals(List.of(), bed.calls("pause"));
    n.invoke(RESTORE);
    assertEquals(List.of("n1", "n2"), bed.calls("start"), "the killed leader comes back");
    assertEquals(List.of(), bed.calls("resume"));
  }

  @Test
  void theFinalRestorePlaysAPendingStrikeOutThenStartsEveryHost() throws Exception {
    group1(false, 8);
    PowerNemesis n = new PowerNemesis(ctx());
    n.invoke(STRIKE);
    Op done = n.invoke(Op.nemesis("restore-power", Edn.kw("all")));
    assertEquals(List.of("n3"), bed.calls("resume"), "the winner left paused resumes");
    assertTrue(bed.calls.indexOf("resume n3") > bed.calls.indexOf("start n1"), "after the second election, as in a strike's own restore");
    assertEquals(Edn.kw("same-term"), ((Map<?, ?>) done.extra().get("vote-restore")).get(Edn.kw("second")));
    assertEquals(List.of("n1", "n1", "n2", "n2", "n3", "n4", "n5"), bed.calls("start"), "then every host, as any final restore");
    n.invoke(Op.nemesis("restore-power", Edn.kw("all")));
    assertEquals(List.of("n3"), bed.calls("resume"), "nothing pending any more");
  }
}
