package io.shardkv.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.ClientConnection;
import io.shardkv.driver.protocol.Frame;
import io.shardkv.driver.protocol.FrameEncoder;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.ProtocolError;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.Status;
import io.shardkv.driver.protocol.Wire;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client that breaks the protocol gets an ERROR frame and is disconnected; others are unaffected. */
class MalformedInputTest {
  private TestServer server;
  private ClientConnection good;
  private LogCapture logs;

  @BeforeEach
  void start() throws Exception {
    logs = new LogCapture(true);
    server = new TestServer(ConnectionOptions.DEFAULT.withMaxPayloadBytes(1 << 20));
    good = new ClientConnection(server.address());
    assertEquals(Status.OK, good.call(new Request.Put(1, 1, "k", "v"), Duration.ofSeconds(5)).status());
  }

  @AfterEach
  void stop() {
    good.close();
    server.close();
    logs.close();
  }

  private ProtocolError expectErrorThenClose(RawClient c, Status status, long requestId) throws Exception {
    Frame f = c.read();
    assertEquals(FrameType.ERROR, f.type(), "an ERROR frame first");
    assertEquals(requestId, f.requestId());
    ProtocolError e = (ProtocolError) MessageCodec.decode(f);
    assertEquals(status, e.status(), e.message());
    assertTrue(c.closedByServer(), "then the server closes the connection");
    return e;
  }

  private void goodClientStillServed() throws Exception {
    Response r = good.call(new Request.Get(1, 2, "k"), Duration.ofSeconds(5));
    assertEquals(Response.value("v"), r);
  }

  private void exactlyOneLogLine(String fragment) throws Exception {
    for (int i = 0; i < 100 && logs.linesContaining(fragment).isEmpty(); i++) Thread.sleep(10);
    List<String> lines = logs.linesContaining(fragment);
    assertEquals(1, lines.size(), "one clear log line for the bad connection: " + logs.lines());
  }

  @Test
  void garbageBytesGetMalformedFrameErrorAndCloseWhileOthersAreServed() throws Exception {
    try (RawClient bad = new RawClient(server.address(), 5000)) {
      bad.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      ProtocolError e = expectErrorThenClose(bad, Status.MALFORMED_FRAME, 0);
      assertTrue(e.message().contains("bad magic byte 0x47 at stream offset 0"), e.message());
    }
    goodClientStillServed();
    exactlyOneLogLine("bad magic byte 0x47");
  }

  @Test
  void otherProtocolVersionGetsUnsupportedVersion() throws Exception {
    byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(3, new Request.Ping()));
    wire[2] = 9;
    try (RawClient bad = new RawClient(server.address(), 5000)) {
      bad.write(wire);
      ProtocolError e = expectErrorThenClose(bad, Status.UNSUPPORTED_VERSION, 0);
      assertTrue(e.message().contains("this side speaks version 1"), e.message());
    }
    goodClientStillServed();
    exactlyOneLogLine("unsupported protocol version 9");
  }

  @Test
  void unknownFrameTypeGetsUnknownFrameTypeEchoingTheRequestId() throws Exception {
    byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(77, new Request.Ping()));
    wire[3] = 0x6E;
    try (RawClient bad = new RawClient(server.address(), 5000)) {
      bad.write(wire);
      expectErrorThenClose(bad, Status.UNKNOWN_FRAME_TYPE, 77);
    }
    goodClientStillServed();
    exactlyOneLogLine("unknown frame type 0x6e");
  }

  @Test
  void oversizedLengthPrefixGetsFrameTooLargeWithoutWaitingForThePayload() throws Exception {
    ByteBuffer h = ByteBuffer.allocate(Wire.HEADER_BYTES);
    h.putShort((short) Wire.MAGIC).put((byte) 1).put((byte) FrameType.PUT.code()).putLong(12).putInt(0x7FFF_FFF0);
    try (RawClient bad = new RawClient(server.address(), 5000)) {
      bad.write(h.array()); // 2 GiB declared, nothing sent: the reply must come now
      ProtocolError e = expectErrorThenClose(bad, Status.FRAME_TOO_LARGE, 12);
      assertTrue(e.message().contains("exceeds the maximum of 1048576 bytes"), e.message());
    }
    goodClientStillServed();
    exactlyOneLogLine("payload length 2147483632");
  }

  @Test
  void payloadThatDoesNotParseGetsMalformedFrame() throws Exception {
    Frame f = new Frame(FrameType.PUT, 5, new byte[] {1, 2, 3});
    try (RawClient bad = new RawClient(server.address(), 5000)) {
      bad.write(FrameEncoder.toBytes(f));
      ProtocolError e = expectErrorThenClose(bad, Status.MALFORMED_FRAME, 5);
      assertTrue(e.message().contains("malformed PUT payload"), e.message());
    }
    goodClientStillServed();
    exactlyOneLogLine("malformed PUT payload");
  }

  @Test
  void replyFrameSentToAServerGetsBadRequest() throws Exception {
    try (RawClient bad = new RawClient(server.address(), 5000)) {
      bad.send(8, Response.ok(FrameType.PUT));
      expectErrorThenClose(bad, Status.BAD_REQUEST, 8);
    }
    goodClientStillServed();
  }

  @Test
  void peerFrameOnAClientOnlyPortGetsBadRequest() throws Exception {
    try (RawClient bad = new RawClient(server.address(), 5000)) {
      bad.send(0, new Request.PeerHello(4));
      expectErrorThenClose(bad, Status.BAD_REQUEST, 0);
    }
    goodClientStillServed();
  }

  @Test
  void framesBeforeTheViolationAreAnsweredFirst() throws Exception {
    byte[] ok = FrameEncoder.toBytes(MessageCodec.encode(1, new Request.Get(1, 1, "k")));
    byte[] both = new byte[ok.length + 4];
    System.arraycopy(ok, 0, both, 0, ok.length);
    try (RawClient bad = new RawClient(server.address(), 5000)) {
      bad.write(both);
      assertEquals(Response.value("v"), bad.readMessage());
      expectErrorThenClose(bad, Status.MALFORMED_FRAME, 0);
    }
  }

  @Test
  void streamEndingMidFrameIsLoggedAsTruncated() throws Exception {
    byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(1, new Request.Put(1, 1, "key", "value")));
    try (RawClient bad = new RawClient(server.address(), 5000)) {
      bad.write(java.util.Arrays.copyOf(wire, wire.length - 3));
      bad.socket.shutdownOutput();
      Frame f = bad.read();
      // the error reply may or may not get through a half-closed socket; the close must
      if (f != null) assertInstanceOf(ProtocolError.class, MessageCodec.decode(f));
      assertTrue(bad.closedByServer());
    }
    goodClientStillServed();
    exactlyOneLogLine("truncated frame");
  }
}
