package io.shardkv.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.ClientConnection;
import io.shardkv.driver.protocol.FrameEncoder;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Idle, stalled, trickling and non-reading peers, each next to a well-behaved client. */
class SlowAndHalfOpenConnectionTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  @Test
  void byteAtATimeClientIsServedWhenEachFrameCompletesWithinTheFrameTimeout() throws Exception {
    try (TestServer server = new TestServer(ConnectionOptions.DEFAULT.withFrameTimeout(Duration.ofSeconds(5)));
        RawClient slow = new RawClient(server.address(), 5000)) {
      for (int k = 0; k < 3; k++) {
        byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(k, new Request.Put(1, k, "key" + k, "v")));
        for (byte b : wire) {
          slow.write(new byte[] {b});
          Thread.sleep(1);
        }
        assertEquals(Response.ok(FrameType.PUT), slow.readMessage());
      }
    }
  }

  @Test
  void senderStallingMidFrameIsDisconnectedAfterTheFrameTimeout() throws Exception {
    try (LogCapture logs = new LogCapture(true);
        TestServer server = new TestServer(ConnectionOptions.DEFAULT.withFrameTimeout(Duration.ofMillis(300)));
        ClientConnection good = new ClientConnection(server.address());
        RawClient stalled = new RawClient(server.address(), 10_000)) {
      byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(1, new Request.Put(1, 1, "key", "value")));
      stalled.write(java.util.Arrays.copyOf(wire, 20)); // header and a little payload, then nothing
      // meanwhile, another client is served normally
      assertEquals(Response.ok(FrameType.PING), good.call(new Request.Ping(), LONG));
      assertTrue(stalled.closedByServer(), "the stalled connection is closed");
      assertEquals(1, logs.linesContaining("slow sender, a frame is still incomplete").size(), logs.lines().toString());
      assertEquals(Response.ok(FrameType.PING), good.call(new Request.Ping(), LONG));
    }
  }

  @Test
  void silentConnectionIsClosedAfterTheIdleTimeoutWhilePingingClientsStay() throws Exception {
    try (LogCapture logs = new LogCapture(true);
        TestServer server = new TestServer(ConnectionOptions.DEFAULT.withIdleTimeout(Duration.ofMillis(800)));
        RawClient silent = new RawClient(server.address(), 10_000);
        RawClient pinging = new RawClient(server.address(), 10_000)) {
      for (int i = 0; i < 20; i++) { // 2 s of pings, 2.5 idle timeouts long
        pinging.send(i, new Request.Ping());
        assertEquals(Response.ok(FrameType.PING), pinging.readMessage());
        Thread.sleep(100);
      }
      assertTrue(silent.closedByServer(), "the silent (half-open) connection is closed");
      pinging.send(99, new Request.Ping());
      assertEquals(Response.ok(FrameType.PING), pinging.readMessage(), "the pinging one is still served");
      assertEquals(1, logs.linesContaining("nothing received for").size(), logs.lines().toString());
    }
  }

  @Test
  void clientThatNeverReadsRepliesIsThrottledAndDoesNotStallOthers() throws Exception {
    long pauseAbove = 256 * 1024;
    long limit = 1024 * 1024;
    ConnectionOptions opts = ConnectionOptions.DEFAULT.withWriteQueue(pauseAbove, limit);
    AtomicLong maxQueued = new AtomicLong();
    try (LogCapture logs = new LogCapture(true);
        TestServer server = new TestServer(opts) {
          @Override
          void handle(Connection c, long id, Request r) {
            RequestDispatcher.reply(c, id, Response.value("x".repeat(10_000)));
            maxQueued.accumulateAndGet(c.queuedBytes(), Math::max);
          }
        };
        ClientConnection good = new ClientConnection(server.address())) {
      Socket hog = new Socket();
      hog.connect(server.address());
      hog.setSoTimeout(200);
      // Write requests until the server stops reading them: TCP then pushes back on us.
      Thread writer = new Thread(() -> {
        try {
          byte[] req = FrameEncoder.toBytes(MessageCodec.encode(1, new Request.Get(1, 1, "k")));
          for (int i = 0; i < 200_000; i++) hog.getOutputStream().write(req);
        } catch (IOException expected) {
          // closed at the end of the test
        }
      });
      writer.setDaemon(true);
      writer.start();
      Thread.sleep(1500);
      for (int i = 0; i < 5; i++) {
        assertEquals(Response.value("x".repeat(10_000)), good.call(new Request.Get(2, i, "k"), LONG));
      }
      assertTrue(maxQueued.get() <= pauseAbove + 20_000,
          "reading stops between two requests once the reply queue passes the threshold: " + maxQueued.get());
      assertEquals(List.of(), logs.linesContaining("does not read its replies"), "throttled, not disconnected");
      assertTrue(maxQueued.get() >= pauseAbove, "the hog did fill its queue: " + maxQueued.get());
      // The hog finally reads: it gets well-formed replies.
      InputStream in = hog.getInputStream();
      byte[] head = in.readNBytes(16);
      assertEquals(0x53, head[0]);
      assertEquals(FrameType.GET_REPLY.code(), head[3] & 0xFF);
      hog.close();
    }
  }

  @Test
  void pipelinedBurstWhoseRepliesOverflowTheQueueIsServedCompletelyAndInOrder() throws Exception {
    ConnectionOptions opts = ConnectionOptions.DEFAULT.withWriteQueue(64 * 1024, 1024 * 1024);
    String big = "y".repeat(10_000);
    try (TestServer server = new TestServer(opts) {
          @Override
          void handle(Connection c, long id, Request r) {
            RequestDispatcher.reply(c, id, Response.value(big));
          }
        };
        RawClient client = new RawClient(server.address(), 10_000)) {
      int n = 1000; // 10 MB of replies from one ~37 KB burst of requests
      java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < n; i++) {
        burst.writeBytes(FrameEncoder.toBytes(MessageCodec.encode(i, new Request.Get(1, i, "k"))));
      }
      Thread writer = new Thread(() -> {
        try {
          client.write(burst.toByteArray());
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      writer.start();
      for (int i = 0; i < n; i++) {
        io.shardkv.driver.protocol.Frame f = client.read();
        assertEquals(i, f.requestId(), "replies in request order");
        assertEquals(Response.value(big), MessageCodec.decode(f));
      }
      writer.join();
    }
  }

  @Test
  void peerThatStopsReadingIsDisconnectedOnceWritesStallForTheIdleTimeout() throws Exception {
    ConnectionOptions opts = ConnectionOptions.DEFAULT.withWriteQueue(256 * 1024, 1024 * 1024)
        .withIdleTimeout(Duration.ofMillis(500));
    try (LogCapture logs = new LogCapture(true);
        TestServer server = new TestServer(opts) {
          @Override
          void handle(Connection c, long id, Request r) {
            RequestDispatcher.reply(c, id, Response.value("x".repeat(10_000)));
          }
        };
        ClientConnection good = new ClientConnection(server.address())) {
      Socket hog = new Socket();
      hog.connect(server.address());
      hog.setReceiveBufferSize(16 * 1024);
      Thread writer = new Thread(() -> {
        try {
          byte[] req = FrameEncoder.toBytes(MessageCodec.encode(1, new Request.Get(1, 1, "k")));
          for (int i = 0; i < 1_000_000; i++) hog.getOutputStream().write(req);
        } catch (IOException expected) {
          // the server closes the connection
        }
      });
      writer.setDaemon(true);
      writer.start();
      writer.join(20_000);
      assertTrue(!writer.isAlive(), "the server closed the non-reading connection");
      assertEquals(1, logs.linesContaining("has not accepted a byte").size(), logs.lines().toString());
      assertEquals(Response.ok(FrameType.PING), good.call(new Request.Ping(), LONG));
      hog.close();
    }
  }

  @Test
  void failedOutgoingConnectIsReportedToOnCloseWithItsCause() throws Exception {
    try (EventLoop loop = EventLoop.start("connect-timeout", Duration.ofMillis(20))) {
      java.util.concurrent.CompletableFuture<Throwable> closed = new java.util.concurrent.CompletableFuture<>();
      loop.connect(new InetSocketAddress("127.0.0.1", 1), ConnectionOptions.DEFAULT.withConnectTimeout(Duration.ofMillis(300)),
          new FrameHandler() {
            @Override public void onFrame(Connection c, io.shardkv.driver.protocol.Frame f) { }
            @Override public void onClose(Connection c, Throwable cause) { closed.complete(cause); }
          });
      Throwable cause = closed.get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(cause instanceof IOException, String.valueOf(cause));
    }
  }
}
