package io.shardkv.driver.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.Status;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

  private static final int MAX = 1 << 20;

  private static List<Frame> sampleFrames() {
    List<Frame> frames = new ArrayList<>();
    long id = 1;
    for (Message m : RandomMessages.everyKind()) frames.add(MessageCodec.encode(id++, m));
    frames.add(new Frame(FrameType.PEER_MESSAGE, 0, new byte[10_000])); // bigger than the first chunk
    return frames;
  }

  private static byte[] concat(List<Frame> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Frame f : frames) out.writeBytes(FrameEncoder.toBytes(f));
    return out.toByteArray();
  }

  @Test
  void streamSplitAtEveryPointInTwoDecodesToTheSameFrames() throws Exception {
    List<Frame> frames = sampleFrames().subList(0, 12);
    byte[] wire = concat(frames);
    for (int split = 0; split <= wire.length; split++) {
      FrameDecoder d = new FrameDecoder(MAX);
      List<Frame> out = new ArrayList<>();
      d.feed(ByteBuffer.wrap(wire, 0, split), out::add);
      d.feed(ByteBuffer.wrap(wire, split, wire.length - split), out::add);
      d.endOfStream();
      assertEquals(frames, out, "split at " + split);
    }
  }

  @Test
  void streamFedInRandomChunksDecodesToTheSameFrames() throws Exception {
    List<Frame> frames = sampleFrames();
    byte[] wire = concat(frames);
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      FrameDecoder d = new FrameDecoder(MAX);
      List<Frame> out = new ArrayList<>();
      int pos = 0;
      while (pos < wire.length) {
        int n = Math.min(wire.length - pos, trial % 3 == 0 ? 1 + r.nextInt(3) : 1 + r.nextInt(3000));
        d.feed(ByteBuffer.wrap(wire, pos, n), out::add);
        pos += n;
      }
      d.endOfStream();
      assertEquals(frames, out, "trial " + trial);
      assertEquals(wire.length, d.streamOffset());
    }
  }

  @Test
  void byteAtATimeDecodingEmitsEachFrameOnItsLastByte() throws Exception {
    Frame f = MessageCodec.encode(3, new Request.Put(1, 1, "k", "v"));
    byte[] wire = FrameEncoder.toBytes(f);
    FrameDecoder d = new FrameDecoder(MAX);
    List<Frame> out = new ArrayList<>();
    for (int i = 0; i < wire.length; i++) {
      assertTrue(out.isEmpty(), "no frame before its last byte");
      d.feed(ByteBuffer.wrap(wire, i, 1), out::add);
    }
    assertEquals(List.of(f), out);
    assertFalse(d.hasPartialFrame());
  }

  @Test
  void badMagicIsRejectedAtTheFirstWrongByte() {
    byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(1, new Request.Ping()));
    byte[] two = new byte[wire.length * 2];
    System.arraycopy(wire, 0, two, 0, wire.length);
    System.arraycopy(wire, 0, two, wire.length, wire.length);
    two[wire.length + 1] = 'X';
    FrameException e = assertThrows(FrameException.class, () -> FrameDecoder.decodeAll(two, MAX));
    assertEquals(Status.MALFORMED_FRAME, e.status());
    assertTrue(e.getMessage().startsWith("bad magic byte 0x58 at stream offset 17 (frame header byte 1"),
        e.getMessage());
  }

  @Test
  void httpRequestIsRejectedAsBadMagic() {
    FrameException e = assertThrows(FrameException.class,
        () -> FrameDecoder.decodeAll("GET / HTTP/1.1\r\n\r\n".getBytes(), MAX));
    assertTrue(e.getMessage().contains("bad magic byte 0x47 at stream offset 0"), e.getMessage());
  }

  @Test
  void otherVersionIsRejectedAsUnsupported() {
    byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(1, new Request.Ping()));
    wire[2] = 2;
    FrameException e = assertThrows(FrameException.class, () -> FrameDecoder.decodeAll(wire, MAX));
    assertEquals(Status.UNSUPPORTED_VERSION, e.status());
    assertTrue(e.getMessage().contains("unsupported protocol version 2"), e.getMessage());
  }

  @Test
  void unknownTypeIsRejectedWithItsRequestId() {
    byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(77, new Request.Ping()));
    wire[3] = 0x42;
    FrameException e = assertThrows(FrameException.class, () -> FrameDecoder.decodeAll(wire, MAX));
    assertEquals(Status.UNKNOWN_FRAME_TYPE, e.status());
    assertEquals(77, e.requestId());
    assertTrue(e.getMessage().contains("unknown frame type 0x42"), e.getMessage());
  }

  @Test
  void oversizedLengthPrefixIsRejectedBeforeAnyPayloadIsAllocated() throws Exception {
    ByteBuffer h = ByteBuffer.allocate(Wire.HEADER_BYTES);
    h.putShort((short) Wire.MAGIC).put((byte) 1).put((byte) FrameType.PUT.code()).putLong(5).putInt(-1);
    FrameDecoder d = new FrameDecoder(16 << 20);
    FrameException e = assertThrows(FrameException.class, () -> d.feed(h.flip(), f -> { }));
    assertEquals(Status.FRAME_TOO_LARGE, e.status());
    assertEquals(5, e.requestId());
    assertTrue(e.getMessage().contains("payload length 4294967295 of PUT frame"), e.getMessage());
    assertEquals(0, d.allocatedPayloadBytes());
  }

  @Test
  void declaredButUnsentPayloadCostsOnlyTheFirstChunk() throws Exception {
    ByteBuffer h = ByteBuffer.allocate(Wire.HEADER_BYTES + 10);
    h.putShort((short) Wire.MAGIC).put((byte) 1).put((byte) FrameType.PEER_MESSAGE.code()).putLong(0)
        .putInt(16 << 20).put(new byte[10]);
    FrameDecoder d = new FrameDecoder(16 << 20);
    d.feed(h.flip(), f -> { });
    assertTrue(d.hasPartialFrame());
    assertEquals(FrameDecoder.INITIAL_PAYLOAD_CHUNK, d.allocatedPayloadBytes());
    assertEquals(Wire.HEADER_BYTES + 10, d.partialFrameBytes());
  }

  @Test
  void lengthAtExactlyTheMaximumIsAccepted() throws Exception {
    Frame f = new Frame(FrameType.PEER_MESSAGE, 0, new byte[100]);
    assertEquals(List.of(f), FrameDecoder.decodeAll(FrameEncoder.toBytes(f), 100));
    assertThrows(FrameException.class, () -> FrameDecoder.decodeAll(FrameEncoder.toBytes(f), 99));
  }

  @Test
  void streamEndingInsideAHeaderIsATruncatedFrame() throws Exception {
    byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(1, new Request.Ping()));
    FrameDecoder d = new FrameDecoder(MAX);
    d.feed(ByteBuffer.wrap(wire, 0, 10), f -> { });
    FrameException e = assertThrows(FrameException.class, d::endOfStream);
    assertTrue(e.getMessage().contains("truncated frame at stream offset 0: the stream ended after 10 of 16 header bytes"),
        e.getMessage());
  }

  @Test
  void streamEndingInsideAPayloadIsATruncatedFrame() throws Exception {
    byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(4, new Request.Put(1, 1, "key", "value")));
    FrameDecoder d = new FrameDecoder(MAX);
    d.feed(ByteBuffer.wrap(wire, 0, wire.length - 1), f -> { });
    FrameException e = assertThrows(FrameException.class, d::endOfStream);
    assertEquals(4, e.requestId());
    assertTrue(e.getMessage().contains("of a PUT frame"), e.getMessage());
  }

  @Test
  void failedDecoderRefusesFurtherInput() {
    FrameDecoder d = new FrameDecoder(MAX);
    assertThrows(FrameException.class, () -> d.feed(ByteBuffer.wrap(new byte[] {1}), f -> { }));
    assertThrows(IllegalStateException.class, () -> d.feed(ByteBuffer.wrap(new byte[] {1}), f -> { }));
  }

  @Test
  void framesBeforeAViolationAreStillDelivered() {
    byte[] good = FrameEncoder.toBytes(MessageCodec.encode(1, new Request.Ping()));
    byte[] wire = new byte[good.length + 1];
    System.arraycopy(good, 0, wire, 0, good.length);
    wire[good.length] = 0;
    FrameDecoder d = new FrameDecoder(MAX);
    List<Frame> out = new ArrayList<>();
    assertThrows(FrameException.class, () -> d.feed(ByteBuffer.wrap(wire), out::add));
    assertEquals(1, out.size());
  }
}
