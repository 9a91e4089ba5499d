package io.shardkv.server.net;

import io.shardkv.driver.protocol.Frame;
import io.shardkv.driver.protocol.FrameDecoder;
import io.shardkv.driver.protocol.FrameEncoder;
import io.shardkv.driver.protocol.FrameException;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.ProtocolError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection on an {@link EventLoop}: a streaming {@link FrameDecoder} on the read side and
 * a bounded queue of encoded frames on the write side.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Frames are written in the order {@link #send} accepted them.</li>
 *   <li>Queued-but-unwritten bytes never exceed {@code writeQueueLimitBytes} plus one frame; above
 *       {@code pauseReadsAboveBytes} the connection stops reading until the queue halves.</li>
 *   <li>Buffered input is at most one partial frame, whose payload is allocated as it arrives and
 *       is capped by {@code maxPayloadBytes}; a frame left incomplete for {@code frameTimeout}
 *       closes the connection.</li>
 *   <li>A protocol violation queues one ERROR frame, stops reading, logs one WARN line and closes
 *       the connection once the reply is flushed (or after {@code closeLinger}).</li>
 *   <li>A connection that has had bytes waiting to be written with no progress for
 *       {@code idleTimeout} (a peer that stopped reading, or vanished) is closed.</li>
 *   <li>{@link FrameHandler#onClose} runs exactly once.</li>
 * </ul>
 */
public final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private enum State { NEW, CONNECTING, OPEN, CLOSING, CLOSED }

  private final EventLoop loop;
  private final long id;
  private final InetSocketAddress remote;
  private final ConnectionOptions options;
  private final FrameHandler handler;
  private final boolean outgoing;
  private final FrameDecoder decoder;
  private final ConcurrentLinkedQueue<ByteBuffer> outbox = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<ByteBuffer> writing = new ArrayDeque<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private volatile State state = State.NEW;
  private SocketChannel channel;
  private SelectionKey key;
  private Listener listener;
  private long connectStartNanos;
  private long lastReadNanos;
  private long lastWriteProgressNanos;
  private long partialSinceNanos;
  private boolean readsPaused;
  private ByteBuffer pendingInput; // input not yet decoded because reads are paused
  private boolean dirty;
  private Object attachment;
  private Timer lingerTimer;

  Connection(EventLoop loop, long id, InetSocketAddress remote, ConnectionOptions options,
      FrameHandler handler, boolean outgoing) {
    this.loop = loop;
    this.id = id;
    this.remote = remote;
    this.options = options;
    this.handler = handler;
    this.outgoing = outgoing;
    this.decoder = new FrameDecoder(options.maxPayloadBytes());
  }

  /** Process-unique id, for logs. */
  public long id() { return id; }

  public InetSocketAddress remoteAddress() { return remote; }

  /** True for connections this side opened with {@link EventLoop#connect}. */
  public boolean isOutgoing() { return outgoing; }

  /** True until the connection starts closing (including while an outgoing connect is pending). */
  public boolean isOpen() {
    State s = state;
    return s == State.NEW || s == State.CONNECTING || s == State.OPEN;
  }

  /** True once connected and not closing. */
  public boolean isEstablished() { return state == State.OPEN; }

  /** Bytes accepted by {@link #send} but not yet written to the socket. */
  public long queuedBytes() { return queuedBytes.get(); }

  /** Whatever the handler wants to remember about this connection (loop thread only). */
  public Object attachment() { return attachment; }

  public void attach(Object o) { attachment = o; }

  public EventLoop loop() { return loop; }

  /**
   * Queues {@code frame} for writing. Never blocks; safe from any thread. Returns false — the frame
   * is dropped — if the connection is closing or closed, or if the write queue would exceed its
   * limit (the peer is not reading fast enough).
   */
  public boolean send(Frame frame) {
    if (!isOpen()) return false;
    ByteBuffer bytes = FrameEncoder.encode(frame);
    long size = bytes.remaining();
    long after = queuedBytes.addAndGet(size);
    if (after > options.writeQueueLimitBytes() && after != size) {
      queuedBytes.addAndGet(-size);
      return false;
    }
    outbox.add(bytes);
    requestFlush();
    return true;
  }

  /** Closes at once, dropping queued writes. Safe from any thread. */
  public void close() {
    onLoop(() -> closeNow(null));
  }

  /** Stops reading and closes once everything queued so far is written. Safe from any thread. */
  public void closeAfterFlush() {
    onLoop(() -> {
      if (state == State.OPEN) {
        state = State.CLOSING;
        setInterest(0);
        armLinger();
        flush();
      } else if (state == State.NEW || state == State.CONNECTING) {
        closeNow(null);
      }
    });
  }

  /**
   * Rejects a protocol violation found by the handler (e.g. a payload that does not parse): replies
   * with an ERROR frame, logs one line and closes. Loop thread only.
   */
  public void failProtocol(FrameException e) {
    if (state != State.OPEN) return;
    log.warn("closing {}: protocol error: {} ({})", this, e.getMessage(), e.status());
    Frame reply = MessageCodec.encode(e.requestId(), ProtocolError.of(e));
    ByteBuffer bytes = FrameEncoder.encode(reply);
    queuedBytes.addAndGet(bytes.remaining());
    outbox.add(bytes);
    state = State.CLOSING;
    setInterest(0);
    armLinger();
    flush();
  }

  // ---- loop thread ----

  void attachListener(Listener l) {
    listener = l;
    l.track(this);
  }

  void connecting(SocketChannel ch, SelectionKey k, long now) {
    channel = ch;
    key = k;
    connectStartNanos = now;
    if (state == State.NEW) state = State.CONNECTING;
  }

  void opened(SocketChannel ch, SelectionKey k) {
    channel = ch;
    key = k;
    if (state != State.NEW && state != State.CONNECTING) { // closed while connecting
      closeNow(null);
      return;
    }
    state = State.OPEN;
    lastReadNanos = loop.nanoTime();
    setInterest(SelectionKey.OP_READ);
    try {
      handler.onOpen(this);
    } catch (RuntimeException e) {
      log.error("handler failed in onOpen for {}; closing it", this, e);
      closeNow(e);
      return;
    }
    flush();
  }

  void onReady(SelectionKey k) {
    try {
      if (k.isConnectable()) {
        if (channel.finishConnect()) opened(channel, k);
        return;
      }
      if (k.isWritable()) flush();
      if (k.isValid() && k.isReadable() && state == State.OPEN) readReady();
    } catch (IOException e) {
      closeNow(e);
    }
  }

  private void readReady() throws IOException {
    ByteBuffer buf = loop.readBuffer();
    for (int i = 0; i < 16 && state == State.OPEN && !inputBlocked(); i++) {
      buf.clear();
      int n = channel.read(buf);
      if (n == 0) return;
      if (n < 0) {
        endOfStream();
        return;
      }
      lastReadNanos = loop.nanoTime();
      buf.flip();
      processInput(buf);
      if (n < buf.capacity()) return;
    }
  }

  /**
   * Decodes and delivers frames from {@code buf} one at a time. If the write queue rises above
   * {@code pauseReadsAboveBytes} between two frames, stops: the undelivered bytes are kept, reading
   * is paused, and {@link #flush} resumes once the queue has halved.
   */
  private void processInput(ByteBuffer buf) {
    while (buf.hasRemaining() && state == State.OPEN) {
      if (queuedBytes.get() > options.pauseReadsAboveBytes()) {
        readsPaused = true;
        pendingInput = ByteBuffer.allocate(buf.remaining()).put(buf).flip();
        setInterest(SelectionKey.OP_WRITE);
        return;
      }
      boolean wasPartial = decoder.hasPartialFrame();
      Frame f;
      try {
        f = decoder.next(buf);
      } catch (FrameException e) {
        failProtocol(e);
        return;
      }
      if (f == null) {
        if (!wasPartial && decoder.hasPartialFrame()) partialSinceNanos = loop.nanoTime();
        return;
      }
      partialSinceNanos = 0;
      try {
        handler.onFrame(this, f);
      } catch (RuntimeException e) {
        log.error("handler failed on a {} frame from {}; closing it", f.type(), this, e);
        closeNow(e);
        return;
      }
    }
  }

  private void resumeInput() {
    ByteBuffer in = pendingInput;
    pendingInput = null;
    if (in != null) processInput(in);
    if (state == State.OPEN && !inputBlocked()) flush();
  }

  private void endOfStream() {
    try {
      decoder.endOfStream();
    } catch (FrameException e) {
      failProtocol(e);
      return;
    }
    log.debug("{} closed by the peer", this);
    closeAfterFlush();
  }

  void flush() {
    dirty = false;
    flushScheduled.set(false);
    if (state == State.CLOSED || state == State.NEW || state == State.CONNECTING) return;
    ByteBuffer b;
    if (writing.isEmpty()) lastWriteProgressNanos = loop.nanoTime(); // a new backlog starts now
    while ((b = outbox.poll()) != null) writing.add(b);
    try {
      while (!writing.isEmpty()) {
        ByteBuffer[] batch = new ByteBuffer[Math.min(writing.size(), 64)];
        int i = 0;
        for (ByteBuffer x : writing) {
          if (i == batch.length) break;
          batch[i++] = x;
        }
        long written = channel.write(batch);
        queuedBytes.addAndGet(-written);
        if (written > 0) lastWriteProgressNanos = loop.nanoTime();
        while (!writing.isEmpty() && !writing.peekFirst().hasRemaining()) writing.pollFirst();
        if (written == 0 || (!writing.isEmpty() && writing.peekFirst().hasRemaining())) break;
      }
    } catch (IOException e) {
      closeNow(e);
      return;
    }
    boolean pending = !writing.isEmpty();
    if (state == State.CLOSING) {
      if (pending) {
        setInterest(SelectionKey.OP_WRITE);
      } else {
        closeNow(null);
      }
      return;
    }
    if (readsPaused && queuedBytes.get() <= options.pauseReadsAboveBytes() / 2) {
      readsPaused = false;
      if (pendingInput != null) {
        setInterest(pending ? SelectionKey.OP_WRITE : 0);
        loop.execute(this::resumeInput); // not re-entrantly: it calls the handler
        return;
      }
    }
    if (!readsPaused && queuedBytes.get() > options.pauseReadsAboveBytes()) readsPaused = true;
    setInterest((inputBlocked() ? 0 : SelectionKey.OP_READ) | (pending ? SelectionKey.OP_WRITE : 0));
  }

  /** No reading while paused, nor while kept input awaits decoding (that would reorder frames). */
  private boolean inputBlocked() {
    return readsPaused || pendingInput != null;
  }

  void checkTimeouts(long now) {
    if (state == State.CONNECTING) {
      long waited = now - connectStartNanos;
      if (!options.connectTimeout().isZero() && waited > options.connectTimeout().toNanos()) {
        closeNow(new IOException("connect to " + remote + " timed out after "
            + TimeUnit.NANOSECONDS.toMillis(waited) + " ms"));
      }
      return;
    }
    if (state != State.OPEN && state != State.CLOSING) return;
    if (!writing.isEmpty() && !options.idleTimeout().isZero()
        && now - lastWriteProgressNanos > options.idleTimeout().toNanos()) {
      log.warn("closing {}: the peer has not accepted a byte for {} ms ({} bytes waiting to be written;"
          + " a half-open connection or a peer that stopped reading)", this,
          TimeUnit.NANOSECONDS.toMillis(now - lastWriteProgressNanos), queuedBytes.get());
      closeNow(new IOException("write stalled"));
      return;
    }
    if (state != State.OPEN) return;
    long idle = now - lastReadNanos;
    if (!options.idleTimeout().isZero() && idle > options.idleTimeout().toNanos() && !readsPaused) {
      log.warn("closing {}: nothing received for {} ms (idle timeout {} ms; a half-open connection"
          + " or a silent peer — clients keep idle connections alive with PING)", this,
          TimeUnit.NANOSECONDS.toMillis(idle), options.idleTimeout().toMillis());
      closeNow(new IOException("idle timeout"));
      return;
    }
    if (partialSinceNanos != 0 && !options.frameTimeout().isZero()
        && now - partialSinceNanos > options.frameTimeout().toNanos() && !readsPaused) {
      log.warn("closing {}: slow sender, a frame is still incomplete after {} ms ({} bytes so far;"
          + " frame timeout {} ms)", this, TimeUnit.NANOSECONDS.toMillis(now - partialSinceNanos),
          decoder.partialFrameBytes(), options.frameTimeout().toMillis());
      closeNow(new IOException("frame timeout"));
    }
  }

  /** Closes the socket and notifies the handler once. */
  void closeNow(Throwable cause) {
    if (state == State.CLOSED) return;
    state = State.CLOSED;
    if (lingerTimer != null) lingerTimer.cancel();
    if (key != null) key.cancel();
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing {}: {}", this, e.toString());
      }
    }
    outbox.clear();
    writing.clear();
    pendingInput = null;
    queuedBytes.set(0);
    loop.forget(this);
    if (listener != null) listener.untrack(this);
    try {
      handler.onClose(this, cause);
    } catch (RuntimeException e) {
      log.error("handler failed in onClose for {}", this, e);
    }
  }

  private void armLinger() {
    if (lingerTimer == null) {
      lingerTimer = loop.schedule(options.closeLinger(), () -> closeNow(null));
    }
  }

  private void requestFlush() {
    if (loop.inLoop()) {
      if (!dirty) {
        dirty = true;
        loop.markDirty(this);
      }
    } else if (flushScheduled.compareAndSet(false, true)) {
      if (!loop.execute(this::flush)) flushScheduled.set(false);
    }
  }

  private void setInterest(int ops) {
    if (key != null && key.isValid()) key.interestOps(ops);
  }

  private void onLoop(Runnable r) {
    if (loop.inLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  @Override
  public String toString() {
    return "connection #" + id + (outgoing ? " to " : " from ") + remote;
  }
}
