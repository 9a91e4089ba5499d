package io.shardkv.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.gen.Rng;
import io.shardkv.chaos.nemesis.ClusterStatus.Replica;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The power-strike nemesis's decisions, on made-up {@code /status} polls (docs/chaos.md, Power loss). */
class PowerStrikeTest {
  private static final List<String> HOSTS = List.of("n1", "n2", "n3", "n4", "n5");

  private static Replica replica(String host, int group, String role, long term, long commit) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("node", (long) Integer.parseInt(host.substring(1)));
    json.put("group", (long) group);
    json.put("role", role);
    json.put("term", term);
    json.put("commit", commit);
    return new Replica(host, host + ":8000", json);
  }

  /** Group 1 on n1 n2 n3 (leader n2), group 2 on n4 n5 n1 (leader n4), the config center on n1 n2 n3 (leader n1). */
  private static List<Replica> poll(long commit1, long commit2, long commit0) {
    return List.of(
        replica("n1", 0, "leader", 3, commit0), replica("n2", 0, "follower", 3, commit0),
        replica("n1", 1, "follower", 2, commit1), replica("n2", 1, "leader", 2, commit1), replica("n3", 1, "follower", 2, commit1),
        replica("n4", 2, "leader", 4, commit2), replica("n5", 2, "follower", 4, commit2), replica("n1", 2, "follower", 4, commit2));
  }

  @Test
  void aStrikeWaitsUntilAShardGroupCommittedEnoughSinceTheWatchBegan() {
    PowerStrike.BusyWatch w = new PowerStrike.BusyWatch(20);
    assertNull(w.observe(poll(100, 500, 7), HOSTS), "the first poll only sets the baselines");
    assertNull(w.observe(poll(119, 519, 7), HOSTS), "19 commits are not enough");
    PowerStrike.Plan p = w.observe(poll(119, 520, 7), HOSTS);
    assertEquals(2, p.group());
    assertEquals("n4", p.leaderHost());
    assertEquals(520, p.commit());
  }

  @Test
  void theBusiestGroupIsStruckAndTheConfigCenterNever() {
    PowerStrike.BusyWatch w = new PowerStrike.BusyWatch(5);
    assertNull(w.observe(poll(0, 0, 0), HOSTS));
    assertNull(w.observe(poll(4, 0, 1000), HOSTS), "the config center (group 0) committing is not client load");
    assertEquals(1, w.observe(poll(30, 10, 1000), HOSTS).group(), "group 1 gained 30, group 2 only 10");
  }

  @Test
  void aGroupWithoutALeaderIsNotBusyAndALeaderSeenOnlyLaterStartsItsOwnBaseline() {
    PowerStrike.BusyWatch w = new PowerStrike.BusyWatch(10);
    List<Replica> noLeaders = List.of(replica("n1", 1, "candidate", 5, 100), replica("n3", 1, "follower", 4, 100));
    assertNull(w.observe(noLeaders, HOSTS));
    assertNull(w.observe(List.of(replica("n1", 1, "leader", 5, 300)), HOSTS), "first sight of a leader: its baseline");
    assertNull(w.observe(List.of(replica("n1", 1, "leader", 5, 309)), HOSTS));
    assertEquals("n1", w.observe(List.of(replica("n1", 1, "leader", 5, 310)), HOSTS).leaderHost());
  }

  @Test
  void ofTwoClaimantsTheHigherTermIsTheLeader() {
    PowerStrike.BusyWatch w = new PowerStrike.BusyWatch(1);
    List<Replica> base = List.of(replica("n1", 1, "leader", 2, 50), replica("n3", 1, "leader", 3, 60));
    assertNull(w.observe(base, HOSTS));
    List<Replica> later = List.of(replica("n1", 1, "leader", 2, 50), replica("n3", 1, "leader", 3, 61));
    assertEquals("n3", w.observe(later, HOSTS).leaderHost(), "a deposed leader that still says so is not aimed at");
  }

  @Test
  void everyOtherHostGoesFirstThenOneFollowersThenTheLeaders() {
    PowerStrike.BusyWatch w = new PowerStrike.BusyWatch(1);
    w.observe(poll(0, 0, 0), HOSTS);
    PowerStrike.Plan p = w.observe(poll(0, 3, 0), HOSTS);
    assertEquals(List.of("n2", "n3", "n5"), p.first());
    assertEquals(List.of("n1"), p.second(), "group 2's followers are on n5 and n1: the first in host order");
    assertEquals(List.of("n4"), p.last());
  }

  @Test
  void withNoFollowerInThePollEveryOtherHostGoesFirst() {
    PowerStrike.BusyWatch w = new PowerStrike.BusyWatch(1);
    w.observe(List.of(replica("n3", 1, "leader", 2, 10)), HOSTS);
    PowerStrike.Plan p = w.observe(List.of(replica("n3", 1, "leader", 2, 11), replica("n1", 2, "follower", 2, 11)), HOSTS);
    assertEquals(List.of("n1", "n2", "n4", "n5"), p.first(), "n1 follows in another group only");
    assertEquals(List.of(), p.second());
    assertEquals(List.of("n3"), p.last());
  }

  @Test
  void theOldLeadersHostComesBackOnlyOnceItsGroupElectedAnotherLeader() {
    List<Replica> stillOld = List.of(replica("n4", 2, "leader", 4, 10), replica("n5", 2, "follower", 4, 10));
    List<Replica> electing = List.of(replica("n5", 2, "candidate", 5, 10), replica("n1", 2, "follower", 5, 10),
        replica("n1", 1, "leader", 5, 10));
    List<Replica> elected = List.of(replica("n5", 2, "leader", 5, 10), replica("n1", 2, "follower", 5, 10));
    assertFalse(PowerStrike.electedWithout(stillOld, 2, "n4"));
    assertFalse(PowerStrike.electedWithout(electing, 2, "n4"), "another group's leader does not count");
    assertTrue(PowerStrike.electedWithout(elected, 2, "n4"));
  }

  @Test
  void aWatchNeedsAPositiveBar() {
    assertThrows(IllegalArgumentException.class, () -> new PowerStrike.BusyWatch(0));
  }

  @Test
  void powerStrikeIsNamedOnlyAndAlternatesStrikeAndRestoreWithoutPauses() {
    assertEquals(List.of("power-strike"), Nemeses.parse("power-strike"));
    assertFalse(Nemeses.parse("all").contains("power-strike"));
    assertTrue(Nemeses.losesPower(List.of("kill", "power-strike")));
    assertFalse(Nemeses.losesPower(Nemeses.CLASSES));
    List<GeneratedOps.Timed> ops =
        GeneratedOps.first(Nemeses.generator(List.of("power-strike"), 8, List.of("all"), HOSTS, Rng.of(3)), 6);
    List<String> fs = ops.stream().map(GeneratedOps.Timed::line).toList();
    List<Long> times = ops.stream().map(GeneratedOps.Timed::nanos).toList();
    for (int i = 0; i < fs.size(); i++) {
      assertTrue(i % 2 == 0 ? fs.get(i).startsWith("lose-power {:when :busy") : fs.get(i).startsWith("restore-power {:old-leader :last"),
          fs.toString());
    }
    // After the first quiet sleep (min(5 s, interval)) the ops follow each other at once: the strike paces itself.
    assertEquals(5_000_000_000L, times.get(0), times.toString());
    assertEquals(times.get(0), times.get(times.size() - 1), times.toString());
    assertEquals(List.of("restore-power :all"), GeneratedOps.finalLines(Nemeses.finalGenerator(List.of("power-strike"), HOSTS)));
  }
}
