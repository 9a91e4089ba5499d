package io.shardkv.driver.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientCallTest {
  private static final RetryPolicy POLICY = new RetryPolicy(100, 1_000, 10, 80);
  private static final List<String> CONFIG_CENTER = List.of("c0", "c1", "c2");

  /** Two groups, 4 shards: gid 1 owns shards 0-1, gid 2 owns 2-3. */
  private static ShardConfig config(int num, int... owners) {
    return new ShardConfig(num, owners, Map.of(1, List.of("a0", "a1", "a2"),
        2, List.of("b0", "b1", "b2")));
  }

  private static final ShardConfig C1 = config(1, 1, 1, 2, 2);

  private static String keyOnShard(int shard) {
    for (int i = 0; ; i++) {
      if (ShardHash.shardOf("k" + i, 4) == shard) {
        return "k" + i;
      }
    }
  }

  private static CallStep.Send expectSend(CallStep step) {
    return assertInstanceOf(CallStep.Send.class, step);
  }

  @Test
  void firstCallFetchesTheConfigThenSendsToTheOwningGroup() {
    ShardRouter r = new ShardRouter(42, CONFIG_CENTER, POLICY);
    ClientCall call = r.startKeyOp(keyOnShard(2), true, 0);
    assertEquals(new CallStep.FetchConfig(-1), call.next(0));
    call.onConfigFetched(C1, 5);
    CallStep.Send send = expectSend(call.next(5));
    assertEquals(2, send.gid());
    assertEquals("b0", send.server());
    assertEquals(1, send.configNum());
    assertEquals(105, send.replyDeadline());
    assertEquals(new CallStep.AwaitReply(1, 105), call.next(50));
    call.onReply(1, Status.OK, null, new byte[] {9}, 60);
    CallOutcome o = assertInstanceOf(CallStep.Finish.class, call.next(60)).outcome();
    assertEquals(CallOutcome.Kind.COMPLETED, o.kind());
    assertArrayEquals(new byte[] {9}, o.payload());
  }

  @Test
  void wrongLeaderWithAHintGoesToTheHintedServerAtOnceAndLaterCallsStartThere() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s1 = expectSend(call.next(0));
    assertEquals("a0", s1.server());
    call.onReply(s1.attempt(), Status.WRONG_LEADER, "a2", null, 1);
    CallStep.Send s2 = expectSend(call.next(1));
    assertEquals("a2", s2.server());
    assertEquals(2, s2.attempt());
    call.onReply(s2.attempt(), Status.OK, null, null, 2);
    ClientCall next = r.startKeyOp(keyOnShard(1), false, 3);
    assertEquals("a2", expectSend(next.next(3)).server());
  }

  @Test
  void wrongLeaderWithoutHintRotatesThroughTheGroupThenBacksOffExponentially() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    List<String> tried = new ArrayList<>();
    long now = 0;
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      CallStep step = call.next(now);
      while (step instanceof CallStep.WaitUntil || step instanceof CallStep.FetchMembers) {
        if (step instanceof CallStep.FetchMembers m) {
          // Out of leads after each full round: the last server that answered is asked for its
          // members; it names none the client does not know.
          tried.add("members?" + m.server());
          call.onMembersFetched(List.of("a0", "a1", "a2"), now);
        } else {
          CallStep.WaitUntil w = (CallStep.WaitUntil) step;
          waits.add(w.wakeAt() - now);
          now = w.wakeAt();
        }
        step = call.next(now);
      }
      CallStep.Send s = expectSend(step);
      tried.add(s.server());
      call.onReply(s.attempt(), Status.WRONG_LEADER, null, null, now);
    }
    assertEquals(List.of("a0", "a1", "a2", "members?a2", "a0", "a1", "a2", "members?a2", "a0", "a1", "a2"), tried);
    assertEquals(List.of(10L, 20L), waits);
  }

  /**
   * Issue 16 (sim shardkv --membership seed 5847): the client knows only servers removed from the
   * group, which hear from no leader and answer WRONG_LEADER without a hint. After a full round it
   * asks the last one that answered for the members it knows, and tries a new one at once.
   */
  @Test
  void outOfLeadsTheClientAsksAServerThatAnsweredForItsMembersAndTriesANewOneAtOnce() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    ClientCall q = r.startConfigQuery(0);
    CallStep.Send s1 = expectSend(q.next(0));
    q.onReply(s1.attempt(), Status.WRONG_LEADER, null, null, 1);
    CallStep.Send s2 = expectSend(q.next(1));
    q.onNoReply(s2.attempt(), true, 101); // c1 is down
    CallStep.Send s3 = expectSend(q.next(101));
    assertEquals(List.of("c0", "c1", "c2"), List.of(s1.server(), s2.server(), s3.server()));
    q.onReply(s3.attempt(), Status.WRONG_LEADER, null, null, 102);
    CallStep.FetchMembers ask = assertInstanceOf(CallStep.FetchMembers.class, q.next(102));
    assertEquals(new CallStep.FetchMembers(ShardRouter.CONFIG_CENTER_GID, "c2", 202), ask);
    assertEquals(new CallStep.WaitUntil(202), q.next(150), "waits for the answer");
    q.onMembersFetched(List.of("c1", "c7", "c8"), 160); // c2's last configuration: c1, c7, c8
    CallStep.Send s4 = expectSend(q.next(160));
    assertEquals("c7", s4.server(), "a member it did not know, at once (no backoff)");
    q.onReply(s4.attempt(), Status.OK, null, C1.encode(), 161);
    assertEquals(CallOutcome.Kind.COMPLETED, assertInstanceOf(CallStep.Finish.class, q.next(161)).outcome().kind());
    assertEquals(List.of("c0", "c1", "c2", "c7", "c8"), r.tracker(ShardRouter.CONFIG_CENTER_GID).servers());
    assertEquals("c7", expectSend(r.startConfigQuery(200).next(200)).server(), "later calls start at the leader");
  }

  /** An ask that gets no answer by its deadline counts as naming no new member: the round's backoff follows. */
  @Test
  void aMembersAskWithoutAnswerEndsInTheUsualBackoff() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    ClientCall q = r.startConfigQuery(0);
    for (int i = 0; i < 3; i++) {
      q.onReply(expectSend(q.next(0)).attempt(), Status.WRONG_LEADER, null, null, 0);
    }
    CallStep.FetchMembers ask = assertInstanceOf(CallStep.FetchMembers.class, q.next(0));
    assertEquals(new CallStep.WaitUntil(10 + 100), q.next(100), "after the ask's deadline: the backoff");
    q.onMembersFetched(List.of("c9"), 101); // too late: ignored
    assertEquals(List.of("c0", "c1", "c2"), r.tracker(ShardRouter.CONFIG_CENTER_GID).servers());
    assertEquals("c2", ask.server());
  }

  /** A full round of silence (every server down) asks nobody: no server answered to be asked. */
  @Test
  void aRoundOfSilenceAsksNoServerForMembers() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    ClientCall q = r.startConfigQuery(0);
    long now = 0;
    for (int i = 0; i < 3; i++) {
      q.onNoReply(expectSend(q.next(now)).attempt(), true, now);
    }
    assertInstanceOf(CallStep.WaitUntil.class, q.next(now));
  }

  @Test
  void everyAttemptCarriesTheSameSeqAndSeparateCallsGetIncreasingSeqs() {
    ShardRouter r = new ShardRouter(7, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall a = r.startKeyOp("x", true, 0);
    ClientCall b = r.startKeyOp("y", true, 0);
    assertEquals(7, a.clientId());
    assertTrue(b.seq() > a.seq());
    long seq = a.seq();
    CallStep.Send s = expectSend(a.next(0));
    a.onNoReply(s.attempt(), true, 100);
    expectSend(a.next(100));
    assertEquals(seq, a.seq());
    assertEquals(2, a.attempts());
  }

  @Test
  void writeThatTimedOutAfterBeingSentIsIndefiniteWhenTheCallGivesUp() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallOutcome o = runUntilFinished(call, (c, s, now) -> c.onNoReply(s.attempt(), true, now));
    assertEquals(CallOutcome.Kind.INDEFINITE, o.kind());
    assertTrue(o.attempts() > 3);
  }

  @Test
  void serverTimeoutAnswerMakesAWriteIndefiniteEvenIfLaterAttemptsSayWrongGroup() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s = expectSend(call.next(0));
    call.onReply(s.attempt(), Status.TIMEOUT, null, null, 5);
    CallOutcome o = runUntilFinished(call, (c, send, now) -> {
      c.onReply(send.attempt(), Status.WRONG_GROUP, null, null, now);
    });
    assertEquals(CallOutcome.Kind.INDEFINITE, o.kind());
  }

  @Test
  void writeThatNeverLeftTheClientFailsDefinitely() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallOutcome o = runUntilFinished(call, (c, s, now) -> c.onNoReply(s.attempt(), false, now));
    assertEquals(CallOutcome.Kind.FAILED, o.kind());
  }

  @Test
  void readThatGetsNoAnswerFailsDefinitelyBecauseReadsHaveNoEffect() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), false, 0);
    CallOutcome o = runUntilFinished(call, (c, s, now) -> c.onNoReply(s.attempt(), true, now));
    assertEquals(CallOutcome.Kind.FAILED, o.kind());
  }

  @Test
  void wrongGroupFetchesANewerConfigAndRoutesToTheNewOwner() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s1 = expectSend(call.next(0));
    assertEquals(1, s1.gid());
    call.onReply(s1.attempt(), Status.WRONG_GROUP, null, null, 1);
    assertEquals(new CallStep.FetchConfig(1), call.next(1));
    call.onConfigFetched(config(2, 2, 1, 2, 1), 2);
    CallStep.Send s2 = expectSend(call.next(2));
    assertEquals(2, s2.gid());
    assertEquals(2, s2.configNum());
    call.onReply(s2.attempt(), Status.OK, null, null, 3);
    assertEquals(CallOutcome.Kind.COMPLETED,
        assertInstanceOf(CallStep.Finish.class, call.next(3)).outcome().kind());
  }

  @Test
  void wrongGroupWithNoNewerConfigBacksOffAndRetriesTheSameGroupAtItsNextServer() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s1 = expectSend(call.next(0));
    assertEquals("a0", s1.server());
    call.onReply(s1.attempt(), Status.WRONG_GROUP, null, null, 1);
    assertInstanceOf(CallStep.FetchConfig.class, call.next(1));
    call.onConfigFetched(C1, 2);
    assertEquals(new CallStep.WaitUntil(12), call.next(2));
    CallStep.Send s2 = expectSend(call.next(12));
    assertEquals(1, s2.gid());
    assertEquals("a1", s2.server(), "a0 may lag behind its group's configuration: ask the next member");
  }

  /**
   * Lab, set workload under power loss, seed 14101: a server hosting replicas of two groups answered
   * for the wrong one, whose WRONG_LEADER hint put that group's leader (x9 here) in this group's
   * tracker. x9 serves no shard of the group and answers WRONG_GROUP; the configuration does not
   * change, so the call asked x9 again after every backoff until its deadline (84 attempts). It must
   * move on to the group's own servers.
   */
  @Test
  void aServerThatAnswersWrongGroupUnderAnUnchangedConfigIsNotAskedForEver() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), false, 0, 10_000);
    long now = 0;
    CallStep.Send s = expectSend(call.next(now));
    call.onReply(s.attempt(), Status.WRONG_LEADER, "x9", null, now);
    List<String> tried = new ArrayList<>(List.of(s.server()));
    for (int i = 0; i < 6; i++) {
      CallStep step = call.next(now);
      while (!(step instanceof CallStep.Send)) {
        if (step instanceof CallStep.FetchConfig) call.onConfigFetched(C1, now);
        else if (step instanceof CallStep.WaitUntil w) now = w.wakeAt();
        else if (step instanceof CallStep.FetchMembers) call.onMembersFetched(List.of(), now);
        else throw new AssertionError("unexpected step " + step);
        step = call.next(now);
      }
      s = (CallStep.Send) step;
      tried.add(s.server());
      if (s.server().equals("a1")) {
        call.onReply(s.attempt(), Status.OK, null, null, now);
        break;
      }
      // x9 hosts another group; a0 and a2 are followers that point at a1 no longer (no hint).
      call.onReply(s.attempt(), s.server().equals("x9") ? Status.WRONG_GROUP : Status.WRONG_LEADER, null, null, now);
    }
    assertEquals(List.of("a0", "x9", "a0", "a1"), tried);
    assertEquals(CallOutcome.Kind.COMPLETED,
        assertInstanceOf(CallStep.Finish.class, call.next(now)).outcome().kind());
  }

  @Test
  void newerConfigBroughtByAnotherCallIsUsedWithoutAnotherFetch() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s1 = expectSend(call.next(0));
    call.onReply(s1.attempt(), Status.WRONG_GROUP, null, null, 1);
    r.onConfig(config(2, 2, 2, 2, 2));
    assertEquals(2, expectSend(call.next(1)).gid());
  }

  @Test
  void lateDefiniteReplyToAnEarlierAttemptCompletesTheCall() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s1 = expectSend(call.next(0));
    expectSend(call.next(100)); // attempt 1 timed out; attempt 2 is in flight
    call.onReply(s1.attempt(), Status.OK, null, null, 120);
    CallOutcome o = assertInstanceOf(CallStep.Finish.class, call.next(120)).outcome();
    assertEquals(CallOutcome.Kind.COMPLETED, o.kind());
  }

  @Test
  void staleRoutingReplyToAnEarlierAttemptIsIgnored() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s1 = expectSend(call.next(0));
    CallStep.Send s2 = expectSend(call.next(100));
    call.onReply(s1.attempt(), Status.WRONG_LEADER, "a0", null, 110);
    assertEquals(new CallStep.AwaitReply(s2.attempt(), s2.replyDeadline()), call.next(110));
  }

  @Test
  void badRequestIsADefiniteFailure() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    ClientCall call = r.startConfigCenterOp(true, 0);
    CallStep.Send s = expectSend(call.next(0));
    assertEquals(ShardRouter.CONFIG_CENTER_GID, s.gid());
    assertEquals("c0", s.server());
    call.onReply(s.attempt(), Status.BAD_REQUEST, null, null, 1);
    CallOutcome o = assertInstanceOf(CallStep.Finish.class, call.next(1)).outcome();
    assertEquals(CallOutcome.Kind.FAILED, o.kind());
    assertEquals(Status.BAD_REQUEST, o.status());
  }

  @Test
  void shardOwnedByNoGroupWaitsForANewerConfig() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(new ShardConfig(1, new int[4], Map.of()));
    ClientCall call = r.startKeyOp("k", true, 0);
    assertEquals(new CallStep.FetchConfig(1), call.next(0));
    call.onConfigFetched(null, 1); // the query itself failed
    assertInstanceOf(CallStep.WaitUntil.class, call.next(1));
  }

  @Test
  void configCenterCallsRotateThroughItsServersOnSilenceAndFollowHints() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    ClientCall q = r.startConfigQuery(0);
    CallStep.Send s1 = expectSend(q.next(0));
    assertEquals("c0", s1.server());
    q.onNoReply(s1.attempt(), true, 100);
    CallStep.Send s2 = expectSend(q.next(100));
    assertEquals("c1", s2.server());
    q.onReply(s2.attempt(), Status.WRONG_LEADER, "c0", null, 101);
    assertEquals("c0", expectSend(q.next(101)).server());
    q.onReply(3, Status.OK, null, C1.encode(), 102);
    CallOutcome o = assertInstanceOf(CallStep.Finish.class, q.next(102)).outcome();
    assertEquals(CallOutcome.Kind.COMPLETED, o.kind());
    assertEquals(C1, ShardConfig.decode(o.payload()));
    assertTrue(r.onConfig(ShardConfig.decode(o.payload())));
    assertEquals(1, r.config().num());
  }

  @Test
  void injectedJitterShapesTheBackoff() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY, b -> b / 2);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    for (int i = 0; i < 3; i++) {
      CallStep.Send s = expectSend(call.next(0));
      call.onReply(s.attempt(), Status.WRONG_LEADER, null, null, 0);
    }
    assertInstanceOf(CallStep.FetchMembers.class, call.next(0));
    call.onMembersFetched(List.of(), 0); // nothing new learned: the round's backoff follows
    assertEquals(new CallStep.WaitUntil(5), call.next(0));
  }

  @Test
  void replyFromAGroupThatLeftWhileTheAttemptWasInFlightIsHandled() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(2), true, 0);
    CallStep.Send s = expectSend(call.next(0));
    assertEquals(2, s.gid());
    r.onConfig(new ShardConfig(2, new int[] {1, 1, 1, 1}, Map.of(1, List.of("a0", "a1", "a2"))));
    call.onReply(s.attempt(), Status.WRONG_LEADER, null, null, 1);
    CallStep.Send again = expectSend(call.next(1));
    assertEquals(1, again.gid());
    call.onNoReply(again.attempt(), true, 101);
    assertEquals("a1", expectSend(call.next(101)).server());
  }

  @Test
  void olderConfigThanTheCachedOneIsNotAdopted() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    assertTrue(r.onConfig(config(3, 1, 1, 2, 2)));
    assertTrue(!r.onConfig(C1));
    assertEquals(3, r.config().num());
  }

  @Test
  void sameInputsGiveTheSameStepsEveryTime() {
    assertEquals(script(), script());
  }

  private static List<CallStep> script() {
    ShardRouter r = new ShardRouter(3, CONFIG_CENTER, POLICY);
    List<CallStep> steps = new ArrayList<>();
    ClientCall call = r.startKeyOp("key", true, 0);
    long now = 0;
    steps.add(call.next(now));
    call.onConfigFetched(C1, now);
    for (int i = 0; i < 12; i++) {
      CallStep s = call.next(now);
      steps.add(s);
      if (s instanceof CallStep.Send send) {
        if (i % 3 == 0) {
          call.onReply(send.attempt(), Status.WRONG_LEADER, i % 2 == 0 ? null : "a1", null, now);
        } else {
          call.onNoReply(send.attempt(), true, now);
        }
      } else if (s instanceof CallStep.WaitUntil w) {
        now = w.wakeAt();
      }
      now += 7;
    }
    return steps;
  }

  // ---- the deadline (issue 18): an answer wins; definite only if no attempt can have applied

  @Test
  void anAnswerReportedAtTheDeadlineWinsOverIt() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s = expectSend(call.next(950));
    assertEquals(1_000, s.replyDeadline(), "an attempt's reply deadline never passes the call's");
    call.onReply(s.attempt(), Status.OK, null, new byte[] {1}, 1_000);
    CallOutcome o = assertInstanceOf(CallStep.Finish.class, call.next(1_000)).outcome();
    assertEquals(CallOutcome.Kind.COMPLETED, o.kind());
  }

  @Test
  void anAnswerReportedAfterTheDeadlineStillWinsOverIt() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s = expectSend(call.next(990));
    call.onReply(s.attempt(), Status.OK, null, new byte[] {1}, 1_040);
    assertEquals(CallOutcome.Kind.COMPLETED,
        assertInstanceOf(CallStep.Finish.class, call.next(1_040)).outcome().kind());
  }

  @Test
  void aWriteEveryAttemptOfWhichWasRefusedFailsDefinitelyAtTheDeadline() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallOutcome o = runUntilFinished(call, (c, s, now) -> c.onReply(s.attempt(), Status.WRONG_LEADER, null, null, now));
    assertEquals(CallOutcome.Kind.FAILED, o.kind());
    assertTrue(o.attempts() > 3);
  }

  @Test
  void aWriteWhoseLastAttemptIsUnansweredAtTheDeadlineIsIndefinite() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    // Refused (definite: WRONG_LEADER, hinting at another member) until 950; the attempt sent
    // then gets no answer before the deadline.
    long now = 0;
    CallStep.Send send = expectSend(call.next(now));
    while (now < 950) {
      now += 1;
      call.onReply(send.attempt(), Status.WRONG_LEADER, send.server().equals("a1") ? "a2" : "a1", null, now);
      send = expectSend(call.next(now));
    }
    CallStep step = send;
    CallStep.Send last = (CallStep.Send) step;
    assertEquals(new CallStep.AwaitReply(last.attempt(), 1_000), call.next(999));
    CallOutcome o = assertInstanceOf(CallStep.Finish.class, call.next(1_000)).outcome();
    assertEquals(CallOutcome.Kind.INDEFINITE, o.kind(), "the last attempt may still apply");
  }

  @Test
  void abandoningAWriteWithAnAttemptInFlightIsIndefinite() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    expectSend(call.next(0));
    assertEquals(CallOutcome.Kind.INDEFINITE, call.abandon(10).kind());
    assertEquals(CallOutcome.Kind.INDEFINITE, assertInstanceOf(CallStep.Finish.class, call.next(20)).outcome().kind());
  }

  @Test
  void abandoningAWriteWhoseAttemptsWereAllRefusedIsDefinite() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s = expectSend(call.next(0));
    call.onReply(s.attempt(), Status.WRONG_GROUP, null, null, 1);
    assertEquals(CallOutcome.Kind.FAILED, call.abandon(2).kind());
  }

  @Test
  void abandoningACallThatAlreadyHasItsAnswerKeepsTheAnswer() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    ClientCall call = r.startKeyOp(keyOnShard(0), true, 0);
    CallStep.Send s = expectSend(call.next(0));
    call.onReply(s.attempt(), Status.OK, null, new byte[0], 1);
    assertEquals(CallOutcome.Kind.COMPLETED, call.abandon(2).kind());
  }

  @Test
  void aCallsOwnTimeoutSetsItsDeadline() {
    ShardRouter r = new ShardRouter(1, CONFIG_CENTER, POLICY);
    r.onConfig(C1);
    assertEquals(350, r.startKeyOp("k", true, 100, 250).deadline());
    assertEquals(100 + POLICY.callTimeoutMillis(), r.startKeyOp("k", true, 100).deadline());
    assertEquals(130, r.startConfigQuery(100, 30).deadline());
  }

  private interface Responder {
    void respond(ClientCall call, CallStep.Send send, long now);
  }

  /** Drives {@code call} with virtual time until it finishes; every send is answered by {@code r}. */
  private static CallOutcome runUntilFinished(ClientCall call, Responder r) {
    long now = 0;
    for (int guard = 0; guard < 10_000; guard++) {
      CallStep step = call.next(now);
      if (step instanceof CallStep.Finish f) {
        assertTrue(now >= POLICY.callTimeoutMillis() || f.outcome().definite());
        return f.outcome();
      } else if (step instanceof CallStep.Send s) {
        now += 1;
        r.respond(call, s, now);
      } else if (step instanceof CallStep.WaitUntil w) {
        now = w.wakeAt();
      } else if (step instanceof CallStep.AwaitReply a) {
        now = a.replyDeadline();
      } else if (step instanceof CallStep.FetchConfig) {
        call.onConfigFetched(null, now);
      }
    }
    throw new AssertionError("call never finished");
  }
}
