package io.shardkv.server.net;

import io.shardkv.driver.protocol.Frame;
import io.shardkv.driver.protocol.FrameException;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Message;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FrameHandler} of a server port: answers PING, hands peer frames to the peer
 * transport's inbound handler, parses every other request and passes it to a
 * {@link RequestHandler}. Frames a server never accepts (replies, ERROR, a payload that does not
 * parse, peer frames on a port without a peer handler) get an ERROR reply and close the connection
 * — other connections are unaffected.
 */
public final class RequestDispatcher implements FrameHandler {
  private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

  private final RequestHandler requests;
  private final FrameHandler peers;

  /** @param peers inbound peer-link handler ({@link TcpPeerTransport#inboundHandler}), or null */
  public RequestDispatcher(RequestHandler requests, FrameHandler peers) {
    this.requests = requests;
    this.peers = peers;
  }

  @Override
  public void onFrame(Connection c, Frame f) {
    FrameType t = f.type();
    if (t.isOneWay()) {
      if (peers != null) {
        peers.onFrame(c, f);
      } else {
        c.failProtocol(new FrameException(Status.BAD_REQUEST, f.requestId(),
            t + " frame on a port that does not accept peer links"));
      }
      return;
    }
    if (!t.expectsReply()) {
      c.failProtocol(new FrameException(Status.BAD_REQUEST, f.requestId(),
          "a server does not accept " + t + " frames (request id " + f.requestId() + ")"));
      return;
    }
    Message m;
    try {
      m = MessageCodec.decode(f);
    } catch (FrameException e) {
      c.failProtocol(e);
      return;
    }
    if (m instanceof Request.Ping) {
      reply(c, f.requestId(), Response.ok(FrameType.PING));
      return;
    }
    requests.onRequest(c, f.requestId(), (Request) m);
  }

  @Override
  public void onClose(Connection c, Throwable cause) {
    if (peers != null) peers.onClose(c, cause);
  }

  /**
   * Sends {@code response} for {@code requestId}. A client whose unread replies exceed the write
   * queue limit is disconnected (its outstanding requests become indefinite for it). Any thread.
   */
  public static void reply(Connection c, long requestId, Response response) {
    if (!c.send(MessageCodec.encode(requestId, response)) && c.isOpen()) {
      log.warn("closing {}: it does not read its replies ({} bytes queued)", c, c.queuedBytes());
      c.close();
    }
  }
}
