package io.shardkv.server.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread, one NIO selector: accepts, reads, writes and connects for any number of listeners and
 * connections, and runs tasks and timers. Everything a {@link FrameHandler} sees happens on this
 * thread — the real-time counterpart of the simulator's single thread and clock: the server runs its
 * deterministic core here, feeding it frames and timer ticks.
 *
 * <p>Thread-safety: {@link #execute}, {@link #schedule}, {@link #listen}, {@link #connect},
 * {@link #close} and {@link Connection#send} may be called from any thread; everything else of this
 * package is loop-thread only.
 *
 * <p>Timeouts of connections (idle, partial frame, connect) are checked by a sweep every
 * {@code sweepInterval}, so they fire up to one interval late.
 */
public final class EventLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
  private static final AtomicLong CONNECTION_IDS = new AtomicLong();

  private final String name;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** A selector wakeup was requested and the loop has not yet started draining the tasks since. */
  private final java.util.concurrent.atomic.AtomicBoolean wakeupPending = new java.util.concurrent.atomic.AtomicBoolean();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final Set<Connection> connections = new LinkedHashSet<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final List<Connection> dirty = new ArrayList<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
  private final long sweepIntervalNanos;
  private long timerSequence;
  /**
   * Counters for {@code /metrics} (written by the loop thread, or by the waker for {@link #wakeups};
   * read from any thread): loop turns (one selector call each), selector wakeups requested from other
   * threads, and tasks run.
   */
  private final AtomicLong turns = new AtomicLong();
  private final AtomicLong wakeups = new AtomicLong();
  private final AtomicLong tasksRun = new AtomicLong();
  private volatile boolean closing;
  private volatile boolean terminated;

  private EventLoop(String name, Duration sweepInterval) throws IOException {
    this.name = name;
    this.selector = Selector.open();
    this.sweepIntervalNanos = sweepInterval.toNanos();
    this.thread = new Thread(this::run, name);
  }

  /** Starts a loop whose connection timeouts are checked every 100 ms. */
  public static EventLoop start(String name) throws IOException {
    return start(name, Duration.ofMillis(100));
  }

  public static EventLoop start(String name, Duration sweepInterval) throws IOException {
    EventLoop loop = new EventLoop(name, sweepInterval);
    loop.thread.start();
    loop.schedulePeriodic(sweepInterval, loop::sweep);
    return loop;
  }

  /** True when called on this loop's thread. */
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Monotonic time used for this loop's timers. */
  public long nanoTime() {
    return System.nanoTime();
  }

  /** Runs {@code task} on the loop thread soon. Returns false (task dropped) once the loop is closing. */
  public boolean execute(Runnable task) {
    if (closing) return false;
    tasks.add(task);
    // One wakeup per loop turn is enough: the flag is cleared before the loop drains the tasks.
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
      wakeups.incrementAndGet();
      selector.wakeup();
    }
    return true;
  }

  /** Runs {@code task} once on the loop thread after {@code delay}. */
  public Timer schedule(Duration delay, Runnable task) {
    Timer t = new Timer(nanoTime() + Math.max(0, delay.toNanos()), 0, task);
    if (inLoop()) {
      addTimer(t);
    } else {
      execute(() -> addTimer(t));
    }
    return t;
  }

  /** Runs {@code task} on the loop thread every {@code period} (measured from the end of the
   * previous run) until {@link Timer#cancel} is called on the returned handle. */
  public Timer schedulePeriodic(Duration period, Runnable task) {
    Timer[] handle = new Timer[1];
    Runnable[] self = new Runnable[1];
    self[0] = () -> {
      if (handle[0].isCancelled()) return;
      try {
        task.run();
      } finally { // a failing run (logged by the loop) does not end the series
        addTimer(new Timer(nanoTime() + period.toNanos(), 0, self[0]));
      }
    };
    handle[0] = schedule(period, self[0]);
    return handle[0];
  }

  /**
   * Binds a listening socket now (so a bad address fails here) and starts accepting on the loop.
   * Accepted connections get {@code handler} and {@code options}.
   */
  public Listener listen(InetSocketAddress address, ConnectionOptions options, FrameHandler handler,
      int maxConnections) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, 1024);
      server.configureBlocking(false);
    } catch (IOException e) {
      server.close();
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    Listener l = new Listener(this, server, options, handler, maxConnections);
    if (!execute(() -> registerListener(l))) {
      server.close();
      throw new IOException("event loop " + name + " is closed");
    }
    return l;
  }

  /**
   * Opens an outgoing connection. Returns at once; {@code handler.onOpen} runs when connected, or
   * {@code handler.onClose} with the cause if connecting fails or times out. Frames sent before
   * the connection opens are queued. If the loop is already closed, {@code onClose} runs at once on
   * the calling thread.
   */
  public Connection connect(InetSocketAddress address, ConnectionOptions options, FrameHandler handler) {
    Connection c = new Connection(this, CONNECTION_IDS.incrementAndGet(), address, options, handler, true);
    if (!execute(() -> startConnect(c, address))) {
      c.closeNow(new IOException("event loop " + name + " is closed"));
    }
    return c;
  }

  /** Loop turns so far (one selector call each; any thread). */
  public long turns() {
    return turns.get();
  }

  /** Selector wakeups other threads requested so far (one per turn at most; any thread). */
  public long wakeups() {
    return wakeups.get();
  }

  /** Tasks run so far ({@link #execute}; any thread). */
  public long tasksRun() {
    return tasksRun.get();
  }

  /** Number of open connections (loop thread only; a diagnostic). */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * Stops accepting, lets each connection flush what it queued (up to {@code grace}), then closes
   * everything and stops the thread. Waits for the thread unless called on it.
   */
  public void close(Duration grace) {
    if (closing) {
      awaitTermination();
      return;
    }
    Runnable begin = () -> beginShutdown(grace);
    tasks.add(begin);
    closing = true;
    selector.wakeup();
    awaitTermination();
  }

  @Override
  public void close() {
    close(Duration.ofMillis(500));
  }

  private void awaitTermination() {
    if (inLoop()) return;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- loop thread ----

  private long shutdownDeadline = Long.MAX_VALUE;

  private void run() {
    try {
      while (!terminated) {
        long timeoutMs = selectTimeoutMillis();
        if (timeoutMs == 0) {
          selector.selectNow();
        } else {
          selector.select(timeoutMs);
        }
        wakeupPending.set(false);
        turns.lazySet(turns.get() + 1); // loop thread only
        processKeys();
        runTasks();
        runTimers();
        flushDirty();
        if (shutdownDeadline != Long.MAX_VALUE
            && (connections.isEmpty() || nanoTime() >= shutdownDeadline)) {
          terminated = true;
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      log.error("event loop {} failed: {}", name, e.toString());
    } catch (RuntimeException | Error e) {
      log.error("event loop {} died on an unexpected exception", name, e);
    } finally {
      finalShutdown();
    }
  }

  private long selectTimeoutMillis() {
    if (!tasks.isEmpty() || !dirty.isEmpty()) return 0;
    long wait = 1000;
    Timer t = timers.peek();
    if (t != null) {
      long ns = t.deadlineNanos - nanoTime();
      if (ns <= 0) return 0;
      wait = Math.min(wait, Math.max(1, (ns + 999_999) / 1_000_000));
    }
    if (shutdownDeadline != Long.MAX_VALUE) wait = Math.min(wait, 10);
    return wait;
  }

  private void processKeys() {
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      Object att = key.attachment();
      if (!key.isValid()) continue;
      try {
        if (att instanceof Listener l) {
          l.acceptReady();
        } else if (att instanceof Connection c) {
          c.onReady(key);
        }
      } catch (RuntimeException e) { // one broken connection must not take the loop down
        log.error("unexpected failure handling {}; closing it", att, e);
        if (att instanceof Connection c) c.closeNow(e);
      }
    }
  }

  private void runTasks() {
    Runnable r;
    int budget = 10_000; // leave room for I/O even if tasks keep coming
    int ran = 0;
    while (budget-- > 0 && (r = tasks.poll()) != null) {
      ran++;
      try {
        r.run();
      } catch (RuntimeException e) {
        log.error("task on event loop {} failed", name, e);
      }
    }
    if (ran > 0) tasksRun.lazySet(tasksRun.get() + ran); // loop thread only
  }

  private void runTimers() {
    long now = nanoTime();
    Timer t;
    while ((t = timers.peek()) != null && t.deadlineNanos <= now) {
      timers.poll();
      if (t.isCancelled()) continue;
      try {
        t.task.run();
      } catch (RuntimeException e) {
        log.error("timer on event loop {} failed", name, e);
      }
    }
  }

  private void flushDirty() {
    for (int i = 0; i < dirty.size(); i++) dirty.get(i).flush();
    dirty.clear();
  }

  private void addTimer(Timer t) {
    timers.add(new Timer(t.deadlineNanos, timerSequence++, () -> {
      if (!t.isCancelled()) t.task.run();
    }));
  }

  private void sweep() {
    long now = nanoTime();
    for (Connection c : List.copyOf(connections)) c.checkTimeouts(now);
  }

  private void registerListener(Listener l) {
    try {
      l.channel().register(selector, SelectionKey.OP_ACCEPT, l);
      listeners.add(l);
    } catch (IOException e) {
      log.error("cannot register listener {}: {}", l.localAddress(), e.toString());
      l.closeChannel();
    }
  }

  void unregisterListener(Listener l) {
    listeners.remove(l);
  }

  /** Called by a listener for each accepted socket. */
  void adopt(SocketChannel ch, Listener l) {
    InetSocketAddress remote = null;
    try {
      remote = (InetSocketAddress) ch.getRemoteAddress();
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Connection c = new Connection(this, CONNECTION_IDS.incrementAndGet(), remote, l.options(), l.handler(), false);
      c.attachListener(l);
      SelectionKey key = ch.register(selector, SelectionKey.OP_READ, c);
      connections.add(c);
      c.opened(ch, key);
    } catch (IOException e) {
      log.warn("dropping accepted connection from {}: {}", remote, e.toString());
      try {
        ch.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  private void startConnect(Connection c, InetSocketAddress address) {
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      connections.add(c);
      if (ch.connect(address)) {
        c.opened(ch, ch.register(selector, SelectionKey.OP_READ, c));
      } else {
        c.connecting(ch, ch.register(selector, SelectionKey.OP_CONNECT, c), nanoTime());
      }
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
      connections.add(c);
      c.closeNow(new IOException("cannot connect to " + address + ": " + e.getMessage(), e));
    }
  }

  void forget(Connection c) {
    connections.remove(c);
  }

  void markDirty(Connection c) {
    dirty.add(c);
  }

  ByteBuffer readBuffer() {
    return readBuffer;
  }

  Selector selector() {
    return selector;
  }

  private void beginShutdown(Duration grace) {
    for (Listener l : List.copyOf(listeners)) { // stop accepting; accepted connections drain below
      l.closeChannel();
      listeners.remove(l);
    }
    for (Connection c : List.copyOf(connections)) c.closeAfterFlush();
    shutdownDeadline = nanoTime() + grace.toNanos();
  }

  private void finalShutdown() {
    closing = true;
    for (Listener l : List.copyOf(listeners)) l.closeChannel();
    for (Connection c : List.copyOf(connections)) {
      c.closeNow(new IOException("event loop " + name + " shut down"));
    }
    try {
      selector.close();
    } catch (IOException e) {
      log.warn("closing the selector of {}: {}", name, e.toString());
    }
    terminated = true;
  }

  @Override
  public String toString() {
    return "EventLoop{" + name + "}";
  }
}
