package io.shardkv.server.raft;

/** What a log entry carries. Stored by its {@link #code()}, never by ordinal or name. */
public enum EntryKind {
  /** The empty entry a new leader appends at the start of its term (Raft thesis §6.4). */
  NOOP((byte) 0),
  /** A command for the replicated state machine; opaque to Raft. */
  COMMAND((byte) 1),
  /**
   * A membership change (Raft thesis §4.1): the payload is the group's whole new configuration
   * ({@link Membership#encode()}). It takes effect on each server as soon as it is in its log, not
   * when committed; the state machine skips it like a NOOP.
   */
  CONFIG((byte) 2);

  private final byte code;

  EntryKind(byte code) { this.code = code; }

  /** Stable on-disk / on-wire code. */
  public byte code() { return code; }

  public static EntryKind fromCode(byte code) {
    for (EntryKind k : values()) if (k.code == code) return k;
    throw new IllegalArgumentException("unknown entry kind code " + code);
  }
}
