package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.shardkv.MigrationRpc;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PeerWireTest {
  static final List<RaftMessage> SAMPLES = List.of(
      new RaftMessage.RequestVote(1, 2, 7, 40, 6, true, false),
      new RaftMessage.RequestVoteResponse(2, 1, 7, false, true),
      new RaftMessage.AppendEntries(1, 3, 9, 10, 8, List.of(
          new LogEntry(11, 9, EntryKind.NOOP, new byte[0]),
          new LogEntry(12, 9, EntryKind.COMMAND, new byte[] {1, 2, 3})), 11),
      new RaftMessage.AppendEntriesResponse(3, 1, 9, false, 0, 10, 4, 7),
      new RaftMessage.Heartbeat(1, 2, 9, 12, 77),
      new RaftMessage.HeartbeatResponse(2, 1, 9, 77),
      new RaftMessage.InstallSnapshot(1, 2, 9, 100, 8, 65536, new byte[] {9, 8, 7}, true),
      new RaftMessage.InstallSnapshotResponse(2, 1, 9, 100, 65539, true),
      new RaftMessage.TimeoutNow(1, 2, 9),
      new RaftMessage.AppendEntries(1, 3, 9, 12, 9, List.of(new LogEntry(13, 9, EntryKind.CONFIG,
          new io.shardkv.server.raft.Membership(List.of(1, 2, 3), List.of(4)).encode())), 12),
      new RaftMessage.InstallSnapshot(1, 4, 9, 100, 8, 0, new byte[] {5}, true,
          new io.shardkv.server.raft.Membership(List.of(1, 2, 3), List.of(4), new java.util.TreeMap<>(java.util.Map.of(4,
              new io.shardkv.server.raft.Membership.Address("10.0.0.4:7000", "10.0.0.4:8000"))))),
      new RaftMessage.InstallSnapshot(1, 4, 9, 100, 8, 0, new byte[] {5}, true,
          new io.shardkv.server.raft.Membership(List.of(1, 2, 3), List.of(4))));

  /** Old peers keep reading what a group that never changed membership sends: type 7, unchanged bytes. */
  @Test
  void aSnapshotChunkWithoutAConfigurationIsStillType7AndOneWithOneIsType10() {
    byte[] plain = PeerWire.encodeRaft(SAMPLES.get(6));
    byte[] withMembers = PeerWire.encodeRaft(SAMPLES.get(SAMPLES.size() - 1));
    assertEquals(7, plain[2]);
    assertEquals(10, withMembers[2]);
  }

  @Test
  void everyRaftMessageTypeRoundTrips() {
    for (RaftMessage m : SAMPLES) {
      PeerWire.Decoded d = PeerWire.decode(PeerWire.encodeRaft(m));
      assertEquals(m, d.raft());
    }
  }

  @Test
  void migrationMessagesRoundTrip() {
    MigrationRpc m = new MigrationRpc.DeleteReply(4, 17, true);
    assertEquals(m, PeerWire.decode(PeerWire.encodeMigration(m)).migration());
    MigrationRpc p = new MigrationRpc.PullRequest(3, 5);
    assertEquals(p, PeerWire.decode(PeerWire.encodeMigration(p)).migration());
  }

  @Test
  void truncatedOrTrailingBytesAreRejectedWithTheirPosition() {
    byte[] ok = PeerWire.encodeRaft(SAMPLES.get(2));
    for (int cut = 0; cut < ok.length; cut++) {
      byte[] t = java.util.Arrays.copyOf(ok, cut);
      assertThrows(DecodeException.class, () -> PeerWire.decode(t), "cut at " + cut);
    }
    byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
    assertThrows(DecodeException.class, () -> PeerWire.decode(longer));
    DecodeException e = assertThrows(DecodeException.class, () -> PeerWire.decode(new byte[] {1, 1, 42, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1}));
    assertTrue(e.getMessage().contains("unknown raft message type 42"), e.getMessage());
  }

  @Test
  void randomBytesNeverEscapeAsAnythingButDecodeException() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[r.nextInt(40)];
      for (int j = 0; j < b.length; j++) b[j] = (byte) r.nextInt(256);
      if (b.length > 0) b[0] = 1;
      try {
        PeerWire.decode(b);
      } catch (DecodeException expected) {
        // the only allowed failure
      }
    }
  }

}
