package io.shardkv.driver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SESSION_EXPIRED (docs/sessions.md): the attempt that gets it was not applied, so a write is
 * definite-failed and may be re-run under a new client id only if no earlier attempt can have been
 * applied; otherwise its outcome is indefinite (an earlier attempt may have applied before expiry).
 */
class SessionExpiryCallTest {
  private static final RetryPolicy POLICY = new RetryPolicy(100, 1_000, 10, 80);
  private static final ShardConfig C1 = new ShardConfig(1, new int[] {1, 1}, Map.of(1, List.of("a0", "a1", "a2")));

  private static ShardRouter router(long id) {
    ShardRouter r = new ShardRouter(id, List.of("c0"), POLICY);
    r.onConfig(C1);
    return r;
  }

  private static CallOutcome finish(ClientCall call, long now) {
    return assertInstanceOf(CallStep.Finish.class, call.next(now)).outcome();
  }

  @Test
  void aFirstAttemptRefusedAsExpiredIsDefiniteAndTheRouterMovesToANewId() {
    ShardRouter r = router(7);
    ClientCall call = r.startKeyOp("k", true, 0);
    assertInstanceOf(CallStep.Send.class, call.next(0));
    call.onReply(1, Status.SESSION_EXPIRED, null, null, 10);
    CallOutcome o = finish(call, 10);
    assertEquals(CallOutcome.Kind.FAILED, o.kind());
    assertEquals(Status.SESSION_EXPIRED, o.status());
    assertTrue(o.retryInNewSession());
    assertNotEquals(7, r.clientId(), "later calls use a new session");
    assertEquals(7, call.clientId(), "the call keeps the id its attempts carried");
    assertEquals(1, r.sessionRenewals());
    ClientCall next = r.startKeyOp("k", true, 20);
    assertEquals(r.clientId(), next.clientId());
  }

  @Test
  void aRetryRefusedAsExpiredAfterAnAttemptThatMayHaveAppliedIsIndefinite() {
    ShardRouter r = router(7);
    ClientCall call = r.startKeyOp("k", true, 0);
    assertInstanceOf(CallStep.Send.class, call.next(0));
    call.onNoReply(1, true, 100); // attempt 1 may have been applied
    CallStep step = call.next(100);
    while (!(step instanceof CallStep.Send)) {
      step = call.next(((CallStep.WaitUntil) step).wakeAt());
    }
    call.onReply(2, Status.SESSION_EXPIRED, null, null, 150);
    CallOutcome o = finish(call, 150);
    assertEquals(CallOutcome.Kind.INDEFINITE, o.kind());
    assertFalse(o.retryInNewSession(), "re-running it under a new id could apply it twice");
    assertNotEquals(7, r.clientId());
  }

  @Test
  void concurrentCallsOfOneExpiredSessionRenewItOnce() {
    ShardRouter r = router(7);
    ClientCall a = r.startKeyOp("k", true, 0);
    ClientCall b = r.startKeyOp("k2", true, 0);
    a.next(0);
    b.next(0);
    a.onReply(1, Status.SESSION_EXPIRED, null, null, 5);
    long renewed = r.clientId();
    b.onReply(1, Status.SESSION_EXPIRED, null, null, 6);
    assertEquals(renewed, r.clientId());
    assertEquals(1, r.sessionRenewals());
    assertEquals(7, b.clientId());
  }

  @Test
  void aReadAnsweredExpiredIsDefinite() {
    ShardRouter r = router(7);
    ClientCall call = r.startKeyOp("k", false, 0);
    call.next(0);
    call.onNoReply(1, true, 100);
    CallStep step = call.next(100);
    while (!(step instanceof CallStep.Send)) {
      step = call.next(((CallStep.WaitUntil) step).wakeAt());
    }
    call.onReply(2, Status.SESSION_EXPIRED, null, null, 150);
    assertEquals(CallOutcome.Kind.FAILED, finish(call, 150).kind());
  }
}
