package io.shardkv.driver.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * The requests of the protocol, one record per frame type. Writes carry {@code clientId} and
 * {@code seq}: a server applies each (clientId, seq) at most once and answers a retry of an already
 * applied write with its original result (exactly-once; seq increases per client).
 */
public sealed interface Request extends Message {

  /**
   * This request asking for the served entry in its reply (docs/protocol.md §5.6): GET, PUT, APPEND,
   * CAS and DELETE can ask (a trailing flags byte); any other request is returned unchanged. Only
   * servers that speak §5.6 accept the flag: a client sends it only when told to
   * ({@code ClientOptions.reportServed}).
   */
  default Request askingServed() { return this; }

  /** True when this request asks for the served entry in its reply. */
  default boolean askServed() { return false; }

  /** Reads {@code key}. OK carries the value; NOT_FOUND if absent. */
  record Get(long clientId, long seq, String key, boolean askServed) implements Request {
    public Get(long clientId, long seq, String key) { this(clientId, seq, key, false); }
    public Get { Objects.requireNonNull(key, "key"); }
    @Override public Get askingServed() { return new Get(clientId, seq, key, true); }
    @Override public FrameType frameType() { return FrameType.GET; }
  }

  /** Sets {@code key} to {@code value}. */
  record Put(long clientId, long seq, String key, String value, boolean askServed) implements Request {
    public Put(long clientId, long seq, String key, String value) { this(clientId, seq, key, value, false); }
    @Override public Put askingServed() { return new Put(clientId, seq, key, value, true); }
    public Put { Objects.requireNonNull(key, "key"); Objects.requireNonNull(value, "value"); }
    @Override public FrameType frameType() { return FrameType.PUT; }
  }

  /** Appends {@code value} to the current value of {@code key} (absent counts as empty). */
  record Append(long clientId, long seq, String key, String value, boolean askServed) implements Request {
    public Append(long clientId, long seq, String key, String value) { this(clientId, seq, key, value, false); }
    @Override public Append askingServed() { return new Append(clientId, seq, key, value, true); }
    public Append { Objects.requireNonNull(key, "key"); Objects.requireNonNull(value, "value"); }
    @Override public FrameType frameType() { return FrameType.APPEND; }
  }

  /**
   * Sets {@code key} to {@code value} if its current value equals {@code expected}; a null
   * {@code expected} means "only if the key is absent". CAS_MISMATCH otherwise.
   */
  record Cas(long clientId, long seq, String key, String expected, String value, boolean askServed) implements Request {
    public Cas(long clientId, long seq, String key, String expected, String value) {
      this(clientId, seq, key, expected, value, false);
    }
    @Override public Cas askingServed() { return new Cas(clientId, seq, key, expected, value, true); }
    public Cas { Objects.requireNonNull(key, "key"); Objects.requireNonNull(value, "value"); }
    @Override public FrameType frameType() { return FrameType.CAS; }
  }

  /** Removes {@code key}. OK if it existed, NOT_FOUND if it did not. */
  record Delete(long clientId, long seq, String key, boolean askServed) implements Request {
    public Delete(long clientId, long seq, String key) { this(clientId, seq, key, false); }
    public Delete { Objects.requireNonNull(key, "key"); }
    @Override public Delete askingServed() { return new Delete(clientId, seq, key, true); }
    @Override public FrameType frameType() { return FrameType.DELETE; }
  }

  /**
   * One page of shard {@code shard}'s keys that start with {@code prefix}, in key order, each
   * greater than {@code after} (null: from the first), at most {@code limit} of them (the server
   * may return fewer; {@link Result.Page#more()} says whether to ask again from the last key). A
   * read: served like GET (linearizable), WRONG_GROUP if the group does not serve the shard now.
   */
  record Scan(int shard, String prefix, String after, int limit) implements Request {
    public Scan {
      Objects.requireNonNull(prefix, "prefix");
      if (shard < 0) throw new IllegalArgumentException("shard must be >= 0, got " + shard);
      if (limit < 1) throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    @Override public FrameType frameType() { return FrameType.SCAN; }
  }

  /** Config center: adds groups (group id → server addresses) and rebalances shards. */
  record Join(long clientId, long seq, SortedMap<Integer, List<String>> groups) implements Request {
    public Join { groups = Configuration.copyGroups(groups); }
    @Override public FrameType frameType() { return FrameType.JOIN; }
  }

  /** Config center: removes groups and rebalances their shards to the others. */
  record Leave(long clientId, long seq, List<Integer> groupIds) implements Request {
    public Leave { groupIds = List.copyOf(groupIds); }
    @Override public FrameType frameType() { return FrameType.LEAVE; }
  }

  /**
   * Config center: assigns {@code shard} to {@code groupId} (MOVE: the new owner pulls the data from
   * the old one). With {@code force} (FORCE_MOVE, same payload) the shard is assigned without
   * migration: its data and dedup records are dropped, and the new owner starts it empty — the
   * recovery for a shard whose owner is gone for good.
   */
  record Move(long clientId, long seq, int shard, int groupId, boolean force) implements Request {
    public Move(long clientId, long seq, int shard, int groupId) { this(clientId, seq, shard, groupId, false); }
    @Override public FrameType frameType() { return force ? FrameType.FORCE_MOVE : FrameType.MOVE; }
  }

  /** Config center: the configuration numbered {@code configNum}, or the latest if it is -1. */
  record Query(long configNum) implements Request {
    public static final long LATEST = -1;
    @Override public FrameType frameType() { return FrameType.QUERY; }
  }

  /** Any node: its own status as key/value text pairs (role, term, leader, group, ...). */
  record NodeStatus() implements Request {
    @Override public FrameType frameType() { return FrameType.STATUS; }
  }

  /** Keep-alive; answered with an empty OK. */
  record Ping() implements Request {
    @Override public FrameType frameType() { return FrameType.PING; }
  }

  /** First frame on a peer link: the sending node's id. No reply. */
  record PeerHello(int nodeId) implements Request {
    @Override public FrameType frameType() { return FrameType.PEER_HELLO; }
  }

  /** Opaque bytes from one peer to another (a Raft message). No reply. */
  record PeerMessage(byte[] bytes) implements Request {
    public PeerMessage { Objects.requireNonNull(bytes, "bytes"); }
    @Override public FrameType frameType() { return FrameType.PEER_MESSAGE; }
    @Override public boolean equals(Object o) {
      return o instanceof PeerMessage p && Arrays.equals(p.bytes, bytes);
    }
    @Override public int hashCode() { return Arrays.hashCode(bytes); }
    @Override public String toString() { return "PeerMessage[" + bytes.length + "B]"; }
  }
}
