package io.shardkv.driver.protocol;

/**
 * The frame type byte (offset 3 of the header). Requests use codes below {@code 0x80}; the reply
 * to a request of code {@code c} has code {@code c | 0x80}. {@link #ERROR} is a connection-level
 * error. See {@code docs/protocol.md} for each payload layout.
 */
public enum FrameType {
  GET(0x01), PUT(0x02), APPEND(0x03), CAS(0x04), DELETE(0x05),
  /** One page of one shard's keys (docs/protocol.md §5.1a). */
  SCAN(0x06),
  JOIN(0x10), LEAVE(0x11), MOVE(0x12), QUERY(0x13), STATUS(0x14),
  /** A MOVE without migration: the shard's data is dropped (recovery when its owner is gone). */
  FORCE_MOVE(0x15),
  /** One-way: identifies the sending node on a peer link. No reply. */
  PEER_HELLO(0x20),
  /** One-way: opaque bytes between peers (a Raft message). No reply. */
  PEER_MESSAGE(0x21),
  /** Keep-alive; answered by {@link #PING_REPLY}. */
  PING(0x30),

  GET_REPLY(0x81), PUT_REPLY(0x82), APPEND_REPLY(0x83), CAS_REPLY(0x84), DELETE_REPLY(0x85),
  SCAN_REPLY(0x86),
  JOIN_REPLY(0x90), LEAVE_REPLY(0x91), MOVE_REPLY(0x92), QUERY_REPLY(0x93), STATUS_REPLY(0x94),
  FORCE_MOVE_REPLY(0x95),
  PING_REPLY(0xB0),

  /** Connection-level error (bad framing); the sender closes the connection after it. */
  ERROR(0xFF);

  private static final FrameType[] BY_CODE = new FrameType[256];

  static {
    for (FrameType t : values()) BY_CODE[t.code] = t;
  }

  private final int code;

  FrameType(int code) { this.code = code; }

  /** The wire code, 0..255. */
  public int code() { return code; }

  /** True for reply frame types (code {@code >= 0x80}, except {@link #ERROR}). */
  public boolean isReply() { return code >= 0x80 && this != ERROR; }

  /** True for frames that are never answered ({@link #PEER_HELLO}, {@link #PEER_MESSAGE}). */
  public boolean isOneWay() { return this == PEER_HELLO || this == PEER_MESSAGE; }

  /** True for request types that expect a reply. */
  public boolean expectsReply() { return code < 0x80 && !isOneWay(); }

  /** The reply type of this request type. */
  public FrameType replyType() {
    if (!expectsReply()) throw new IllegalStateException(this + " has no reply type");
    return BY_CODE[code | 0x80];
  }

  /** The request type this reply answers. */
  public FrameType requestType() {
    if (!isReply()) throw new IllegalStateException(this + " is not a reply type");
    return BY_CODE[code & 0x7F];
  }

  /** The frame type with this code, or {@code null} if unknown. */
  public static FrameType fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** Hex form used in error messages, e.g. {@code 0x2a}. */
  public static String hex(int code) {
    return String.format("0x%02x", code);
  }
}
