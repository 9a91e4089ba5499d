package io.shardkv.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.CallFailedException;
import io.shardkv.driver.protocol.ClientConnection;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ClientConnectionTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  /** Holds requests until {@code batch} have arrived, then answers them in reverse order. */
  private static final class ReversingServer implements AutoCloseable {
    final EventLoop loop;
    final Listener listener;
    final List<Object[]> held = new ArrayList<>();
    final int batch;

    ReversingServer(int batch) throws IOException {
      this.batch = batch;
      loop = EventLoop.start("reversing");
      listener = loop.listen(new InetSocketAddress("127.0.0.1", 0), ConnectionOptions.DEFAULT,
          new RequestDispatcher(this::hold, null), 100);
    }

    /** Answers nothing until {@link #release()}: the test attaches its callbacks first. */
    private boolean released;

    void hold(Connection c, long id, Request r) {
      held.add(new Object[] {c, id, r});
      answerIfReady();
    }

    /** Lets the server answer once it holds the whole batch (called from the test thread). */
    void release() {
      loop.execute(() -> {
        released = true;
        answerIfReady();
      });
    }

    private void answerIfReady() {
      if (!released || held.size() < batch) return;
      for (int i = held.size() - 1; i >= 0; i--) {
        Object[] h = held.get(i);
        Request.Get g = (Request.Get) h[2];
        RequestDispatcher.reply((Connection) h[0], (Long) h[1], Response.value("value-of-" + g.key()));
      }
      held.clear();
    }

    @Override
    public void close() {
      loop.close();
    }
  }

  @Test
  void pipelinedRequestsAnsweredInReverseOrderCompleteTheRightFutures() throws Exception {
    int n = 200;
    try (ReversingServer server = new ReversingServer(n);
        ClientConnection client = new ClientConnection(server.listener.localAddress())) {
      List<CompletableFuture<Response>> futures = new ArrayList<>();
      List<Integer> completionOrder = Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.CountDownLatch completed = new java.util.concurrent.CountDownLatch(n);
      for (int i = 0; i < n; i++) {
        int k = i;
        CompletableFuture<Response> f = client.sendAsync(new Request.Get(1, i, "key" + i), LONG);
        f.thenRun(() -> {
          completionOrder.add(k);
          completed.countDown();
        });
        futures.add(f);
      }
      // Every callback is attached before the server may answer: the order seen is the order of
      // completion (a callback attached to an already completed future would run late, out of order).
      server.release();
      for (int i = 0; i < n; i++) {
        assertEquals(Response.value("value-of-key" + i), futures.get(i).get(), "request " + i);
      }
      assertTrue(completed.await(30, java.util.concurrent.TimeUnit.SECONDS), "every completion callback ran");
      assertEquals(n, completionOrder.size());
      assertEquals(n - 1, (int) completionOrder.get(0), "the last request was answered first");
    }
  }

  @Test
  void manyThreadsShareOneConnection() throws Exception {
    try (TestServer server = new TestServer(ConnectionOptions.DEFAULT);
        ClientConnection client = new ClientConnection(server.address())) {
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 8; t++) {
        int tid = t;
        Thread th = new Thread(() -> {
          try {
            for (int i = 0; i < 300; i++) {
              String key = "t" + tid + "-" + i;
              assertEquals(Status.OK, client.call(new Request.Put(tid, i, key, "v" + i), LONG).status());
              assertEquals(Response.value("v" + i), client.call(new Request.Get(tid, i, key), LONG));
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) th.join();
      assertEquals(List.of(), failures);
    }
  }

  @Test
  void noReplyWithinTheCallTimeoutIsAnIndefiniteTimeout() throws Exception {
    try (ReversingServer server = new ReversingServer(1_000_000); // never answers
        ClientConnection client = new ClientConnection(server.listener.localAddress())) {
      CallFailedException e = assertThrows(CallFailedException.class,
          () -> client.call(new Request.Get(1, 1, "k"), Duration.ofMillis(200)));
      assertEquals(CallFailedException.Kind.TIMEOUT, e.kind());
      assertFalse(e.definite(), "a timed-out write may still happen");
    }
  }

  @Test
  void serverClosingWithRequestsInFlightMakesThemIndefinite() throws Exception {
    ReversingServer server = new ReversingServer(1_000_000);
    try (ClientConnection client = new ClientConnection(server.listener.localAddress())) {
      CompletableFuture<Response> f = client.sendAsync(new Request.Put(1, 1, "k", "v"), LONG);
      Thread.sleep(100); // let the request reach the server
      server.close();
      ExecutionException ex = assertThrows(ExecutionException.class, f::get);
      CallFailedException e = (CallFailedException) ex.getCause();
      assertEquals(CallFailedException.Kind.CONNECTION_LOST, e.kind());
      assertFalse(e.definite());
    }
  }

  @Test
  void nobodyListeningIsADefiniteConnectFailure() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (ClientConnection client = new ClientConnection(new InetSocketAddress("127.0.0.1", port))) {
      CallFailedException e = assertThrows(CallFailedException.class,
          () -> client.call(new Request.Ping(), LONG));
      assertEquals(CallFailedException.Kind.CONNECT_FAILED, e.kind());
      assertTrue(e.definite());
    }
  }

  @Test
  void clientReconnectsOnDemandAfterTheServerRestarts() throws Exception {
    TestServer first = new TestServer(ConnectionOptions.DEFAULT);
    int port = first.address().getPort();
    try (ClientConnection client = new ClientConnection(first.address())) {
      assertEquals(Response.ok(FrameType.PING), client.call(new Request.Ping(), LONG));
      first.close();
      // The broken session is noticed, then a call fails definitely while nobody listens...
      for (int i = 0; i < 100 && client.isConnected(); i++) Thread.sleep(10);
      assertFalse(client.isConnected());
      CallFailedException down = assertThrows(CallFailedException.class, () -> client.call(new Request.Ping(), LONG));
      assertEquals(CallFailedException.Kind.CONNECT_FAILED, down.kind());
      // ...and succeeds once a server is back on the same port.
      try (TestServer second = new TestServer(ConnectionOptions.DEFAULT, port)) {
        assertEquals(port, second.address().getPort());
        assertEquals(Response.ok(FrameType.PING), client.call(new Request.Ping(), LONG));
        assertTrue(client.isConnected());
      }
    }
  }

  @Test
  void idleClientConnectionIsKeptAliveByPingsPastTheServersIdleTimeout() throws Exception {
    try (TestServer server = new TestServer(ConnectionOptions.DEFAULT.withIdleTimeout(Duration.ofMillis(600)));
        ClientConnection client = new ClientConnection(server.address(), new ClientConnection.Options(
            Duration.ofSeconds(2), io.shardkv.driver.protocol.Wire.DEFAULT_MAX_PAYLOAD_BYTES, Duration.ofMillis(100)));
        ClientConnection noKeepAlive = new ClientConnection(server.address(), new ClientConnection.Options(
            Duration.ofSeconds(2), io.shardkv.driver.protocol.Wire.DEFAULT_MAX_PAYLOAD_BYTES, Duration.ZERO))) {
      assertEquals(Response.ok(FrameType.PING), client.call(new Request.Ping(), LONG));
      assertEquals(Response.ok(FrameType.PING), noKeepAlive.call(new Request.Ping(), LONG));
      Thread.sleep(2000); // over three idle timeouts
      assertTrue(client.isConnected(), "kept alive");
      assertFalse(noKeepAlive.isConnected(), "the server closed the silent one");
      assertEquals(Response.ok(FrameType.PING), client.call(new Request.Ping(), LONG));
      assertEquals(1, client.sessionsOpened(), "no reconnect was needed");
    }
  }

  @Test
  void errorFrameFailsItsRequestWithTheErrorStatusAndOthersInFlightIndefinitely() throws Exception {
    try (LogCapture logs = new LogCapture(true);
        TestServer server = new TestServer(ConnectionOptions.DEFAULT) {
          @Override
          void handle(Connection c, long id, Request r) {
            if (r instanceof Request.Get g && g.key().equals("reject")) {
              c.failProtocol(new io.shardkv.driver.protocol.FrameException(Status.BAD_REQUEST, id, "not this key"));
            } // every other request is left unanswered
          }
        };
        ClientConnection client = new ClientConnection(server.address())) {
      CompletableFuture<Response> bystander = client.sendAsync(new Request.Put(1, 1, "k", "v"), LONG);
      CompletableFuture<Response> rejected = client.sendAsync(new Request.Get(1, 2, "reject"), LONG);
      CallFailedException e = (CallFailedException) assertThrows(ExecutionException.class, rejected::get).getCause();
      assertEquals(CallFailedException.Kind.PROTOCOL_ERROR, e.kind());
      assertEquals(Status.BAD_REQUEST, e.status());
      assertTrue(e.definite());
      assertTrue(e.getMessage().contains("not this key"), e.getMessage());
      CallFailedException b = (CallFailedException) assertThrows(ExecutionException.class, bystander::get).getCause();
      assertEquals(CallFailedException.Kind.CONNECTION_LOST, b.kind());
      assertFalse(b.definite(), "the server may have applied the bystander before closing");
    }
  }

  @Test
  void garbageFromTheServerFailsCallsInFlightIndefinitely() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (java.net.Socket s = fake.accept()) {
          s.getInputStream().read(new byte[64]); // wait for the request
          s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
          s.getInputStream().read(); // hold the socket until the client drops it
        } catch (IOException ignored) {
          // client went away
        }
      });
      t.start();
      try (ClientConnection client = new ClientConnection(new InetSocketAddress("127.0.0.1", fake.getLocalPort()))) {
        CallFailedException e = assertThrows(CallFailedException.class, () -> client.call(new Request.Ping(), LONG));
        assertEquals(CallFailedException.Kind.BAD_RESPONSE, e.kind());
        assertFalse(e.definite());
        assertTrue(e.getMessage().contains("bad magic byte 0x48"), e.getMessage());
      }
      t.join(5000);
    }
  }

  @Test
  void serverStatusErrorsAreResponsesNotExceptions() throws Exception {
    try (TestServer server = new TestServer(ConnectionOptions.DEFAULT);
        ClientConnection client = new ClientConnection(server.address())) {
      Response r = client.call(new Request.Cas(1, 1, "k", "x", "y"), LONG);
      assertEquals(Response.casMismatch(null), r);
      Response unsupported = client.call(new Request.Query(-1), LONG);
      assertEquals(Status.BAD_REQUEST, unsupported.status());
      assertNotEquals(Status.OK, client.call(new Request.Get(1, 2, "nope"), LONG).status());
    }
  }
}
