package io.shardkv.server.process;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.shardkv.MigrationRpc;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes inside a PEER_MESSAGE frame (docs/protocol.md §5.3 leaves them opaque): either a Raft
 * message between members of one group, or a shard-migration message between two groups' servers.
 *
 * <pre>
 * peer-message := u8 version=1, u8 kind, body                                (one replica per process)
 *               | u8 version=2, i32 toGroup, i32 fromGroup, u8 kind, body     (servers hosting several groups)
 *   kind 1 raft      : u8 type, i32 from, i32 to, i64 term, fields of the type (below)
 *                      (version 2: toGroup = fromGroup, the group both replicas belong to)
 *   kind 2 migration : the {@link MigrationRpc} encoding
 *                      (version 2: fromGroup sends it to toGroup's replica on the receiving server)
 * raft types:
 *   1 RequestVote            i64 lastLogIndex, i64 lastLogTerm, bool preVote, bool leadershipTransfer
 *   2 RequestVoteResponse    bool preVote, bool granted
 *   3 AppendEntries          i64 prevLogIndex, i64 prevLogTerm, i64 leaderCommit,
 *                            u32 n, n × (i64 index, i64 term, u8 kind, bytes data)
 *   4 AppendEntriesResponse  bool success, i64 matchIndex, i64 rejectedIndex, i64 conflictTerm, i64 conflictIndex
 *   5 Heartbeat              i64 commit, i64 readContext
 *   6 HeartbeatResponse      i64 readContext
 *   7 InstallSnapshot        i64 lastIndex, i64 lastTerm, i64 offset, bytes data, bool done
 *   8 InstallSnapshotResponse i64 lastIndex, i64 nextOffset, bool installed
 *   9 TimeoutNow             (nothing)
 *  10 InstallSnapshot with a configuration: as 7, then bytes membership (Membership#encode; sent
 *                            only for a snapshot that records one, i.e. after a membership change)
 * entry kinds: 0 NOOP, 1 COMMAND, 2 CONFIG (data = Membership#encode; only after a membership change)
 * </pre>
 * All integers big-endian; a payload must be consumed exactly. Decoding failures throw
 * {@link DecodeException} with what was wrong and where; the receiver drops that message. Servers of
 * a node-format config (docs/config.md) send version 1, byte for byte what they always sent, so an
 * older binary still reads them; servers of a server-format config send version 2. Every server reads
 * both; a version-1 message carries no group and is for the one group its receiver hosts.
 */
public final class PeerWire {
  public static final int VERSION = 1;
  /** The version whose messages name their groups. */
  public static final int VERSION_GROUPS = 2;
  /** {@link Decoded#toGroup()} of a version-1 message: no group named. */
  public static final int NO_GROUP = -1;
  public static final int KIND_RAFT = 1;
  public static final int KIND_MIGRATION = 2;

  private PeerWire() {}

  /**
   * A decoded peer message: exactly one of {@code raft} and {@code migration} is set. {@code toGroup}
   * and {@code fromGroup} are {@link #NO_GROUP} for a version-1 message.
   */
  public record Decoded(int toGroup, int fromGroup, RaftMessage raft, MigrationRpc migration) {
    public Decoded(RaftMessage raft, MigrationRpc migration) {
      this(NO_GROUP, NO_GROUP, raft, migration);
    }
  }

  /** Version 1: a migration message to the receiving server's one group. */
  public static byte[] encodeMigration(MigrationRpc m) {
    byte[] body = MigrationRpc.encode(m);
    byte[] out = new byte[body.length + 2];
    out[0] = VERSION;
    out[1] = KIND_MIGRATION;
    System.arraycopy(body, 0, out, 2, body.length);
    return out;
  }

  /** Version 2: a migration message from group {@code fromGroup} to the receiver's replica of {@code toGroup}. */
  public static byte[] encodeMigration(int toGroup, int fromGroup, MigrationRpc m) {
    byte[] body = MigrationRpc.encode(m);
    BinaryWriter w = new BinaryWriter(body.length + 10);
    w.writeByte(VERSION_GROUPS).writeInt(toGroup).writeInt(fromGroup).writeByte(KIND_MIGRATION);
    byte[] head = w.toByteArray();
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  /** Version 1: a Raft message between the one replica each server hosts. */
  public static byte[] encodeRaft(RaftMessage m) {
    BinaryWriter w = new BinaryWriter(2 + sizeHint(m));
    w.writeByte(VERSION).writeByte(KIND_RAFT);
    return raftBody(w, m);
  }

  /** Version 2: a Raft message between two replicas of {@code group}. */
  public static byte[] encodeRaft(int group, RaftMessage m) {
    BinaryWriter w = new BinaryWriter(10 + sizeHint(m));
    w.writeByte(VERSION_GROUPS).writeInt(group).writeInt(group).writeByte(KIND_RAFT);
    return raftBody(w, m);
  }

  /** The body's size for AppendEntries (so its entries are copied once), a small bound otherwise. */
  private static int sizeHint(RaftMessage m) {
    if (!(m instanceof RaftMessage.AppendEntries a)) return 62;
    int n = 21 + 28;
    for (LogEntry e : a.entries()) n += 21 + e.data().length;
    return n;
  }

  private static byte[] raftBody(BinaryWriter w, RaftMessage m) {
    if (m instanceof RaftMessage.RequestVote v) {
      head(w, 1, m).writeLong(v.lastLogIndex()).writeLong(v.lastLogTerm())
          .writeBoolean(v.preVote()).writeBoolean(v.leadershipTransfer());
    } else if (m instanceof RaftMessage.RequestVoteResponse v) {
      head(w, 2, m).writeBoolean(v.preVote()).writeBoolean(v.granted());
    } else if (m instanceof RaftMessage.AppendEntries a) {
      head(w, 3, m).writeLong(a.prevLogIndex()).writeLong(a.prevLogTerm()).writeLong(a.leaderCommit());
      w.writeInt(a.entries().size());
      for (LogEntry e : a.entries()) {
        w.writeLong(e.index()).writeLong(e.term()).writeByte(e.kind().code()).writeBytes(e.data());
      }
    } else if (m instanceof RaftMessage.AppendEntriesResponse r) {
      head(w, 4, m).writeBoolean(r.success()).writeLong(r.matchIndex()).writeLong(r.rejectedIndex())
          .writeLong(r.conflictTerm()).writeLong(r.conflictIndex());
    } else if (m instanceof RaftMessage.Heartbeat h) {
      head(w, 5, m).writeLong(h.commit()).writeLong(h.readContext());
    } else if (m instanceof RaftMessage.HeartbeatResponse h) {
      head(w, 6, m).writeLong(h.readContext());
    } else if (m instanceof RaftMessage.InstallSnapshot s) {
      // Type 7, byte for byte as before, unless the snapshot records a configuration (type 10).
      head(w, s.membership() == null ? 7 : 10, m).writeLong(s.lastIndex()).writeLong(s.lastTerm()).writeLong(s.offset())
          .writeBytes(s.data()).writeBoolean(s.done());
      if (s.membership() != null) w.writeBytes(s.membership().encode());
    } else if (m instanceof RaftMessage.InstallSnapshotResponse s) {
      head(w, 8, m).writeLong(s.lastIndex()).writeLong(s.nextOffset()).writeBoolean(s.installed());
    } else if (m instanceof RaftMessage.TimeoutNow) {
      head(w, 9, m);
    } else {
      throw new IllegalArgumentException("no wire encoding for " + m.getClass().getName());
    }
    return w.toByteArray();
  }

  private static BinaryWriter head(BinaryWriter w, int type, RaftMessage m) {
    return w.writeByte(type).writeInt(m.from()).writeInt(m.to()).writeLong(m.term());
  }

  public static Decoded decode(byte[] bytes) {
    BinaryReader r = new BinaryReader(bytes);
    int version = r.readByte("peer message version");
    if (version != VERSION && version != VERSION_GROUPS) {
      throw new DecodeException("peer message version " + version + " at offset 0 (this node speaks "
          + VERSION + " and " + VERSION_GROUPS + ")");
    }
    int toGroup = NO_GROUP;
    int fromGroup = NO_GROUP;
    if (version == VERSION_GROUPS) {
      toGroup = r.readInt("to group");
      fromGroup = r.readInt("from group");
      if (toGroup < 0) throw new DecodeException("negative to-group " + toGroup + " at offset 1");
      if (fromGroup < 0) throw new DecodeException("negative from-group " + fromGroup + " at offset 5");
    }
    int kindAt = r.position();
    int kind = r.readByte("peer message kind");
    if (kind == KIND_MIGRATION) {
      int at = r.position();
      byte[] rest = new byte[bytes.length - at];
      System.arraycopy(bytes, at, rest, 0, rest.length);
      return new Decoded(toGroup, fromGroup, null, MigrationRpc.decode(rest));
    }
    if (kind != KIND_RAFT) {
      throw new DecodeException("unknown peer message kind " + kind + " at offset " + kindAt + " (known: 1 raft, 2 migration)");
    }
    if (toGroup != fromGroup) {
      throw new DecodeException("a raft message between groups " + fromGroup + " and " + toGroup
          + ": raft messages stay inside one group");
    }
    int type = r.readByte("raft message type");
    int from = r.readInt("from");
    int to = r.readInt("to");
    long term = r.readLong("term");
    RaftMessage m = switch (type) {
      case 1 -> new RaftMessage.RequestVote(from, to, term, r.readLong("lastLogIndex"),
          r.readLong("lastLogTerm"), r.readBoolean("preVote"), r.readBoolean("leadershipTransfer"));
      case 2 -> new RaftMessage.RequestVoteResponse(from, to, term, r.readBoolean("preVote"),
          r.readBoolean("granted"));
      case 3 -> {
        long prevIndex = r.readLong("prevLogIndex");
        long prevTerm = r.readLong("prevLogTerm");
        long commit = r.readLong("leaderCommit");
        int n = r.readCount("entry count", 8 + 8 + 1 + 4);
        List<LogEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          long index = r.readLong("entry index");
          long eterm = r.readLong("entry term");
          int at = r.position();
          int code = r.readByte("entry kind");
          EntryKind k;
          try {
            k = EntryKind.fromCode((byte) code);
          } catch (RuntimeException e) {
            throw new DecodeException("unknown entry kind " + code + " at offset " + at);
          }
          entries.add(new LogEntry(index, eterm, k, r.readBytes("entry data")));
        }
        yield new RaftMessage.AppendEntries(from, to, term, prevIndex, prevTerm, entries, commit);
      }
      case 4 -> new RaftMessage.AppendEntriesResponse(from, to, term, r.readBoolean("success"),
          r.readLong("matchIndex"), r.readLong("rejectedIndex"), r.readLong("conflictTerm"),
          r.readLong("conflictIndex"));
      case 5 -> new RaftMessage.Heartbeat(from, to, term, r.readLong("commit"), r.readLong("readContext"));
      case 6 -> new RaftMessage.HeartbeatResponse(from, to, term, r.readLong("readContext"));
      case 7 -> new RaftMessage.InstallSnapshot(from, to, term, r.readLong("lastIndex"),
          r.readLong("lastTerm"), r.readLong("offset"), r.readBytes("snapshot data"), r.readBoolean("done"));
      case 8 -> new RaftMessage.InstallSnapshotResponse(from, to, term, r.readLong("lastIndex"),
          r.readLong("nextOffset"), r.readBoolean("installed"));
      case 9 -> new RaftMessage.TimeoutNow(from, to, term);
      case 10 -> {
        long lastIndex = r.readLong("lastIndex");
        long lastTerm = r.readLong("lastTerm");
        long offset = r.readLong("offset");
        byte[] data = r.readBytes("snapshot data");
        boolean done = r.readBoolean("done");
        int at = r.position();
        io.shardkv.server.raft.Membership members;
        try {
          members = io.shardkv.server.raft.Membership.decode(r.readBytes("snapshot membership"));
        } catch (IllegalArgumentException e) {
          throw new DecodeException("bad snapshot membership at offset " + at + ": " + e.getMessage());
        }
        yield new RaftMessage.InstallSnapshot(from, to, term, lastIndex, lastTerm, offset, data, done, members);
      }
      default -> throw new DecodeException("unknown raft message type " + type + " at offset " + (kindAt + 1)
          + " (known: 1..10)");
    };
    r.expectEnd("raft message");
    return new Decoded(toGroup, fromGroup, m, null);
  }
}
