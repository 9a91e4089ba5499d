package io.shardkv.driver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client bound to a home ({@link ShardRouter#home(String)}): the first attempt of every call to a
 * shard group goes to that group's server at home, whoever leads; redirects and timeouts are followed
 * as usual for the rest of the call; the next call starts at home again. Unbound clients follow the
 * leader (the default).
 */
class HomeBoundCallTest {
  private static final RetryPolicy POLICY = new RetryPolicy(100, 1_000, 10, 80);
  private static final List<String> CONFIG_CENTER = List.of("h1:6000", "h2:6000", "h3:6000");
  /** One group on three hosts, every shard its own. */
  private static final ShardConfig C1 = new ShardConfig(1, new int[] {1, 1, 1, 1},
      Map.of(1, List.of("h1:7000", "h2:7000", "h3:7000")));

  private static ShardRouter router(String home) {
    ShardRouter r = new ShardRouter(7, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    r.home(home);
    return r;
  }

  private static CallStep.Send send(ClientCall call, long now) {
    return assertInstanceOf(CallStep.Send.class, call.next(now));
  }

  /** Makes h1 the group's known leader: a call that h1 answered. */
  private static void leaderIsH1(ShardRouter r) {
    r.tracker(1).onLeaderAnswered("h1:7000");
    assertEquals("h1:7000", r.tracker(1).current());
  }

  @Test
  void anUnboundClientSendsToTheLeaderItKnows() {
    ShardRouter r = router(null);
    leaderIsH1(r);
    assertEquals("h1:7000", send(r.startKeyOp("k", false, 0), 0).server());
  }

  @Test
  void everyCallOfABoundClientAsksItsHomeFirstEvenWhenAnotherServerLeadsAndHomeAnswered() {
    ShardRouter r = router("h2");
    leaderIsH1(r);
    for (int i = 0; i < 3; i++) {
      ClientCall read = r.startKeyOp("k", false, i * 1000);
      CallStep.Send s = send(read, i * 1000);
      assertEquals("h2:7000", s.server(), "call " + i);
      // h2 answers (e.g. a deposed leader that still believes its lease): that is the call's answer.
      read.onReply(s.attempt(), Status.OK, null, new byte[] {1}, i * 1000 + 5);
      assertEquals(CallOutcome.Kind.COMPLETED,
          assertInstanceOf(CallStep.Finish.class, read.next(i * 1000 + 5)).outcome().kind());
    }
  }

  @Test
  void aRedirectFromHomeIsFollowedWithinTheCallAndTheNextCallStartsAtHomeAgain() {
    ShardRouter r = router("h2");
    ClientCall w = r.startKeyOp("k", true, 0);
    CallStep.Send first = send(w, 0);
    assertEquals("h2:7000", first.server());
    w.onReply(first.attempt(), Status.WRONG_LEADER, "h3:7000", null, 5);
    CallStep.Send second = send(w, 5);
    assertEquals("h3:7000", second.server(), "the hint is followed at once");
    w.onReply(second.attempt(), Status.OK, null, null, 10);
    assertEquals("h3:7000", r.tracker(1).current(), "the tracker learned the leader");
    assertEquals("h2:7000", send(r.startKeyOp("k", false, 20), 20).server(), "the next call asks home first");
  }

  @Test
  void aHomeThatDoesNotAnswerIsLeftForTheLeaderWithinTheCall() {
    ShardRouter r = router("h2");
    leaderIsH1(r);
    ClientCall read = r.startKeyOp("k", false, 0);
    CallStep.Send first = send(read, 0);
    assertEquals("h2:7000", first.server());
    read.onNoReply(first.attempt(), true, 100);
    assertEquals("h1:7000", send(read, 100).server(), "the second attempt goes to the known leader, not home again");
  }

  @Test
  void anExactAddressIsPreferredOverAHostAndAHostNamesItsFirstServer() {
    ShardRouter r = new ShardRouter(7, CONFIG_CENTER, POLICY);
    r.onConfig(new ShardConfig(1, new int[] {1, 1, 1, 1}, Map.of(1, List.of("127.0.0.1:7000", "127.0.0.1:7001"))));
    r.home("127.0.0.1:7001");
    assertEquals("127.0.0.1:7001", send(r.startKeyOp("k", false, 0), 0).server());
    assertEquals("127.0.0.1:7000", r.tracker(1).homeServer("127.0.0.1"));
    assertNull(r.tracker(1).homeServer("127.0.0.2"));
    assertNull(r.tracker(1).homeServer("127.0.0"), "a host matches whole, not as a prefix");
  }

  @Test
  void aGroupWithNoServerAtHomeAndTheConfigCenterAreRoutedAsUsual() {
    ShardRouter r = router("h9");
    leaderIsH1(r);
    assertEquals("h1:7000", send(r.startKeyOp("k", false, 0), 0).server());
    ShardRouter atH2 = router("h2");
    assertEquals("h1:6000", send(atH2.startConfigQuery(0), 0).server(), "config-center calls are not home-bound");
  }

  @Test
  void nullOrEmptyUnbinds() {
    ShardRouter r = router("h2");
    r.home("");
    assertNull(r.home());
    leaderIsH1(r);
    assertEquals("h1:7000", send(r.startKeyOp("k", false, 0), 0).server());
  }
}
