package io.shardkv.server.net;

import io.shardkv.driver.protocol.Frame;
import io.shardkv.driver.protocol.FrameDecoder;
import io.shardkv.driver.protocol.FrameEncoder;
import io.shardkv.driver.protocol.FrameException;
import io.shardkv.driver.protocol.Message;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/** A blocking test client that writes arbitrary bytes and reads frames, to misbehave on purpose. */
final class RawClient implements AutoCloseable {
  final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final FrameDecoder decoder = new FrameDecoder(Wire.DEFAULT_MAX_PAYLOAD_BYTES);
  private final ArrayDeque<Frame> frames = new ArrayDeque<>();
  private final byte[] buf = new byte[8192];
  private boolean eof;

  RawClient(InetSocketAddress address, int readTimeoutMillis) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(address, 2000);
    socket.setSoTimeout(readTimeoutMillis);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void send(long requestId, Message m) throws IOException {
    write(FrameEncoder.toBytes(MessageCodec.encode(requestId, m)));
  }

  /** The next frame, or null at end of stream. Throws SocketTimeoutException if none in time. */
  Frame read() throws IOException, FrameException {
    while (frames.isEmpty() && !eof) {
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) { // reset by peer counts as closed
        eof = true;
        break;
      }
      if (n < 0) {
        eof = true;
        decoder.endOfStream();
        break;
      }
      decoder.feed(ByteBuffer.wrap(buf, 0, n), frames::add);
    }
    return frames.poll();
  }

  Message readMessage() throws IOException, FrameException {
    Frame f = read();
    return f == null ? null : MessageCodec.decode(f);
  }

  /** True if the server closed the connection (reads every remaining frame first). */
  boolean closedByServer() throws IOException, FrameException {
    while (read() != null) {
      // drain
    }
    return eof;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
