package io.shardkv.driver.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Every answer code of ShardKV, in one vocabulary shared by the replicated state machines, the wire
 * protocol, the servers and the clients. Each has a fixed {@link #code()} (never the ordinal), so
 * encodings survive reordering; the constants are declared in code order.
 *
 * <ul>
 *   <li>Codes 0-14 are the wire protocol's statuses (docs/protocol.md §6, one unsigned byte):
 *       {@link #onWire()}. 7-13 are wire-only: the framing layer and the server process say them,
 *       no state machine does.</li>
 *   <li>Codes 0-6, 14, 100 and 101 are what a replicated state machine answers and records in its
 *       log results and snapshots (dedup table): {@link #inLog()}, decoded by {@link #fromLogCode}.
 *       100 and up are internal to the log and never sent as such: a server sends
 *       {@link #wireStatus()} (STALE_REQUEST as SERVER_ERROR, REJECTED as BAD_REQUEST).</li>
 * </ul>
 *
 * <p>Every code is either <em>{@link #definite()}</em> — the operation certainly did not take effect
 * (or, for OK/NOT_FOUND/CAS_MISMATCH, certainly took the reported effect) — or indefinite: it may or
 * may not have taken effect, and a checker must record it as Jepsen's {@code :info}.
 *
 * <p>For a client the important split is {@link #isRoutingRetry()}: those codes say "this attempt
 * did not execute here; try elsewhere or later", every other code is the operation's own answer. The
 * retry logic acts on {@link #retryAs()}, which folds the wire-only codes onto the routing ones.
 */
public enum Status {
  /** The operation executed (for a write: exactly once; a read returned a value). Definite. */
  OK(0, true, true),
  /** A get, delete or cas found no value under the key. Definite. */
  NOT_FOUND(1, true, true),
  /** Definite: the contacted server is not the leader; the request was not proposed. A hint may name
   * the leader. */
  WRONG_LEADER(2, true, true),
  /** Definite: this group does not serve the key's shard (not owned, or its data not yet arrived).
   * On the wire it carries the server's configuration number. */
  WRONG_GROUP(3, true, true),
  /**
   * The server proposed the command but did not see it commit in time: it may still commit.
   * Indefinite for a write until a retry with the same (client id, seq) gets a definite answer.
   */
  TIMEOUT(4, false, true),
  /** Definite: the request was malformed or invalid (bad shard number, unknown group, bad bytes). */
  BAD_REQUEST(5, true, true),
  /** A cas found a value different from the expected one; nothing was written. Definite. On the
   * wire it carries the current value. */
  CAS_MISMATCH(6, true, true),
  /** Wire only: the frame's protocol version is not spoken by the receiver. Definite; the
   * connection closes. */
  UNSUPPORTED_VERSION(7, true, false),
  /** Wire only: the frame's payload length exceeds the receiver's maximum. Definite; the connection
   * closes. */
  FRAME_TOO_LARGE(8, true, false),
  /** Wire only: an unexpected server failure while handling the request. Indefinite. */
  SERVER_ERROR(9, false, false),
  /** Wire only: the frame type byte is not a known type. Definite; the connection closes. */
  UNKNOWN_FRAME_TYPE(10, true, false),
  /** Wire only: bad magic, or a payload that does not parse as its frame type says. Definite; the
   * connection closes. */
  MALFORMED_FRAME(11, true, false),
  /** Wire only: the server refused the request for lack of capacity before starting it. Definite. */
  OVERLOADED(12, true, false),
  /** Wire only: the server is shutting down and did not start the request. Definite. */
  SHUTTING_DOWN(13, true, false),
  /**
   * Definite: the client's session expired (idle for longer than the servers' limit, in log time;
   * docs/sessions.md) and the write was not executed. The client must continue under a new client
   * id; whether an <em>earlier</em> attempt of the same write was applied before the expiry is
   * unknown, so such a write's outcome is indefinite.
   */
  SESSION_EXPIRED(14, true, true),
  /**
   * Log only: the request's sequence number is older than the last one this client had applied: it
   * executed long ago and its result is no longer kept. Only a client that broke the
   * one-outstanding-request rule can see this. Indefinite, so it travels as SERVER_ERROR.
   */
  STALE_REQUEST(100, false, true),
  /** Log only: a migration or configuration command that did not apply now (wrong config number,
   * busy). Travels as BAD_REQUEST. */
  REJECTED(101, true, true);

  private static final Status[] BY_CODE = new Status[256];
  private static final List<Status> WIRE;

  static {
    List<Status> wire = new ArrayList<>();
    for (Status s : values()) {
      BY_CODE[s.code] = s;
      if (s.onWire()) wire.add(s);
    }
    WIRE = List.copyOf(wire);
  }

  private final int code;
  private final boolean definite;
  private final boolean inLog;

  Status(int code, boolean definite, boolean inLog) {
    this.code = code;
    this.definite = definite;
    this.inLog = inLog;
  }

  /** The code, 0..255: the wire byte for {@link #onWire()} statuses, the log byte for {@link #inLog()} ones. */
  public int code() {
    return code;
  }

  /**
   * The code a state machine writes for this answer (log results, snapshots), which
   * {@link #fromLogCode} reads back. Only {@link #inLog()} statuses have one: writing a wire-only code
   * would make a log or snapshot that no longer loads.
   */
  public int logCode() {
    if (!inLog) {
      throw new IllegalStateException(this + " is a wire-only status; a state machine never answers it");
    }
    return code;
  }

  /** True if the outcome is certain (see class comment); false means "may have happened". */
  public boolean definite() {
    return definite;
  }

  /** True for the wire protocol's statuses (docs/protocol.md §6); only these are sent. */
  public boolean onWire() {
    return code < 100;
  }

  /** True for the answers a replicated state machine gives and records in its log and snapshots. */
  public boolean inLog() {
    return inLog;
  }

  /**
   * The status a server sends for this answer: itself for a wire status; STALE_REQUEST (the result
   * of an old request is no longer known, indefinite) travels as SERVER_ERROR, REJECTED as
   * BAD_REQUEST. The definite flag is preserved.
   */
  public Status wireStatus() {
    return switch (this) {
      case STALE_REQUEST -> SERVER_ERROR;
      case REJECTED -> BAD_REQUEST;
      default -> this;
    };
  }

  /**
   * The status the client's routing/retry logic reads this answer as: SERVER_ERROR (indefinite)
   * retries like TIMEOUT; OVERLOADED and SHUTTING_DOWN (definite, "try elsewhere") like
   * WRONG_LEADER without a hint; the other wire-only codes are a definite BAD_REQUEST; every state
   * machine answer is read as itself.
   */
  public Status retryAs() {
    return switch (this) {
      case SERVER_ERROR -> TIMEOUT;
      case OVERLOADED, SHUTTING_DOWN -> WRONG_LEADER;
      case UNSUPPORTED_VERSION, FRAME_TOO_LARGE, UNKNOWN_FRAME_TYPE, MALFORMED_FRAME -> BAD_REQUEST;
      default -> this;
    };
  }

  /** True for answers that say "not executed by this attempt, re-route or retry" (read as {@link #retryAs()}). */
  public boolean isRoutingRetry() {
    Status r = retryAs();
    return r == WRONG_GROUP || r == WRONG_LEADER || r == TIMEOUT;
  }

  /**
   * The status a state machine recorded under {@code code} (log results, snapshots): only
   * {@link #inLog()} codes decode, anything else is corrupt input.
   */
  public static Status fromLogCode(int code) {
    Status s = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (s == null || !s.inLog) {
      throw new DecodeException("unknown status code " + code);
    }
    return s;
  }

  /** The wire status with this code, or {@code null} if the byte is not a wire status. */
  public static Status fromWireCode(int code) {
    Status s = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    return s != null && s.onWire() ? s : null;
  }

  /** The wire statuses, in code order. */
  public static List<Status> wireStatuses() {
    return WIRE;
  }
}
