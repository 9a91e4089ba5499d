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
 * peer-message := u8 version=1, u8 kind, body
 *   kind 1 raft      : u8 type, i32 from, i32 to, i64 term, fields of the type (below)
 *   kind 2 migration : the {@link MigrationRpc} encoding
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
 * </pre>
 * All integers big-endian; a payload must be consumed exactly. Decoding failures throw
 * {@link DecodeException} with what was wrong and where; the receiver drops that message.
 */
public final class PeerWire {
  public static final int VERSION = 1;
  public static final int KIND_RAFT = 1;
  public static final int KIND_MIGRATION = 2;

  private PeerWire() {}

  /** A decoded peer message: exactly one of the two fields is set. */
  public record Decoded(RaftMessage raft, MigrationRpc migration) {}

  public static byte[] encodeMigration(MigrationRpc m) {
    byte[] body = MigrationRpc.encode(m);
    byte[] out = new byte[body.length + 2];
    out[0] = VERSION;
    out[1] = KIND_MIGRATION;
    System.arraycopy(body, 0, out, 2, body.length);
    return out;
  }

  public static byte[] encodeRaft(RaftMessage m) {
    BinaryWriter w = new BinaryWriter(64);
    w.writeByte(VERSION).writeByte(KIND_RAFT);
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
      head(w, 7, m).writeLong(s.lastIndex()).writeLong(s.lastTerm()).writeLong(s.offset())
          .writeBytes(s.data()).writeBoolean(s.done());
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
    if (version != VERSION) {
      throw new DecodeException("peer message version " + version + " at offset 0 (this node speaks "
          + VERSION + ")");
    }
    int kind = r.readByte("peer message kind");
    if (kind == KIND_MIGRATION) {
      byte[] rest = new byte[bytes.length - 2];
      System.arraycopy(bytes, 2, rest, 0, rest.length);
      return new Decoded(null, MigrationRpc.decode(rest));
    }
    if (kind != KIND_RAFT) {
      throw new DecodeException("unknown peer message kind " + kind + " at offset 1 (known: 1 raft, 2 migration)");
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
      default -> throw new DecodeException("unknown raft message type " + type + " at offset 2 (known: 1..9)");
    };
    r.expectEnd("raft message");
    return new Decoded(m, null);
  }
}
