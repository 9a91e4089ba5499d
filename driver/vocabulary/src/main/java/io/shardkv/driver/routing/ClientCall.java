package io.shardkv.driver.routing;

/**
 * One client operation's retry loop as a sans-IO state machine: the caller asks {@link #next} what
 * to do, does it (send, wait, fetch a config), and reports what happened. Time is whatever
 * {@code now} the caller passes, so a simulator drives it with virtual time and a real driver with
 * a monotonic clock.
 *
 * <h2>Reactions</h2>
 * <ul>
 *   <li>First attempt: to the group's tracked server ({@link LeaderTracker#current}), or, for a client
 *       bound to a home ({@link ShardRouter#home()}), to the group's server at home.</li>
 *   <li>WRONG_LEADER: go to the hinted server at once; without a usable hint, rotate.</li>
 *   <li>No reply by the attempt deadline, or a connection error: rotate; a write that may have been
 *       delivered becomes "maybe executed".</li>
 *   <li>TIMEOUT (the server proposed but saw no commit): rotate; a write becomes "maybe executed".</li>
 *   <li>WRONG_GROUP: the cached config is stale or the group has not received the shard yet: fetch a
 *       newer config; if there is none yet, back off and ask the group's next server (the one that
 *       answered may lag, or not host the group at all).</li>
 *   <li>After every server of the group failed once in a row, back off exponentially. When the
 *       group's {@link LeaderTracker} is out of leads (a full round with no leader and no hint), first
 *       ask a server that answered for the members it knows ({@link CallStep.FetchMembers}); a new
 *       member is tried at once, without the backoff (issue 16: a client that knows only removed
 *       members, which answer WRONG_LEADER without a hint, finds the current ones).</li>
 *   <li>SESSION_EXPIRED (docs/sessions.md): this attempt was not applied, and the router moves to a
 *       new client id. FAILED (definite) if no earlier attempt can have been applied — the caller
 *       may then run the operation again as a new call under the new id; INDEFINITE otherwise: an
 *       earlier attempt may have been applied before the session expired, and re-running it under a
 *       new id could apply it twice.</li>
 *   <li>Any other status is the operation's answer. A late reply to an earlier attempt counts too:
 *       all attempts carry the same (client id, seq), so any definite answer is the answer.</li>
 * </ul>
 * Outcomes are classified in {@link CallOutcome}.
 *
 * <h2>The deadline</h2>
 * An answer the caller has reported wins over the deadline: once a reply completed the call,
 * {@link #next} returns that outcome whatever the time. A call that reaches its deadline without an
 * answer is FAILED (definite) only if no attempt can have been applied: every attempt of a write was
 * answered WRONG_LEADER or WRONG_GROUP (definitely refused), or reported with
 * {@code maybeDelivered == false} (certainly never sent). An attempt that got no reply, a TIMEOUT,
 * or was still in flight makes it INDEFINITE. The call never gives up while an attempt is in flight
 * before that attempt's reply deadline (which is never after the call's), so every attempt sent has
 * been accounted for when it does. {@link #abandon} applies the same rule when the caller stops early.
 */
public final class ClientCall {
  private enum Phase { READY, AWAITING, BACKOFF, NEED_CONFIG, NEED_MEMBERS, AWAITING_MEMBERS, DONE }

  private final ShardRouter router;
  /** The session id every attempt carries (the router may move to a new one meanwhile). */
  private final long clientId;
  private final String key;
  /** The shard a shard-routed call (a scan page) goes to; -1 when routed by {@link #key}. */
  private final int shard;
  private final boolean write;
  private final long seq;
  private final long deadline;

  private Phase phase = Phase.READY;
  private int attempts;
  private int inFlightAttempt;
  private LeaderTracker inFlightTracker;
  private int inFlightGid;
  /** NEED_MEMBERS / AWAITING_MEMBERS: whom to ask, until when, and whether to back off after. */
  private String membersFrom;
  private long membersDeadline;
  private boolean backoffAfterMembers;
  private int inFlightConfigNum;
  private String inFlightServer;
  private long replyDeadline;
  private long wakeAt;
  private int staleConfigNum = -1;
  private int failuresInRow;
  private boolean maybeExecuted;
  private CallOutcome outcome;

