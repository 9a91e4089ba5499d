package io.shardkv.server.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A listening socket on an {@link EventLoop}; created by {@link EventLoop#listen}. */
public final class Listener {
  private static final Logger log = LoggerFactory.getLogger(Listener.class);

  private final EventLoop loop;
  private final ServerSocketChannel channel;
  private final InetSocketAddress localAddress;
  private final ConnectionOptions options;
  private final FrameHandler handler;
  private final int maxConnections;
  private final Set<Connection> accepted = new LinkedHashSet<>();
  private volatile boolean closed;

  Listener(EventLoop loop, ServerSocketChannel channel, ConnectionOptions options, FrameHandler handler,
      int maxConnections) throws IOException {
    this.loop = loop;
    this.channel = channel;
    this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    this.options = options;
    this.handler = handler;
    this.maxConnections = maxConnections;
  }

  /** The bound address (with the real port when 0 was asked for). */
  public InetSocketAddress localAddress() { return localAddress; }

  /**
   * Stops accepting and closes every connection accepted by this listener (a node going away).
   * Safe from any thread; returns before the closes complete.
   */
  public void close() {
    if (loop.inLoop()) {
      closeOnLoop();
    } else if (!loop.execute(this::closeOnLoop)) {
      closeChannel();
    }
  }

  public boolean isClosed() { return closed; }

  ConnectionOptions options() { return options; }
  FrameHandler handler() { return handler; }
  ServerSocketChannel channel() { return channel; }

  void acceptReady() {
    for (int i = 0; i < 64 && !closed; i++) {
      SocketChannel ch;
      try {
        ch = channel.accept();
      } catch (IOException e) {
        log.warn("accept on {} failed: {}", localAddress, e.toString());
        return;
      }
      if (ch == null) return;
      if (accepted.size() >= maxConnections) {
        log.warn("refusing a connection on {}: already {} connections (the configured maximum)",
            localAddress, maxConnections);
        try {
          ch.close();
        } catch (IOException ignored) {
          // refusing anyway
        }
        continue;
      }
      loop.adopt(ch, this);
    }
  }

  void track(Connection c) { accepted.add(c); }
  void untrack(Connection c) { accepted.remove(c); }

  private void closeOnLoop() {
    closeChannel();
    loop.unregisterListener(this);
    for (Connection c : List.copyOf(accepted)) c.close();
  }

  void closeChannel() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      log.warn("closing listener {}: {}", localAddress, e.toString());
    }
  }
}
