package io.shardkv.driver.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  @Test
  void everyMessageKindSurvivesEncodeFrameDecode() throws Exception {
    List<Message> all = RandomMessages.everyKind();
    Set<FrameType> covered = EnumSet.noneOf(FrameType.class);
    long id = 1;
    for (Message m : all) {
      Frame f = MessageCodec.encode(id, m);
      byte[] wire = FrameEncoder.toBytes(f);
      List<Frame> back = FrameDecoder.decodeAll(wire, Wire.DEFAULT_MAX_PAYLOAD_BYTES);
      assertEquals(List.of(f), back, "frame of " + m);
      assertEquals(m, MessageCodec.decode(back.get(0)), "message " + m);
      assertEquals(id, back.get(0).requestId());
      covered.add(f.type());
      id = id * 3 + 1;
    }
    assertEquals(EnumSet.allOf(FrameType.class), covered, "every frame type has a sample");
  }

  @Test
  void randomMessagesRoundTrip() throws Exception {
    RandomMessages gen = new RandomMessages(42);
    for (int i = 0; i < 20_000; i++) {
      Message m = gen.next();
      long id = gen.random().nextLong();
      Frame f = MessageCodec.encode(id, m);
      assertEquals(m, MessageCodec.decode(f), "message #" + i);
    }
  }

  @Test
  void headerLayoutIsBigEndianWithMagicVersionTypeIdLength() {
    Frame f = MessageCodec.encode(0x0102030405060708L, new Request.Get(1, 2, "k"));
    ByteBuffer b = FrameEncoder.encode(f);
    assertEquals(0x53, b.get(0));
    assertEquals(0x4B, b.get(1));
    assertEquals(1, b.get(2));
    assertEquals(0x01, b.get(3));
    assertEquals(0x0102030405060708L, b.getLong(4));
    assertEquals(8 + 8 + 4 + 1, b.getInt(12));
    // payload: clientId, seq, then the key as u32 length + UTF-8
    assertEquals(1L, b.getLong(16));
    assertEquals(2L, b.getLong(24));
    assertEquals(1, b.getInt(32));
    assertEquals('k', b.get(36));
  }

  @Test
  void exampleFrameInTheProtocolDocumentIsExactlyWhatIsEncoded() {
    String doc = "53 4B 01 01 00 00 00 00 00 00 00 07 00 00 00 15"
        + " 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 02 00 00 00 01 6B";
    StringBuilder hex = new StringBuilder();
    for (byte b : FrameEncoder.toBytes(MessageCodec.encode(7, new Request.Get(1, 2, "k")))) {
      hex.append(hex.length() == 0 ? "" : " ").append(String.format("%02X", b));
    }
    assertEquals(doc, hex.toString());
  }

  @Test
  void payloadCutShortIsRejectedNamingTheField() {
    Frame good = MessageCodec.encode(9, new Request.Put(1, 2, "key", "value"));
    byte[] p = good.payload();
    for (int cut = 0; cut < p.length; cut++) {
      Frame bad = new Frame(FrameType.PUT, 9, java.util.Arrays.copyOf(p, cut));
      FrameException e = assertThrows(FrameException.class, () -> MessageCodec.decode(bad), "cut at " + cut);
      assertEquals(Status.MALFORMED_FRAME, e.status());
      assertEquals(9, e.requestId());
      assertTrue(e.getMessage().contains("malformed PUT payload"), e.getMessage());
    }
  }

  @Test
  void trailingPayloadBytesAreRejected() {
    byte[] p = MessageCodec.encode(1, new Request.Ping()).payload();
    Frame bad = new Frame(FrameType.PING, 1, new byte[] {0});
    assertEquals(0, p.length);
    FrameException e = assertThrows(FrameException.class, () -> MessageCodec.decode(bad));
    assertTrue(e.getMessage().contains("1 unexpected trailing bytes"), e.getMessage());
  }

  @Test
  void invalidUtf8InAKeyIsRejected() {
    ByteBuffer b = ByteBuffer.allocate(8 + 8 + 4 + 2);
    b.putLong(1).putLong(2).putInt(2).put((byte) 0xC3).put((byte) 0x28);
    FrameException e = assertThrows(FrameException.class,
        () -> MessageCodec.decode(new Frame(FrameType.GET, 5, b.array())));
    assertTrue(e.getMessage().contains("key at payload offset 16 is not valid UTF-8"), e.getMessage());
  }

  @Test
  void forgedHugeCountIsRejectedBeforeAllocating() {
    ByteBuffer b = ByteBuffer.allocate(8 + 8 + 4);
    b.putLong(1).putLong(2).putInt(0x7FFF_FFFF); // LEAVE with 2^31-1 group ids and no bytes for them
    FrameException e = assertThrows(FrameException.class,
        () -> MessageCodec.decode(new Frame(FrameType.LEAVE, 5, b.array())));
    assertTrue(e.getMessage().contains("groupIds count 2147483647"), e.getMessage());
  }

  @Test
  void unknownStatusCodeInAReplyIsRejected() {
    FrameException e = assertThrows(FrameException.class,
        () -> MessageCodec.decode(new Frame(FrameType.PUT_REPLY, 5, new byte[] {(byte) 200})));
    assertTrue(e.getMessage().contains("unknown status code 200"), e.getMessage());
  }

  @Test
  void optionalPresenceByteOtherThanZeroOrOneIsRejected() {
    byte[] p = MessageCodec.encode(1, new Request.Cas(1, 2, "k", "e", "v")).payload();
    p[8 + 8 + 4 + 1] = 2; // presence byte of `expected`
    FrameException e = assertThrows(FrameException.class,
        () -> MessageCodec.decode(new Frame(FrameType.CAS, 1, p)));
    assertTrue(e.getMessage().contains("expected presence byte"), e.getMessage());
  }

  @Test
  void errorFrameCannotCarryOk() {
    assertThrows(FrameException.class,
        () -> MessageCodec.decode(new Frame(FrameType.ERROR, 1, new byte[] {0, 0, 0, 0, 0})));
  }

  @Test
  void replyBodyKindMustMatchStatus() {
    assertThrows(IllegalArgumentException.class,
        () -> new Response(FrameType.GET, Status.WRONG_LEADER, new Result.Text("x")));
    assertThrows(IllegalArgumentException.class, () -> Response.value(null));
  }

  @Test
  void aStatusInternalToTheLogIsNeverPutOnTheWire() throws FrameException {
    for (Status s : Status.values()) {
      if (s.onWire()) continue;
      assertThrows(IllegalArgumentException.class, () -> Response.error(FrameType.PUT, s, "x"), s.name());
      assertThrows(IllegalArgumentException.class, () -> new ProtocolError(s, "x"), s.name());
      Response sent = Response.error(FrameType.PUT, s.wireStatus(), "x");
      assertEquals(sent, MessageCodec.decode(MessageCodec.encode(1, sent)), s.name());
    }
  }

  @Test
  void definitenessOfEachStatusMatchesTheProtocolDocument() {
    Set<Status> indefinite = EnumSet.of(Status.TIMEOUT, Status.SERVER_ERROR);
    for (Status s : Status.wireStatuses()) assertEquals(!indefinite.contains(s), s.definite(), s.name());
  }

  @Test
  void stringsAreUtf8WithByteLengthPrefix() {
    byte[] p = MessageCodec.encode(1, new Request.Get(0, 0, "☃")).payload();
    byte[] utf8 = "☃".getBytes(StandardCharsets.UTF_8);
    assertEquals(utf8.length, ByteBuffer.wrap(p).getInt(16));
    assertArrayEquals(utf8, java.util.Arrays.copyOfRange(p, 20, 20 + utf8.length));
  }
}