  ClientCall(ShardRouter router, String key, boolean write, long seq, long now, long timeoutMillis) {
    this(router, key, -1, write, seq, now, timeoutMillis);
  }

  /** A call routed to the owner of {@code shard} (≥ 0) rather than of a key's shard. */
  ClientCall(ShardRouter router, String key, int shard, boolean write, long seq, long now, long timeoutMillis) {
    if (timeoutMillis <= 0) throw new IllegalArgumentException("call timeout must be positive, got " + timeoutMillis);
    this.router = router;
    this.clientId = router.clientId();
    this.key = key;
    this.shard = shard;
    this.write = write;
    this.seq = seq;
    this.deadline = now + timeoutMillis;
  }

  /** The client id every attempt of this call carries (fixed when the call started). */
  public long clientId() {
    return clientId;
  }

  /** The sequence number every attempt of this call carries. */
  public long seq() {
    return seq;
  }

  public boolean isWrite() {
    return write;
  }

  public int attempts() {
    return attempts;
  }

  /** When this call gives up without an answer, on the caller's clock. */
  public long deadline() {
    return deadline;
  }

  /** What to do now. */
  public CallStep next(long now) {
    if (phase == Phase.DONE) {
      return new CallStep.Finish(outcome);
    }
    if (phase == Phase.AWAITING && now >= replyDeadline) {
      onNoReply(inFlightAttempt, true, now);
    }
    if (now >= deadline && phase != Phase.AWAITING) {
      return finish(giveUp());
    }
    switch (phase) {
      case AWAITING:
        return new CallStep.AwaitReply(inFlightAttempt, replyDeadline);
      case BACKOFF:
        if (now < wakeAt) {
          return new CallStep.WaitUntil(Math.min(wakeAt, deadline));
        }
        phase = Phase.READY;
        break;
      case NEED_MEMBERS:
        phase = Phase.AWAITING_MEMBERS;
        membersDeadline = Math.min(now + router.policy().attemptTimeoutMillis(), deadline);
        return new CallStep.FetchMembers(inFlightGid, membersFrom, membersDeadline);
      case AWAITING_MEMBERS:
        if (now < membersDeadline) {
          return new CallStep.WaitUntil(membersDeadline);
        }
        onMembersFetched(java.util.List.of(), now); // no answer: as an answer naming no new member
        if (phase != Phase.READY) {
          return next(now);
        }
        break;
      case NEED_CONFIG:
        if (router.config() == null || router.config().num() <= staleConfigNum) {
          return new CallStep.FetchConfig(staleConfigNum);
        }
        phase = Phase.READY; // another call already brought a newer config
        break;
      default:
        break;
    }
    return send(now);
  }

