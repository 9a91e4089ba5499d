package io.shardkv.server.net;

import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tiny in-memory key-value {@link RequestHandler} on its own event loop, on 127.0.0.1: enough of a
 * server to exercise the transport. Not replicated, not exactly-once.
 */
class TestServer implements AutoCloseable {
  final EventLoop loop;
  final Listener listener;
  final Map<String, String> data = new TreeMap<>(); // loop thread only

  TestServer(ConnectionOptions options) throws IOException {
    this(options, 0);
  }

  TestServer(ConnectionOptions options, int port) throws IOException {
    loop = EventLoop.start("test-server", java.time.Duration.ofMillis(20));
    listener = loop.listen(new InetSocketAddress("127.0.0.1", port), options,
        new RequestDispatcher(this::handle, null), 10_000);
  }

  InetSocketAddress address() {
    return listener.localAddress();
  }

  void handle(Connection c, long id, Request r) {
    RequestDispatcher.reply(c, id, apply(r));
  }

  Response apply(Request r) {
    if (r instanceof Request.Get g) {
      String v = data.get(g.key());
      return v == null ? Response.notFound(FrameType.GET) : Response.value(v);
    } else if (r instanceof Request.Put p) {
      data.put(p.key(), p.value());
      return Response.ok(FrameType.PUT);
    } else if (r instanceof Request.Append a) {
      data.merge(a.key(), a.value(), String::concat);
      return Response.ok(FrameType.APPEND);
    } else if (r instanceof Request.Cas c) {
      String cur = data.get(c.key());
      if (!java.util.Objects.equals(cur, c.expected())) return Response.casMismatch(cur);
      data.put(c.key(), c.value());
      return Response.ok(FrameType.CAS);
    } else if (r instanceof Request.Delete d) {
      return data.remove(d.key()) == null ? Response.notFound(FrameType.DELETE) : Response.ok(FrameType.DELETE);
    }
    return Response.error(r.frameType(), Status.BAD_REQUEST, "the test server does not serve " + r.frameType());
  }

  @Override
  public void close() {
    loop.close();
  }
}
