package io.shardkv.driver.protocol;

import io.shardkv.driver.routing.Status;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pipelined client connection to one server: many requests in flight, each answered by request id
 * in whatever order the server replies.
 *
 * <ul>
 *   <li>{@link #sendAsync} writes the request and returns a future completed with the
 *       {@link Response}, or exceptionally with a {@link CallFailedException} saying whether the
 *       request certainly did not happen (definite) or may have (indefinite: timeout, lost
 *       connection). {@link #call} is its blocking form.</li>
 *   <li>Connecting is on demand: the first call, and the first call after the connection broke,
 *       opens a new socket (blocking the caller up to {@link Options#connectTimeout}).</li>
 *   <li>Each session has one daemon reader thread; concurrent writes are coalesced (one flush for
 *       all frames queued meanwhile). A late reply to a timed-out call is ignored.</li>
 * </ul>
 * Thread-safe.
 */
public final class ClientConnection implements AutoCloseable {

  /**
   * Connection settings. {@code keepAlive}: when nothing was written for this long, send a PING, so
   * that the server's idle timeout (60 s by default) does not close a connection a call is about to
   * use — which would turn that call's outcome indefinite. {@link Duration#ZERO} disables.
   */
  public record Options(Duration connectTimeout, int maxPayloadBytes, Duration keepAlive) {
    public static final Options DEFAULT =
        new Options(Duration.ofSeconds(2), Wire.DEFAULT_MAX_PAYLOAD_BYTES, Duration.ofSeconds(15));
  }

  /** Request id of keep-alive PINGs; calls use ids from 1 up, so replies to it match no call. */
  private static final long KEEPALIVE_ID = 0;

  /**
   * Sessions whose calls' deadlines and keep-alives the sweeper checks. One shared sweeper tick
   * (every {@value #SWEEP_MILLIS} ms) instead of a timer per call: no lock, no wake-up, no
   * cancellation per call, at the price of timeouts firing up to one tick late.
   */
  private static final Set<Session> LIVE = ConcurrentHashMap.newKeySet();
  private static final long SWEEP_MILLIS = 10;

  static {
    Thread sweeper = new Thread(ClientConnection::sweepForever, "shardkv-client-timeouts");
    sweeper.setDaemon(true);
    sweeper.start();
  }

  private final InetSocketAddress address;
  private final Options options;
  private final AtomicLong nextRequestId = new AtomicLong(1);
  private final Object connectLock = new Object();
  private volatile Session session;
  private volatile boolean closed;
  private final AtomicLong sessionsOpened = new AtomicLong();

  public ClientConnection(InetSocketAddress address, Options options) {
    this.address = address;
    this.options = options;
  }

  public ClientConnection(InetSocketAddress address) {
    this(address, Options.DEFAULT);
  }

  public InetSocketAddress address() { return address; }

  /** Sockets opened so far (1 + reconnects), a diagnostic. */
  public long sessionsOpened() {
    return sessionsOpened.get();
  }

  /** True if a session is currently open (it may still break at any moment). */
  public boolean isConnected() {
    Session s = session;
    return s != null && !s.dead;
  }

  /**
   * Sends {@code request} and returns its future reply. The future fails with
   * {@link CallFailedException}: TIMEOUT (indefinite) if no reply within {@code timeout},
   * CONNECTION_LOST (indefinite) if the connection breaks first, CONNECT_FAILED / CLOSED (definite)
   * if the request was never written.
   */
  public CompletableFuture<Response> sendAsync(Request request, Duration timeout) {
    if (!request.frameType().expectsReply()) {
      throw new IllegalArgumentException(request.frameType() + " is one-way; use a peer link");
    }
    CompletableFuture<Response> future = new CompletableFuture<>();
    Session s;
    try {
      s = ensureSession();
    } catch (CallFailedException e) {
      future.completeExceptionally(e);
      return future;
    }
    long id = nextRequestId.getAndIncrement();
    s.pending.put(id, new Call(future, System.nanoTime() + timeout.toNanos(), request.frameType(), timeout));
    s.write(id, MessageCodec.encode(id, request));
    return future;
  }

  /** Blocking form of {@link #sendAsync}. */
  public Response call(Request request, Duration timeout) throws CallFailedException, InterruptedException {
    try {
      return sendAsync(request, timeout).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CallFailedException c) throw c;
      throw new IllegalStateException("unexpected failure of a call", e.getCause());
    }
  }

  /** Closes the connection; in-flight calls fail with CONNECTION_LOST (indefinite). */
  @Override
  public void close() {
    closed = true;
    Session s = session;
    if (s != null) s.fail(new CallFailedException(CallFailedException.Kind.CONNECTION_LOST,
        "connection to " + address + " closed by the client with requests in flight", null));
  }

  private Session ensureSession() throws CallFailedException {
    Session s = session;
    if (s != null && !s.dead) return s;
    synchronized (connectLock) {
      if (closed) {
        throw new CallFailedException(CallFailedException.Kind.CLOSED, "connection to " + address + " is closed", null);
      }
      s = session;
      if (s != null && !s.dead) return s;
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.connect(address, (int) options.connectTimeout().toMillis());
      } catch (IOException e) {
        closeQuietly(socket);
        throw new CallFailedException(CallFailedException.Kind.CONNECT_FAILED,
            "cannot connect to " + address + ": " + e.getMessage(), e);
      }
      try {
        s = new Session(socket);
      } catch (IOException e) {
        closeQuietly(socket);
        throw new CallFailedException(CallFailedException.Kind.CONNECT_FAILED,
            "cannot open streams to " + address + ": " + e.getMessage(), e);
      }
      session = s;
      sessionsOpened.incrementAndGet();
      LIVE.add(s);
      s.reader.start();
      return s;
    }
  }

  /** One TCP connection: its in-flight calls and its reader thread. */
  private final class Session {
    final Socket socket;
    final OutputStream out;
    final InputStream in;
    final Map<Long, Call> pending = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<byte[]> outQueue = new ConcurrentLinkedQueue<>();
    final ReentrantLock writeLock = new ReentrantLock();
    final Thread reader;
    volatile boolean dead;
    volatile long lastWriteNanos = System.nanoTime();

    Session(Socket socket) throws IOException {
      this.socket = socket;
      this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      this.in = socket.getInputStream();
      this.reader = new Thread(this::readLoop, "shardkv-client-reader-" + address);
      this.reader.setDaemon(true);
    }

    /**
     * Queues the frame and writes it, coalescing with frames other threads queued meanwhile: whoever
     * holds the write lock drains the whole queue with one flush, so concurrent callers share
     * syscalls instead of taking turns.
     */
    void write(long id, Frame frame) {
      outQueue.add(FrameEncoder.toBytes(frame));
      while (!outQueue.isEmpty() && writeLock.tryLock()) {
        try {
          if (dead) throw new IOException("connection already broken");
          byte[] b;
          while ((b = outQueue.poll()) != null) out.write(b);
          out.flush();
          lastWriteNanos = System.nanoTime();
        } catch (IOException e) {
          fail(new CallFailedException(CallFailedException.Kind.CONNECTION_LOST,
              "write to " + address + " failed: " + e.getMessage(), e));
          return;
        } finally {
          writeLock.unlock();
        }
      }
    }

    /** Times out expired calls and sends a keep-alive PING when idle; runs on the sweeper. */
    void sweep(long now) {
      for (Map.Entry<Long, Call> e : pending.entrySet()) {
        Call c = e.getValue();
        if (now - c.deadlineNanos() >= 0 && pending.remove(e.getKey(), c)) {
          c.future().completeExceptionally(new CallFailedException(CallFailedException.Kind.TIMEOUT,
              c.type() + " request " + e.getKey() + " to " + address + " got no reply within "
                  + c.timeout().toMillis() + " ms; it may or may not have taken effect", null));
        }
      }
      long keepAlive = options.keepAlive().toNanos();
      if (keepAlive > 0 && now - lastWriteNanos >= keepAlive) {
        lastWriteNanos = now; // one PING per period even if the write is slow
        write(KEEPALIVE_ID, MessageCodec.encode(KEEPALIVE_ID, new Request.Ping()));
      }
    }

    void readLoop() {
      FrameDecoder decoder = new FrameDecoder(options.maxPayloadBytes());
      byte[] buf = new byte[64 * 1024];
      List<Frame> frames = new ArrayList<>();
      try {
        while (true) {
          int n = in.read(buf);
          if (n < 0) {
            decoder.endOfStream();
            fail(new CallFailedException(CallFailedException.Kind.CONNECTION_LOST,
                "server " + address + " closed the connection with requests in flight", null));
            return;
          }
          frames.clear();
          decoder.feed(ByteBuffer.wrap(buf, 0, n), frames::add);
          for (Frame f : frames) deliver(f);
        }
      } catch (FrameException e) {
        fail(new CallFailedException(CallFailedException.Kind.BAD_RESPONSE,
            "unparseable data from " + address + ": " + e.getMessage(), e));
      } catch (IOException e) {
        fail(new CallFailedException(CallFailedException.Kind.CONNECTION_LOST,
            "connection to " + address + " lost: " + e.getMessage(), e));
      }
    }

    private void deliver(Frame f) throws FrameException {
      Message m = MessageCodec.decode(f);
      Call call = f.requestId() == KEEPALIVE_ID ? null : pending.remove(f.requestId());
      CompletableFuture<Response> future = call == null ? null : call.future();
      if (m instanceof Response r) {
        if (future != null) future.complete(r);
      } else if (m instanceof ProtocolError e) {
        if (future != null) future.completeExceptionally(CallFailedException.protocolError(e));
      } else {
        throw new FrameException(Status.MALFORMED_FRAME, f.requestId(),
            "server sent a " + f.type() + " frame, which is not a reply");
      }
    }

    /** Marks the session dead, closes the socket and fails every pending call with {@code e}. */
    void fail(CallFailedException e) {
      dead = true;
      LIVE.remove(this);
      closeQuietly(socket);
      for (Long id : List.copyOf(pending.keySet())) {
        Call c = pending.remove(id);
        if (c != null) c.future().completeExceptionally(e);
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing useful to do: the socket is being abandoned
    }
  }

  /** A call awaiting its reply. */
  private record Call(CompletableFuture<Response> future, long deadlineNanos, FrameType type, Duration timeout) {}

  private static void sweepForever() {
    while (true) {
      try {
        Thread.sleep(SWEEP_MILLIS);
        long now = System.nanoTime();
        for (Session s : LIVE) s.sweep(now);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // a failing sweep of one session must not stop timeouts for all; the next tick retries
      }
    }
  }
}
