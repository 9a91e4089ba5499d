package io.shardkv.driver.protocol;

/**
 * Result and error codes carried on the wire (one unsigned byte). See {@code docs/protocol.md}.
 *
 * <p>Every code is either <em>definite</em> — the operation certainly did not take effect (or, for
 * {@link #OK}/{@link #NOT_FOUND}/{@link #CAS_MISMATCH}, certainly took the reported effect) — or
 * <em>indefinite</em>: the operation may or may not have taken effect, and a checker must record it
 * as Jepsen's {@code :info}.
 */
public enum Status {
  /** The operation took effect (or the read returned a value). Definite. */
  OK(0, true),
  /** The key does not exist. Definite: a read of "absent", or a delete of an absent key. */
  NOT_FOUND(1, true),
  /** This node is not the leader of its group; the request was not proposed. Definite. Carries a
   * leader hint. */
  WRONG_LEADER(2, true),
  /** This group does not serve the key's shard in its current configuration. Definite. Carries the
   * server's configuration number. */
  WRONG_GROUP(3, true),
  /** The server gave up waiting for the operation to commit. Indefinite: it may still be applied. */
  TIMEOUT(4, false),
  /** The request was well framed but semantically invalid (e.g. a negative shard). Definite. */
  BAD_REQUEST(5, true),
  /** Compare-and-set: the current value differed from the expected one; nothing written. Definite.
   * Carries the current value. */
  CAS_MISMATCH(6, true),
  /** The frame's protocol version is not spoken by the receiver. Definite; the connection closes. */
  UNSUPPORTED_VERSION(7, true),
  /** The frame's payload length exceeds the receiver's maximum. Definite; the connection closes. */
  FRAME_TOO_LARGE(8, true),
  /** An unexpected server failure while handling the request. Indefinite. */
  SERVER_ERROR(9, false),
  /** The frame type byte is not a known type. Definite; the connection closes. */
  UNKNOWN_FRAME_TYPE(10, true),
  /** Bad magic, or a payload that does not parse as its frame type says. Definite; the connection
   * closes. */
  MALFORMED_FRAME(11, true),
  /** The server refused the request for lack of capacity before starting it. Definite. */
  OVERLOADED(12, true),
  /** The server is shutting down and did not start the request. Definite. */
  SHUTTING_DOWN(13, true),
  /**
   * The client's session expired on the server (idle longer than its limit; docs/sessions.md): the
   * write was NOT applied. Definite for this attempt; continue under a new client id. Sent only in
   * answer to a write whose client id has an expired session record.
   */
  SESSION_EXPIRED(14, true);

  private static final Status[] BY_CODE = new Status[256];

  static {
    for (Status s : values()) BY_CODE[s.code] = s;
  }

  private final int code;
  private final boolean definite;

  Status(int code, boolean definite) {
    this.code = code;
    this.definite = definite;
  }

  /** The wire code, 0..255. */
  public int code() { return code; }

  /** True if the outcome is certain (see class comment); false means "may have happened". */
  public boolean definite() { return definite; }

  /** The status with this wire code, or {@code null} if the code is unknown. */
  public static Status fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