  private CallStep send(long now) {
    int gid;
    int configNum;
    if (key == null && shard < 0) {
      gid = ShardRouter.CONFIG_CENTER_GID;
      configNum = router.config() == null ? -1 : router.config().num();
    } else {
      ShardConfig config = router.config();
      if (config == null) {
        staleConfigNum = -1;
        phase = Phase.NEED_CONFIG;
        return new CallStep.FetchConfig(-1);
      }
      if (shard >= config.shardCount()) {
        // Only a caller bug gets here (shards come from the cached config); no group can serve it.
        throw new IllegalArgumentException("shard " + shard + " out of range: the cluster has "
            + config.shardCount() + " shards");
      }
      gid = config.ownerOf(key != null ? config.shardOfKey(key) : shard);
      configNum = config.num();
      if (gid == 0 || config.serversOf(gid).isEmpty()) {
        // No group serves the shard in the newest config we know: wait for a newer one.
        staleConfigNum = configNum;
        phase = Phase.NEED_CONFIG;
        return new CallStep.FetchConfig(configNum);
      }
    }
    boolean first = attempts == 0;
    attempts++;
    inFlightAttempt = attempts;
    inFlightConfigNum = configNum;
    // Keep the tracker: the group may leave the cached config while this attempt is in flight.
    inFlightTracker = router.tracker(gid);
    inFlightGid = gid;
    // A home-bound client (ShardRouter#home) asks its home first on every call to a shard group.
    String home = first && gid != ShardRouter.CONFIG_CENTER_GID ? inFlightTracker.homeServer(router.home()) : null;
    inFlightServer = home != null ? home : inFlightTracker.current();
    replyDeadline = Math.min(now + router.policy().attemptTimeoutMillis(), Math.max(deadline, now));
    phase = Phase.AWAITING;
    return new CallStep.Send(inFlightAttempt, gid, inFlightServer, configNum, replyDeadline);
  }

  /**
   * A reply to attempt {@code attempt} arrived with {@code status} (and, for WRONG_LEADER, maybe a
   * leader hint; for answers, the reply body in {@code payload}).
   */
  public void onReply(int attempt, Status status, String leaderHint, byte[] payload, long now) {
    if (phase == Phase.DONE) {
      return;
    }
    boolean current = phase == Phase.AWAITING && attempt == inFlightAttempt;
    if (!status.isRoutingRetry()) {
      // A definite answer for this (client id, seq), from this attempt or a late earlier one.
      if (current) {
        inFlightTracker.onLeaderAnswered(inFlightServer);
      }
      finish(classifyAnswer(status, payload));
      return;
    }
    if (!current) {
      if (status == Status.TIMEOUT && write) {
        maybeExecuted = true;
      }
      return; // a stale routing answer: the call has moved on
    }
    LeaderTracker tracker = inFlightTracker;
    switch (status) {
      case WRONG_LEADER:
        if (tracker.onWrongLeader(inFlightServer, leaderHint)) {
          phase = Phase.READY; // follow the hint at once
        } else {
          failed(now, tracker);
        }
        break;
      case TIMEOUT:
        maybeExecuted |= write;
        tracker.onNoAnswer(inFlightServer);
        failed(now, tracker);
        break;
      case WRONG_GROUP:
        if (key == null && shard < 0) {
          failed(now, tracker); // the config center never says this; treat as a failed attempt
        } else {
          // The next attempt to this group goes to its next server: this one may host the group's
          // replica with an older configuration, or not host the group at all (a server learned
          // from a hint or a members answer, LeaderTracker); without moving on, a call whose config
          // does not change would ask it again until the deadline (lab, set-power seed 14101).
          tracker.onWrongGroup(inFlightServer);
          staleConfigNum = inFlightConfigNum;
          phase = Phase.NEED_CONFIG;
        }
        break;
      default:
        throw new AssertionError(status);
    }
  }

  /**
   * Attempt {@code attempt} got no reply (deadline passed or the connection broke).
   * {@code maybeDelivered} is false only when the request certainly never left this client.
   */
  public void onNoReply(int attempt, boolean maybeDelivered, long now) {
    if (phase != Phase.AWAITING || attempt != inFlightAttempt) {
      if (maybeDelivered && write && phase != Phase.DONE) {
        maybeExecuted = true;
      }
      return;
    }
    maybeExecuted |= write && maybeDelivered;
    LeaderTracker tracker = inFlightTracker;
    tracker.onNoAnswer(inFlightServer);
    failed(now, tracker);
  }

