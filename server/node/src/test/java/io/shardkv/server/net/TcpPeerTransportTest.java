package io.shardkv.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class TcpPeerTransportTest {

  /** One node: an event loop, a listener that accepts peer links, and a transport. */
  private static final class Node implements AutoCloseable {
    final int id;
    final EventLoop loop;
    final LinkedBlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    TcpPeerTransport transport;
    Listener listener;

    Node(int id) throws IOException {
      this.id = id;
      this.loop = EventLoop.start("node-" + id, Duration.ofMillis(20));
    }

    void start(int port, Map<Integer, InetSocketAddress> peers, TcpPeerTransport.Options opts) throws IOException {
      transport = new TcpPeerTransport(loop, id, peers,
          (from, bytes) -> inbox.add(from + ":" + new String(bytes)), opts);
      listen(port);
      transport.start();
    }

    void listen(int port) throws IOException {
      listener = loop.listen(new InetSocketAddress("127.0.0.1", port), ConnectionOptions.DEFAULT,
          new RequestDispatcher((c, id, r) -> RequestDispatcher.reply(c, id,
              io.shardkv.driver.protocol.Response.error(r.frameType(), Status.BAD_REQUEST, "peer port")),
              transport.inboundHandler()), 100);
    }

    @Override
    public void close() {
      if (transport != null) transport.close();
      loop.close();
    }
  }

  /** Ports already handed out by this test class: the kernel may reuse a just-closed port. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A port that was free a moment ago and that this class has not handed out before. */
  private static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(s.getLocalPort())) return s.getLocalPort();
      }
    }
  }

  private static void await(BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
      Thread.sleep(10);
    }
  }

  private static final TcpPeerTransport.Options FAST = new TcpPeerTransport.Options(
      ConnectionOptions.DEFAULT.withIdleTimeout(Duration.ofSeconds(2)).withConnectTimeout(Duration.ofSeconds(1)),
      Duration.ofMillis(20), Duration.ofMillis(400), 0.2, Duration.ofMillis(200));

  @Test
  void threeNodesExchangeMessagesInBothDirections() throws Exception {
    int[] ports = {freePort(), freePort(), freePort()};
    Map<Integer, InetSocketAddress> peers = Map.of(
        1, new InetSocketAddress("127.0.0.1", ports[0]),
        2, new InetSocketAddress("127.0.0.1", ports[1]),
        3, new InetSocketAddress("127.0.0.1", ports[2]));
    try (Node n1 = new Node(1); Node n2 = new Node(2); Node n3 = new Node(3)) {
      List<Node> nodes = List.of(n1, n2, n3);
      for (Node n : nodes) n.start(ports[n.id - 1], peers, FAST);
      for (Node a : nodes) {
        for (Node b : nodes) {
          if (a != b) await(() -> a.transport.isReachable(b.id), a.id + " reaches " + b.id);
        }
      }
      for (Node a : nodes) {
        for (Node b : nodes) {
          if (a != b) a.transport.send(b.id, ("hello " + b.id + " from " + a.id).getBytes());
        }
      }
      for (Node b : nodes) {
        for (int k = 0; k < 2; k++) {
          String m = b.inbox.poll(10, TimeUnit.SECONDS);
          assertTrue(m != null && m.endsWith("hello " + b.id + " from " + m.charAt(0)), String.valueOf(m));
        }
      }
      assertFalse(n1.transport.isReachable(1), "no link to itself");
    }
  }

  /**
   * Issue 16, dynamic address book: a peer learnt at run time (from a replicated configuration) gets a
   * link; a peer that moved gets a new link to its new address, and the old one is never used again.
   */
  @Test
  void aPeerLearntAtRunTimeIsLinkedAndAMovedPeerIsFollowed() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    int p2moved = freePort();
    try (Node n1 = new Node(1); Node n2 = new Node(2); Node n2b = new Node(2)) {
      n1.start(p1, Map.of(), FAST); // knows no peer at start
      n2.start(p2, Map.of(1, new InetSocketAddress("127.0.0.1", p1)), FAST);
      n1.transport.send(2, "dropped".getBytes());
      assertEquals(1, n1.transport.messagesDropped(), "no link to an unknown peer");
      setPeer(n1, 2, p2);
      await(() -> n1.transport.isReachable(2), "1 reaches 2 once it learnt the address");
      n1.transport.send(2, "first".getBytes());
      assertEquals("1:first", n2.inbox.poll(10, TimeUnit.SECONDS));
      setPeer(n1, 2, p2);
      assertEquals(1, n1.transport.connectAttempts(2), "the same address again keeps the link");
      n2b.start(p2moved, Map.of(), FAST);
      setPeer(n1, 2, p2moved);
      await(() -> n1.transport.isReachable(2) && n1.transport.connectAttempts(2) == 1, "1 reaches 2 at its new address");
      n1.transport.send(2, "second".getBytes());
      assertEquals("1:second", n2b.inbox.poll(10, TimeUnit.SECONDS));
      Thread.sleep(300);
      assertTrue(n2.inbox.isEmpty(), "the old address gets nothing: " + n2.inbox);
    }
  }

  /** Runs {@code setPeer} on the node's loop (where it belongs) and waits until it ran. */
  private static void setPeer(Node n, int id, int port) throws Exception {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    n.loop.execute(() -> {
      n.transport.setPeer(id, new InetSocketAddress("127.0.0.1", port));
      done.complete(null);
    });
    done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void messagesToUnknownOrUnreachablePeersAreDroppedWithoutThrowing() throws Exception {
    try (Node n1 = new Node(1)) {
      n1.start(freePort(), Map.of(2, new InetSocketAddress("127.0.0.1", freePort())), FAST);
      n1.transport.send(9, new byte[] {1});
      n1.transport.send(2, new byte[] {2});
      assertFalse(n1.transport.isReachable(2));
      assertEquals(2, n1.transport.messagesDropped());
      assertEquals(0, n1.transport.messagesSent());
    }
  }

  @Test
  void linkReconnectsWithBackoffAfterThePeerRestarts() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    Map<Integer, InetSocketAddress> peers = Map.of(
        1, new InetSocketAddress("127.0.0.1", p1), 2, new InetSocketAddress("127.0.0.1", p2));
    try (Node n1 = new Node(1)) {
      n1.start(p1, peers, FAST);
      Node n2 = new Node(2);
      n2.start(p2, peers, FAST);
      await(() -> n1.transport.isReachable(2), "1 reaches 2");
      n1.transport.send(2, "before".getBytes());
      assertEquals("1:before", n2.inbox.poll(10, TimeUnit.SECONDS));

      n2.close(); // node 2 goes away
      await(() -> !n1.transport.isReachable(2), "1 notices 2 is gone");
      int attemptsAtDown = n1.transport.connectAttempts(2);
      n1.transport.send(2, "lost".getBytes()); // dropped, no exception
      Thread.sleep(1500);
      int attemptsWhileDown = n1.transport.connectAttempts(2) - attemptsAtDown;
      // 1.5 s down, backoff 20 ms doubling to a 400 ms cap: about 7 attempts (fewer on a loaded
      // machine, never more), where a fixed 20 ms retry would make 75.
      assertTrue(attemptsWhileDown >= 1 && attemptsWhileDown <= 10, "attempts while down: " + attemptsWhileDown);

      try (Node n2again = new Node(2)) {
        n2again.start(p2, peers, FAST);
        await(() -> n1.transport.isReachable(2), "1 reaches the restarted 2");
        n1.transport.send(2, "after".getBytes());
        assertEquals("1:after", n2again.inbox.poll(10, TimeUnit.SECONDS));
        await(() -> n2again.transport.isReachable(1), "the restarted 2 reaches 1");
      }
    }
  }

  @Test
  void peerMessageBeforePeerHelloIsRejectedAndNotDelivered() throws Exception {
    int p1 = freePort();
    try (LogCapture logs = new LogCapture(true); Node n1 = new Node(1)) {
      n1.start(p1, Map.of(), FAST);
      try (RawClient raw = new RawClient(new InetSocketAddress("127.0.0.1", p1), 5000)) {
        raw.send(0, new io.shardkv.driver.protocol.Request.PeerMessage("sneaky".getBytes()));
        io.shardkv.driver.protocol.ProtocolError e = (io.shardkv.driver.protocol.ProtocolError) raw.readMessage();
        assertEquals(Status.BAD_REQUEST, e.status());
        assertTrue(e.message().contains("PEER_MESSAGE before PEER_HELLO"), e.message());
        assertTrue(raw.closedByServer());
      }
      try (RawClient raw = new RawClient(new InetSocketAddress("127.0.0.1", p1), 5000)) {
        raw.send(0, new io.shardkv.driver.protocol.Request.PeerHello(5));
        raw.send(0, new io.shardkv.driver.protocol.Request.PeerMessage("hi".getBytes()));
        assertEquals("5:hi", n1.inbox.poll(10, TimeUnit.SECONDS));
      }
      assertTrue(n1.inbox.isEmpty(), "the rejected message was never delivered");
    }
  }

  @Test
  void messageOverTheFrameLimitIsDroppedLocallyAndTheLinkStaysUp() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    Map<Integer, InetSocketAddress> peers = Map.of(
        1, new InetSocketAddress("127.0.0.1", p1), 2, new InetSocketAddress("127.0.0.1", p2));
    TcpPeerTransport.Options small = new TcpPeerTransport.Options(FAST.connection().withMaxPayloadBytes(1024),
        FAST.backoffBase(), FAST.backoffMax(), FAST.backoffJitter(), FAST.keepAlive());
    try (LogCapture logs = new LogCapture(true); Node n1 = new Node(1); Node n2 = new Node(2)) {
      n1.start(p1, peers, small);
      n2.start(p2, peers, FAST);
      await(() -> n1.transport.isReachable(2), "1 reaches 2");
      int attempts = n1.transport.connectAttempts(2);
      n1.transport.send(2, new byte[1021]); // 4-byte length + 1021 > 1024
      n1.transport.send(2, "small".getBytes());
      assertEquals("1:small", n2.inbox.poll(10, TimeUnit.SECONDS));
      assertEquals(1, n1.transport.messagesDropped());
      assertEquals(attempts, n1.transport.connectAttempts(2), "the link was not dropped");
      assertEquals(1, logs.linesContaining("larger than the 1024-byte frame payload limit").size());
    }
  }

  @Test
  void largeOpaquePayloadArrivesIntact() throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    Map<Integer, InetSocketAddress> peers = Map.of(
        1, new InetSocketAddress("127.0.0.1", p1), 2, new InetSocketAddress("127.0.0.1", p2));
    try (Node n1 = new Node(1); Node n2 = new Node(2)) {
      LinkedBlockingQueue<byte[]> raw = new LinkedBlockingQueue<>();
      n1.start(p1, peers, FAST);
      n2.transport = new TcpPeerTransport(n2.loop, 2, peers, (from, b) -> raw.add(b), FAST);
      n2.listen(p2);
      await(() -> n1.transport.isReachable(2), "1 reaches 2");
      byte[] big = new byte[3 * 1024 * 1024];
      new java.util.Random(1).nextBytes(big);
      n1.transport.send(2, big);
      assertArrayEquals(big, raw.poll(10, TimeUnit.SECONDS));
    }
  }
}
