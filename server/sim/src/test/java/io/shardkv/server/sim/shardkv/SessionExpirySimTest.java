package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Status;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.models.KvModel;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.sim.FaultKind;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, "client sessions that expire", in the simulated cluster (docs/sessions.md): a client idle
 * past the limit (log time, stamped by the leaders) that retries an old, applied write gets the
 * definite SESSION_EXPIRED and the write is not applied twice; a routed client whose session expired
 * continues under a new client id. The history is checked with the {@code kv} model.
 */
class SessionExpirySimTest {
  private static final long IDLE_MS = 2_000;

  private static ClusterFixture cluster(long seed) {
    ClusterFixture f = new ClusterFixture(new ShardKvSimOptions(seed, 1, 3, 0, 4, 1, 0,
        EnumSet.noneOf(FaultKind.class), false, false, 0, 10, 30_000, false, 0.1).withSessionIdleMillis(IDLE_MS));
    f.join(1);
    assertTrue(f.settle(1, 30_000), "group 1 serves its shards");
    return f;
  }

  /** Runs until a raw reply that executed arrives; returns it. */
  private static Response rawAnswer(ClusterFixture f) {
    f.world.loop().runUntil(() -> f.rawReplies.stream().anyMatch(ClusterFixture::executed), f.world.loop().now() + 5_000);
    Response r = f.rawReplies.stream().filter(ClusterFixture::executed).findFirst().orElseThrow(
        () -> new AssertionError("no executed answer: " + f.rawReplies));
    f.rawReplies.clear();
    return r;
  }

  @Test
  void anIdleClientRetryingAnAppliedWriteGetsTheDefiniteErrorAndTheWriteIsAppliedOnce() {
    for (long seed = 1; seed <= 3; seed++) {
      ClusterFixture f = cluster(seed);
      HistoryRecorder h = new HistoryRecorder(f.world.loop(), f.world.digest());
      ClusterFixture.Client other = f.client();
      ClusterFixture.Client routed = f.client();
      ClusterFixture.Client reader = f.client();

      // p1: client 777 appends "x" (seq 1); its reply is the one it "lost" and will retry.
      h.invoke(1, "k", "append", "x;");
      f.rawRequest(f.world.leaderOf(1).id(), 777, 1, new KvOp.Append("k", "x;"));
      assertEquals(io.shardkv.driver.routing.Status.OK, rawAnswer(f).status());
      h.complete(1, Status.OK, "append", null);

      // p2: a routed client writes, then is idle while p3 keeps the log (and its clock) moving.
      h.invoke(2, "k", "append", "y;");
      assertEquals(CallOutcome.Kind.COMPLETED, routed.op(new KvOp.Append("k", "y;")).kind());
      h.complete(2, Status.OK, "append", null);
      long firstId = routed.runner.router().clientId();
      // Idle for between L and 2L of log time: expired, and the tombstone still there (it lasts L
      // more; docs/sessions.md states the bound a retry must keep).
      for (int i = 0; i < 3; i++) {
        f.runFor(IDLE_MS / 2);
        h.invoke(3, "other", "put", "v" + i);
        assertEquals(CallOutcome.Kind.COMPLETED, other.op(new KvOp.Put("other", "v" + i)).kind());
        h.complete(3, Status.OK, "put", null);
      }

      // p1 retries its old request: definite error, not applied (a fresh history op that failed).
      h.invoke(4, "k", "append", "x;");
      f.rawRequest(f.world.leaderOf(1).id(), 777, 1, new KvOp.Append("k", "x;"));
      Response retry = rawAnswer(f);
      assertEquals(io.shardkv.driver.routing.Status.SESSION_EXPIRED, retry.status(), "seed " + seed);
      assertTrue(retry.status().definite());
      assertTrue(f.world.leaderOf(1).shardStateMachine().sessionCounts().expired() >= 2, "777 and the routed client");
      h.complete(4, Status.FAIL, "append", null);

      // p2's next write: refused once as expired, re-run by the driver under a new id, applied once.
      h.invoke(2, "k", "append", "z;");
      CallOutcome z = routed.op(new KvOp.Append("k", "z;"));
      assertEquals(CallOutcome.Kind.COMPLETED, z.kind(), "seed " + seed + ": " + z);
      h.complete(2, Status.OK, "append", null);
      assertNotEquals(firstId, routed.runner.router().clientId(), "a fresh session");
      assertEquals(1, routed.runner.router().sessionRenewals());

      h.invoke(5, "k", "get", null);
      String value = reader.get("k");
      h.complete(5, Status.OK, "get", value);
      assertEquals("x;y;z;", value, "seed " + seed + ": every append applied exactly once");

      History history = h.build();
      assertEquals(Verdict.LINEARIZABLE, check(history), "seed " + seed);
    }
  }

  @Test
  void theCheckWouldCatchTheRetryAppliedTwice() {
    ClusterFixture f = cluster(1);
    HistoryRecorder h = new HistoryRecorder(f.world.loop(), f.world.digest());
    h.invoke(1, "k", "append", "x;");
    h.complete(1, Status.OK, "append", null);
    h.invoke(4, "k", "append", "x;");
    h.complete(4, Status.FAIL, "append", null); // the definite error: it must not have happened
    h.invoke(5, "k", "get", null);
    h.complete(5, Status.OK, "get", "x;x;");
    assertEquals(Verdict.NOT_LINEARIZABLE, check(h.build()));
  }

  private static Verdict check(History history) {
    return Checker.check(new KvModel(), history, CheckOptions.defaults().withThreads(1)
        .withTimeout(Duration.ofSeconds(30))).verdict();
  }
}
