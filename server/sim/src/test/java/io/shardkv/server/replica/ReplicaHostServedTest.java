package io.shardkv.server.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.routing.Served;
import io.shardkv.server.frontdoor.FrontDoor;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.raft.LogEntry;
import org.junit.jupiter.api.Test;

/**
 * A reply names the log entry that served it (docs/protocol.md §5.6): a write, the (group, term,
 * index) its entry was committed at; a ReadIndex read, the leader's term and the read index.
 */
class ReplicaHostServedTest {

  private static ClientReply.Result result(ClientReply r) {
    return assertInstanceOf(ClientReply.Result.class, r);
  }

  @Test
  void aWritesReplyCarriesTheGroupTermAndIndexItsEntryWasCommittedAt() {
    ReplicaHostTest.Group g = new ReplicaHostTest.Group(HostOptions.defaults().withSynchronousFlush(true));
    int l = g.electLeader();
    g.deliverAll();
    for (long id = 1; id <= 3; id++) {
      g.request(l, id, new KvOp.Put("a", "v" + id));
      g.deliverAll();
      ClientReply.Result r = result(g.last(l));
      Served s = r.served();
      assertEquals(1, s.group(), "the group of the host (RaftConfig.of(1, ...))");
      LogEntry e = g.hosts[l].raft().entry(s.index());
      assertEquals(s.term(), e.term(), "the entry at the reported index has the reported term");
      assertEquals(new KvCommand(42, id, new KvOp.Put("a", "v" + id)), KvCodec.decodeCommand(e.data()),
          "and is this very write");
      assertTrue(s.index() <= g.hosts[l].raft().commitIndex(), "committed");
      assertEquals(g.hosts[l].raft().term(), s.term());
      for (int n = 0; n < 3; n++) {
        assertEquals(s.term(), g.hosts[n].raft().termAt(s.index()), "node " + n + " holds the same entry");
      }
    }
  }

  @Test
  void twoWritesAreServedByDifferentEntries() {
    ReplicaHostTest.Group g = new ReplicaHostTest.Group(HostOptions.defaults().withSynchronousFlush(true));
    int l = g.electLeader();
    g.deliverAll();
    g.request(l, 1, new KvOp.Put("a", "1"));
    g.deliverAll();
    Served first = result(g.last(l)).served();
    g.request(l, 2, new KvOp.Append("a", "2"));
    g.deliverAll();
    Served second = result(g.last(l)).served();
    assertNotEquals(first.index(), second.index());
    assertEquals(first.index() + 1, second.index(), "consecutive proposals, consecutive entries");
  }

  @Test
  void aReadIndexReadCarriesTheLeadersTermAndTheReadIndex() {
    ReplicaHostTest.Group g = new ReplicaHostTest.Group(HostOptions.defaults().withSynchronousFlush(true));
    int l = g.electLeader();
    g.request(l, 1, new KvOp.Put("a", "1"));
    g.deliverAll();
    long committed = g.hosts[l].raft().commitIndex();
    g.request(l, 2, new KvOp.Get("a"));
    g.deliverAll();
    g.hosts[l].tick();
    g.deliverAll();
    ClientReply.Result r = result(g.last(l));
    assertEquals("1", KvCodec.decodeResult(r.result()).value());
    assertEquals(new Served(1, g.hosts[l].raft().term(), committed), r.served(),
        "read index = the commit index when the read arrived (thesis §6.4)");
  }

  @Test
  void theFrontDoorPutsTheEntryOnTheWireOnlyForARequestThatAskedForIt() {
    FrontDoor door = new FrontDoor(FrontDoor.Kind.KEY_VALUE, 1, 1, id -> null, null);
    Served s = new Served(1, 4, 123);
    ClientReply reply = new ClientReply.Result(9, KvCodec.encodeResult(KvResult.of(io.shardkv.driver.routing.Status.OK)), s);
    assertEquals(s, door.respond(FrameType.PUT, reply, true).served());
    assertNull(door.respond(FrameType.PUT, reply, false).served(), "an old client never gets the trailer");
    assertNull(door.respond(FrameType.PUT, reply).served());
    assertNull(door.respond(FrameType.PUT, new ClientReply.Result(9, KvCodec.encodeResult(KvResult.of(io.shardkv.driver.routing.Status.OK))), true)
        .served(), "no entry served it: nothing to report");
  }
}