  /**
   * The answer to a {@link CallStep.FetchConfig}: the config center's latest configuration, or null
   * if the query failed. A config no newer than the stale one means the groups are still moving:
   * back off before trying the same group again.
   */
  public void onConfigFetched(ShardConfig latest, long now) {
    router.onConfig(latest); // useful to every call even if this one has moved on
    if (phase != Phase.NEED_CONFIG) {
      return;
    }
    ShardConfig known = router.config();
    if (known != null && known.num() > staleConfigNum) {
      phase = Phase.READY;
      failuresInRow = 0;
      return;
    }
    // No newer config: the owner is still receiving the shard (or no group owns it yet).
    // Pause, then try the same group again.
    failuresInRow++;
    wakeAt = now + router.backoff(failuresInRow);
    phase = Phase.BACKOFF;
  }

  private void failed(long now, LeaderTracker tracker) {
    failuresInRow++;
    int servers = tracker.servers().size();
    boolean backoff = failuresInRow % servers == 0;
    String ask = tracker.membersSource();
    if (ask != null) {
      membersFrom = ask;
      backoffAfterMembers = backoff;
      phase = Phase.NEED_MEMBERS;
    } else {
      proceed(now, backoff);
    }
  }

  private void proceed(long now, boolean backoff) {
    if (backoff) {
      wakeAt = now + router.backoff(Math.max(1, failuresInRow / inFlightTracker.servers().size()));
      phase = Phase.BACKOFF;
    } else {
      phase = Phase.READY;
    }
  }

  /**
   * The answer to a {@link CallStep.FetchMembers}: the addresses the asked server reported for the
   * group (empty: no answer, or none reported). A member not known yet is tried next, at once;
   * otherwise the call goes on as it would have (backing off after a full round).
   */
  public void onMembersFetched(java.util.List<String> members, long now) {
    if (phase != Phase.AWAITING_MEMBERS) {
      return; // late, or the call is over
    }
    if (inFlightTracker.onMembers(members)) {
      phase = Phase.READY;
    } else {
      proceed(now, backoffAfterMembers);
    }
  }

  /**
   * The caller stops driving this call before it finished (interrupted, shutting down): the outcome
   * as if the deadline had passed now, an attempt in flight counting as maybe delivered. A call that
   * already finished keeps its outcome.
   */
  public CallOutcome abandon(long now) {
    if (phase == Phase.DONE) {
      return outcome;
    }
    if (phase == Phase.AWAITING) {
      onNoReply(inFlightAttempt, true, now);
    }
    finish(giveUp());
    return outcome;
  }

  private CallOutcome classifyAnswer(Status status, byte[] payload) {
    return switch (status) {
      case OK, NOT_FOUND, CAS_MISMATCH ->
          new CallOutcome(CallOutcome.Kind.COMPLETED, status, payload, null, attempts);
      case SESSION_EXPIRED -> {
        router.onSessionExpired(clientId);
        yield write && maybeExecuted
            ? new CallOutcome(CallOutcome.Kind.INDEFINITE, status, payload, "the client's session expired; an "
                + "earlier attempt may have been applied before it did, so this write's outcome is unknown", attempts)
            : new CallOutcome(CallOutcome.Kind.FAILED, status, payload, "the client's session expired; not "
                + "applied (run it again: later calls use a new client id)", attempts);
      }
      case STALE_REQUEST -> new CallOutcome(CallOutcome.Kind.INDEFINITE, status, payload,
          "the server had already applied a later request of this client; this one's result is "
              + "unknown", attempts);
      default -> new CallOutcome(CallOutcome.Kind.FAILED, status, payload,
          "rejected by the server: " + status, attempts);
    };
  }

  private CallOutcome giveUp() {
    if (write && maybeExecuted) {
      return new CallOutcome(CallOutcome.Kind.INDEFINITE, Status.TIMEOUT, null,
          "gave up after " + attempts + " attempt(s); an attempt may have been applied", attempts);
    }
    return new CallOutcome(CallOutcome.Kind.FAILED, Status.TIMEOUT, null,
        "gave up after " + attempts + " attempt(s); no attempt was applied", attempts);
  }

  private CallStep finish(CallOutcome o) {
    outcome = o;
    phase = Phase.DONE;
    return new CallStep.Finish(o);
  }
}
