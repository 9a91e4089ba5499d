package io.shardkv.server.net;

import io.shardkv.driver.protocol.Frame;
import io.shardkv.driver.protocol.FrameException;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Message;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.routing.Status;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PeerTransport} over TCP on an {@link EventLoop}: one outgoing link per peer, each opened by
 * this node, announced with PEER_HELLO, kept alive with PING, and re-opened with exponential backoff
 * whenever it breaks. Messages to a peer whose link is down are dropped (Raft retransmits).
 * Incoming messages arrive on the peers' own outgoing links, accepted by this node's listener and
 * handled by {@link #inboundHandler()}.
 */
public final class TcpPeerTransport implements PeerTransport, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpPeerTransport.class);

  /** Link settings. Keep {@code keepAlive} well below the connection's (and the remote's) idle timeout. */
  public record Options(ConnectionOptions connection, Duration backoffBase, Duration backoffMax,
      double backoffJitter, Duration keepAlive) {
    public static final Options DEFAULT = new Options(
        ConnectionOptions.DEFAULT.withIdleTimeout(Duration.ofSeconds(5)).withConnectTimeout(Duration.ofSeconds(2)),
        Duration.ofMillis(50), Duration.ofSeconds(2), 0.2, Duration.ofSeconds(1));
  }

  private final EventLoop loop;
  private final int selfId;
  private final Options options;
  private final PeerMessageHandler inbound;
  /** Peer id → its link; links are added or re-pointed on the loop thread ({@link #setPeer}), read anywhere. */
  private final Map<Integer, Link> links = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean started;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private volatile boolean closed;

  public TcpPeerTransport(EventLoop loop, int selfId, Map<Integer, InetSocketAddress> peers,
      PeerMessageHandler inbound, Options options) {
    this.loop = loop;
    this.selfId = selfId;
    this.options = options;
    this.inbound = inbound;
    peers.forEach((id, addr) -> {
      if (id != selfId) links.put(id, new Link(id, addr));
    });
  }

  /** Opens every link. Call once. */
  public void start() {
    loop.execute(() -> {
      started = true;
      links.values().forEach(Link::connect);
    });
  }

  /**
   * Loop thread: server {@code id} is (now) at {@code address} — a server learnt from a replicated
   * membership configuration (docs/membership.md, "Addresses"). A new peer gets a link; a peer that
   * moved gets a new link to its new address (the old one is closed and never reconnects); the same
   * address changes nothing. Messages sent meanwhile are dropped like any to an unreachable peer.
   */
  public void setPeer(int id, InetSocketAddress address) {
    if (id == selfId || closed) return;
    Link old = links.get(id);
    if (old != null && old.address.equals(address)) return;
    Link link = new Link(id, address);
    links.put(id, link);
    if (old != null) {
      old.stopped = true;
      old.shutdown();
      log.info("link to node {} moves from {} to {}", id, old.address, address);
    }
    if (started) link.connect();
  }

  @Override
  public void send(int nodeId, byte[] message) {
    try {
      Link link = links.get(nodeId);
      if (link == null || closed) {
        dropped.incrementAndGet();
        return;
      }
      if (message.length > options.connection().maxPayloadBytes() - 4) {
        // Sending it would make the receiver reject the frame and drop the whole link. The Raft
        // core must keep messages (snapshot chunks included) under the limit.
        dropped.incrementAndGet();
        log.warn("dropping a {}-byte message to node {}: larger than the {}-byte frame payload limit"
            + " (send snapshots in chunks)", message.length, nodeId, options.connection().maxPayloadBytes());
        return;
      }
      Connection c = link.connection;
      if (c != null && c.isEstablished()
          && c.send(MessageCodec.encode(0, new Request.PeerMessage(message)))) {
        sent.incrementAndGet();
      } else {
        dropped.incrementAndGet();
      }
    } catch (RuntimeException e) {
      dropped.incrementAndGet();
      log.error("peer send to node {} failed unexpectedly; message dropped", nodeId, e);
    }
  }

  @Override
  public boolean isReachable(int nodeId) {
    Link link = links.get(nodeId);
    return link != null && link.reachable;
  }

  /** Messages handed to a link / dropped / received since start. */
  public long messagesSent() { return sent.get(); }
  public long messagesDropped() { return dropped.get(); }
  public long messagesReceived() { return received.get(); }

  /** Connection attempts made on the link to {@code nodeId} (a diagnostic). */
  public int connectAttempts(int nodeId) {
    Link l = links.get(nodeId);
    return l == null ? 0 : l.attempts;
  }

  /** Handles PEER_HELLO and PEER_MESSAGE arriving on a listener; plug into {@link RequestDispatcher}. */
  public FrameHandler inboundHandler() {
    return (c, f) -> {
      Message m;
      try {
        m = MessageCodec.decode(f);
      } catch (FrameException e) {
        c.failProtocol(e);
        return;
      }
      if (m instanceof Request.PeerHello h) {
        c.attach(h.nodeId());
        log.debug("{} is the link from node {}", c, h.nodeId());
      } else if (m instanceof Request.PeerMessage pm) {
        if (!(c.attachment() instanceof Integer from)) {
          c.failProtocol(new FrameException(Status.BAD_REQUEST, f.requestId(),
              "PEER_MESSAGE before PEER_HELLO: a peer link must first say which node it is"));
          return;
        }
        received.incrementAndGet();
        inbound.onPeerMessage(from, pm.bytes());
      }
    };
  }

  /** Closes every link and stops reconnecting. */
  @Override
  public void close() {
    closed = true;
    loop.execute(() -> links.values().forEach(Link::shutdown));
  }

  /** The outgoing link to one peer; its fields other than the volatile ones are loop-thread only. */
  private final class Link implements FrameHandler {
    final int peerId;
    final InetSocketAddress address;
    final Backoff backoff;
    volatile Connection connection;
    volatile boolean reachable;
    volatile int attempts;
    /** Set when the peer moved to another address ({@link #setPeer}): this link never reconnects. */
    volatile boolean stopped;
    Timer keepAlive;
    Timer retry;
    boolean wasUp;

    Link(int peerId, InetSocketAddress address) {
      this.peerId = peerId;
      this.address = address;
      this.backoff = new Backoff(options.backoffBase(), options.backoffMax(), options.backoffJitter(),
          31L * selfId + peerId);
    }

    void connect() {
      retry = null;
      if (closed || stopped) return;
      attempts++;
      connection = loop.connect(address, options.connection(), this);
    }

    @Override
    public void onOpen(Connection c) {
      c.send(MessageCodec.encode(0, new Request.PeerHello(selfId)));
      c.send(MessageCodec.encode(0, new Request.Ping()));
      keepAlive = loop.schedulePeriodic(options.keepAlive(),
          () -> c.send(MessageCodec.encode(0, new Request.Ping())));
    }

    @Override
    public void onFrame(Connection c, Frame f) {
      if (f.type() == FrameType.PING_REPLY) {
        if (!reachable) log.info("link to node {} at {} is up", peerId, address);
        reachable = true;
        wasUp = true;
        backoff.reset();
        return;
      }
      String what = f.type() == FrameType.ERROR ? describeError(f) : "unexpected " + f.type() + " frame";
      log.warn("closing link to node {} at {}: {}", peerId, address, what);
      c.close();
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
      reachable = false;
      if (keepAlive != null) keepAlive.cancel();
      keepAlive = null;
      if (closed || stopped) return;
      Duration delay = backoff.nextDelay();
      if (wasUp) {
        log.info("link to node {} at {} is down ({}); reconnecting with backoff", peerId, address,
            cause == null ? "closed" : cause.getMessage());
        wasUp = false;
      } else {
        log.debug("link to node {} at {}: attempt {} failed ({}); next in {} ms", peerId, address,
            attempts, cause == null ? "closed" : cause.getMessage(), delay.toMillis());
      }
      retry = loop.schedule(delay, this::connect);
    }

    void shutdown() {
      if (retry != null) retry.cancel();
      Connection c = connection;
      if (c != null) c.close();
    }

    private String describeError(Frame f) {
      try {
        return "peer replied " + MessageCodec.decode(f);
      } catch (FrameException e) {
        return "peer sent an unparseable ERROR frame: " + e.getMessage();
      }
    }
  }
}
