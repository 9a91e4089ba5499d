package io.shardkv.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.ClientConnection;
import io.shardkv.driver.protocol.Frame;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventLoopTest {

  @Test
  void timersRunOnTheLoopThreadInDeadlineOrder() throws Exception {
    try (EventLoop loop = EventLoop.start("timers")) {
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch done = new CountDownLatch(3);
      List<Boolean> onLoop = Collections.synchronizedList(new ArrayList<>());
      for (int d : new int[] {150, 50, 100}) {
        loop.schedule(Duration.ofMillis(d), () -> {
          order.add(d);
          onLoop.add(loop.inLoop());
          done.countDown();
        });
      }
      assertTrue(done.await(5, TimeUnit.SECONDS));
      assertEquals(List.of(50, 100, 150), order);
      assertEquals(List.of(true, true, true), onLoop);
    }
  }

  @Test
  void cancelledTimerDoesNotRun() throws Exception {
    try (EventLoop loop = EventLoop.start("cancel")) {
      AtomicInteger runs = new AtomicInteger();
      Timer t = loop.schedule(Duration.ofMillis(100), runs::incrementAndGet);
      t.cancel();
      CountDownLatch later = new CountDownLatch(1);
      loop.schedule(Duration.ofMillis(200), later::countDown);
      assertTrue(later.await(5, TimeUnit.SECONDS));
      assertEquals(0, runs.get());
    }
  }

  @Test
  void periodicTaskRepeatsUntilCancelled() throws Exception {
    try (EventLoop loop = EventLoop.start("periodic")) {
      AtomicInteger runs = new AtomicInteger();
      CountDownLatch three = new CountDownLatch(3);
      Timer t = loop.schedulePeriodic(Duration.ofMillis(20), () -> {
        runs.incrementAndGet();
        three.countDown();
      });
      assertTrue(three.await(5, TimeUnit.SECONDS));
      t.cancel();
      CompletableFuture<Integer> afterCancel = new CompletableFuture<>();
      loop.execute(() -> afterCancel.complete(runs.get())); // runs after any in-progress run
      int seen = afterCancel.get(5, TimeUnit.SECONDS);
      CountDownLatch wait = new CountDownLatch(1);
      loop.schedule(Duration.ofMillis(100), wait::countDown);
      assertTrue(wait.await(5, TimeUnit.SECONDS));
      assertEquals(seen, runs.get());
    }
  }

  @Test
  void listeningOnAnAddressInUseFailsWithTheAddressInTheMessage() throws Exception {
    try (TestServer server = new TestServer(ConnectionOptions.DEFAULT);
        EventLoop other = EventLoop.start("other")) {
      // SO_REUSEADDR does not allow two listeners on one port
      IOException e = assertThrows(IOException.class, () -> other.listen(server.address(),
          ConnectionOptions.DEFAULT, (c, f) -> { }, 10));
      assertTrue(e.getMessage().contains("cannot listen on " + server.address()), e.getMessage());
    }
  }

  @Test
  void connectionsBeyondTheListenersMaximumAreRefusedWhileTheOthersAreServed() throws Exception {
    try (LogCapture logs = new LogCapture(true); EventLoop loop = EventLoop.start("max-conns")) {
      Listener l = loop.listen(new InetSocketAddress("127.0.0.1", 0), ConnectionOptions.DEFAULT,
          new RequestDispatcher((c, id, r) -> { }, null), 2);
      try (RawClient a = new RawClient(l.localAddress(), 5000);
          RawClient b = new RawClient(l.localAddress(), 5000)) {
        a.send(1, new Request.Ping());
        b.send(1, new Request.Ping());
        assertEquals(Response.ok(FrameType.PING), a.readMessage());
        assertEquals(Response.ok(FrameType.PING), b.readMessage());
        try (RawClient third = new RawClient(l.localAddress(), 5000)) {
          assertTrue(third.closedByServer(), "the third connection is refused");
        }
        assertEquals(1, logs.linesContaining("already 2 connections").size(), logs.lines().toString());
        a.send(2, new Request.Ping());
        assertEquals(Response.ok(FrameType.PING), a.readMessage());
      }
    }
  }

  @Test
  void outgoingConnectionExchangesFramesWithAListener() throws Exception {
    try (TestServer server = new TestServer(ConnectionOptions.DEFAULT);
        EventLoop client = EventLoop.start("client")) {
      CompletableFuture<Frame> reply = new CompletableFuture<>();
      Connection c = client.connect(server.address(), ConnectionOptions.DEFAULT, (conn, f) -> reply.complete(f));
      // queued before the connection is up; written once it is
      assertTrue(c.send(MessageCodec.encode(5, new Request.Ping())));
      Frame f = reply.get(5, TimeUnit.SECONDS);
      assertEquals(5, f.requestId());
      assertEquals(Response.ok(FrameType.PING), MessageCodec.decode(f));
    }
  }

  @Test
  void closeStopsListenersAndConnectionsAndTheThread() throws Exception {
    TestServer server = new TestServer(ConnectionOptions.DEFAULT);
    InetSocketAddress addr = server.address();
    RawClient raw = new RawClient(addr, 5000);
    raw.send(1, new Request.Ping());
    assertEquals(Response.ok(FrameType.PING), raw.readMessage());
    server.close();
    assertTrue(raw.closedByServer(), "open connections are closed");
    assertFalse(server.loop.execute(() -> { }), "a closed loop refuses tasks");
    try (ClientConnection late = new ClientConnection(addr)) {
      assertThrows(io.shardkv.driver.protocol.CallFailedException.class,
          () -> late.call(new Request.Ping(), Duration.ofSeconds(2)), "nobody listens any more");
    }
    raw.close();
  }

  @Test
  void repliesQueuedBeforeShutdownAreStillDelivered() throws Exception {
    int replies = 300;
    String big = "x".repeat(10_000); // 3 MB in all: more than the socket buffers hold
    TestServer server = new TestServer(ConnectionOptions.DEFAULT) {
      @Override
      void handle(Connection c, long id, Request r) {
        for (int i = 0; i < replies; i++) RequestDispatcher.reply(c, i, Response.value(big));
        new Thread(this::close).start(); // shut down while most replies are still queued
      }
    };
    try (RawClient raw = new RawClient(server.address(), 5000)) {
      raw.send(1, new Request.Get(1, 1, "k"));
      int got = 0;
      for (Frame f; (f = raw.read()) != null; got++) assertEquals(got, f.requestId());
      assertEquals(replies, got, "every queued reply arrives before the close");
    }
    server.close();
  }
}
