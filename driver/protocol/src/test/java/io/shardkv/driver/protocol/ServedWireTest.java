package io.shardkv.driver.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.Served;
import io.shardkv.driver.routing.Status;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md §5.6: a request may ask (trailing flags byte) for the log entry that served it, and
 * the reply then carries it (trailing group/term/index). Both are optional trailers, so old peers'
 * frames parse unchanged, and a reply is only extended for a client that asked.
 */
class ServedWireTest {
  private static final Served S = new Served(3, 7, 1234);

  @Test
  void aRequestWithoutTheFlagIsEncodedExactlyAsBefore() throws Exception {
    // The v1 layout of §5.1: clientId, seq, key — and nothing after it (the document's example frame).
    byte[] p = MessageCodec.encode(7, new Request.Get(1, 2, "k")).payload();
    assertEquals(8 + 8 + 4 + 1, p.length);
    Request back = (Request) MessageCodec.decode(new Frame(FrameType.GET, 7, p));
    assertFalse(back.askServed());
  }

  @Test
  void everyKeyValueRequestCanAskAndTheFlagRoundTrips() throws Exception {
    List<Request> asks = List.of(new Request.Get(1, 2, "k"), new Request.Put(1, 2, "k", "v"),
        new Request.Append(1, 2, "k", "v"), new Request.Cas(1, 2, "k", null, "v"), new Request.Delete(1, 2, "k"));
    for (Request r : asks) {
      Request asking = r.askingServed();
      assertTrue(asking.askServed(), r.toString());
      byte[] plain = MessageCodec.encode(1, r).payload();
      byte[] flagged = MessageCodec.encode(1, asking).payload();
      assertArrayEquals(plain, Arrays.copyOf(flagged, plain.length), "the flag only appends: " + r);
      assertEquals(plain.length + 1, flagged.length);
      assertEquals(MessageCodec.FLAG_ASK_SERVED, flagged[plain.length]);
      assertEquals(asking, MessageCodec.decode(new Frame(r.frameType(), 1, flagged)));
    }
    assertFalse(new Request.Query(3).askingServed().askServed(), "only key-value requests can ask");
  }

  @Test
  void unknownRequestFlagsAreRejectedNamingThem() {
    byte[] plain = MessageCodec.encode(1, new Request.Put(1, 2, "k", "v")).payload();
    byte[] bad = Arrays.copyOf(plain, plain.length + 1);
    bad[plain.length] = 2;
    FrameException e = assertThrows(FrameException.class, () -> MessageCodec.decode(new Frame(FrameType.PUT, 1, bad)));
    assertEquals(Status.MALFORMED_FRAME, e.status());
    assertTrue(e.getMessage().contains("request flags 2 unknown"), e.getMessage());
  }

  @Test
  void theServedEntryRoundTripsOnEveryKeyValueReplyKind() throws Exception {
    List<Response> replies = List.of(Response.value("x"), Response.ok(FrameType.PUT), Response.ok(FrameType.APPEND),
        Response.ok(FrameType.CAS), Response.casMismatch("y"), Response.notFound(FrameType.DELETE),
        Response.notFound(FrameType.GET));
    for (Response r : replies) {
      Response with = r.withServed(S);
      Frame f = MessageCodec.encode(5, with);
      assertEquals(with, MessageCodec.decode(f), r.toString());
      byte[] plain = MessageCodec.encode(5, r).payload();
      assertEquals(plain.length + 1 + 4 + 8 + 8, f.payload().length, "marker, i32 group, i64 term, i64 index");
      ByteBuffer tail = ByteBuffer.wrap(f.payload(), plain.length, 21);
      assertEquals(1, tail.get());
      assertEquals(3, tail.getInt());
      assertEquals(7L, tail.getLong());
      assertEquals(1234L, tail.getLong());
    }
  }

  @Test
  void aReplyOfAnOldServerWithoutTheTrailerParsesWithNoServedEntry() throws Exception {
    // Bytes as a server before §5.6 sent them: status OK, then the GET value; nothing after.
    ByteBuffer b = ByteBuffer.allocate(1 + 1 + 4 + 1);
    b.put((byte) 0).put((byte) 1).putInt(1).put((byte) 'v');
    Response r = (Response) MessageCodec.decode(new Frame(FrameType.GET.replyType(), 9, b.array()));
    assertEquals("v", ((Result.Value) r.result()).value());
    assertNull(r.served());
    Response put = (Response) MessageCodec.decode(new Frame(FrameType.PUT.replyType(), 9, new byte[] {0}));
    assertEquals(Response.ok(FrameType.PUT), put);
    assertNull(put.served());
  }

  @Test
  void aReplyWithoutTheServedEntryIsEncodedExactlyAsBefore() {
    assertArrayEquals(new byte[] {0}, MessageCodec.encode(1, Response.ok(FrameType.PUT)).payload());
    assertArrayEquals(new byte[] {2, -1, -1, -1, -1, 0, 0, 0, 0},
        MessageCodec.encode(1, Response.wrongLeader(FrameType.PUT, -1, "")).payload());
  }

  @Test
  void aTruncatedOrBadServedTrailerIsRejected() {
    byte[] full = MessageCodec.encode(1, Response.ok(FrameType.PUT).withServed(S)).payload();
    for (int cut = 2; cut < full.length; cut++) {
      byte[] p = Arrays.copyOf(full, cut);
      FrameException e = assertThrows(FrameException.class,
          () -> MessageCodec.decode(new Frame(FrameType.PUT.replyType(), 1, p)), "cut at " + cut);
      assertTrue(e.getMessage().contains("served"), e.getMessage());
    }
    byte[] marker = full.clone();
    marker[1] = 9;
    FrameException e = assertThrows(FrameException.class,
        () -> MessageCodec.decode(new Frame(FrameType.PUT.replyType(), 1, marker)));
    assertTrue(e.getMessage().contains("served marker 9"), e.getMessage());
  }

  @Test
  void repliesOfOtherRequestsNeverCarryIt() {
    // A config-center reply with a trailer is still trailing garbage, as before.
    byte[] p = MessageCodec.encode(1, Response.ok(FrameType.JOIN).withServed(S)).payload();
    assertArrayEquals(new byte[] {0}, p, "not encoded on a JOIN reply");
    FrameException e = assertThrows(FrameException.class,
        () -> MessageCodec.decode(new Frame(FrameType.JOIN.replyType(), 1, new byte[] {0, 1, 0, 0, 0, 1})));
    assertTrue(e.getMessage().contains("unexpected trailing bytes"), e.getMessage());
  }

  @Test
  void servedRejectsNegativeFieldsAndPrintsCompactly() {
    assertThrows(IllegalArgumentException.class, () -> new Served(1, -1, 3));
    assertEquals("g3 t7 i1234", S.toString());
  }
}
