package io.shardkv.chaos.run;

import io.shardkv.chaos.client.Client;
import io.shardkv.chaos.client.ClientFactory;
import io.shardkv.chaos.gen.Context;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.gen.Step;
import io.shardkv.chaos.history.HistoryWriter;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.nemesis.Nemesis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a generator against the clients and the nemesis (Jepsen's interpreter). One worker thread
 * per client thread and one for the nemesis perform ops; this coordinating thread alone asks the
 * generator and journals the history: an invocation is written before its worker starts it, a
 * completion when the worker hands it back, so the file order is a real-time order consistent with
 * what happened. An op due in the future is waited for, unless a completion arrives first, in which
 * case the (pure) generator is asked again. A client thread whose op ends {@code :info} continues as
 * a new process ({@code old + concurrency}) with a fresh client.
 */
public final class Interpreter {
  private static final Op STOP = Op.invoke("stop", null);

  private record Completion(int thread, Op op) {}

  private final int concurrency;
  private final ClientFactory clients;
  private final Nemesis nemesis;
  private final HistoryWriter history;
  private final Consumer<String> log;
  private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final AtomicBoolean abort = new AtomicBoolean();
  private final long start = System.nanoTime();

  private final TreeMap<Integer, Long> processes = new TreeMap<>();
  private final TreeSet<Integer> free = new TreeSet<>();
  private final Map<Integer, Op> outstanding = new TreeMap<>();
  private long nextIndex;

  public Interpreter(int concurrency, ClientFactory clients, Nemesis nemesis, HistoryWriter history, Consumer<String> log) {
    this.concurrency = concurrency;
    this.clients = clients;
    this.nemesis = nemesis;
    this.history = history;
    this.log = log;
  }

  /** Stops asking the generator; {@link #run} returns once the outstanding ops completed. */
  public void abort() {
    abort.set(true);
  }

  private long now() {
    return System.nanoTime() - start;
  }

  /** Runs {@code gen} to its end; returns the number of history entries written. */
  public long run(Generator gen) throws InterruptedException {
    Context init = Context.initial(concurrency);
    processes.putAll(init.processes());
    free.addAll(init.free());
    Map<Integer, Worker> workers = new TreeMap<>();
    List<Thread> threads = new ArrayList<>();
    for (int t : processes.keySet()) {
      Worker w = new Worker(t);
      workers.put(t, w);
      Thread th = new Thread(w, t == Context.NEMESIS_THREAD ? "chaos-nemesis" : "chaos-client-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    try {
      loop(gen, workers);
    } finally {
      for (Worker w : workers.values()) {
        w.inbox.add(STOP);
      }
      for (Thread th : threads) {
        th.join(10_000);
      }
    }
    return nextIndex;
  }

  private void loop(Generator gen, Map<Integer, Worker> workers) throws InterruptedException {
    while (true) {
      for (Completion c = completions.poll(); c != null; c = completions.poll()) {
        complete(c);
      }
      if (abort.get()) {
        if (outstanding.isEmpty()) {
          log.accept("interpreter: aborted");
          return;
        }
        await(TimeUnit.MILLISECONDS.toNanos(100));
        continue;
      }
      long now = now();
      Step s = gen.next(new Context(now, processes, free));
      switch (s.kind()) {
        case LOG -> {
          log.accept(s.message());
          gen = s.rest();
        }
        case DONE -> {
          if (outstanding.isEmpty()) {
            return;
          }
          await(TimeUnit.MILLISECONDS.toNanos(50));
        }
        case PENDING -> {
          gen = s.rest();
          await(TimeUnit.MILLISECONDS.toNanos(10));
        }
        case OP -> {
          Op op = s.op();
          if (op.time() > now) {
            await(op.time() - now);
            continue;
          }
          gen = s.rest();
          invoke(op, workers);
        }
      }
    }
  }

  private void await(long nanos) throws InterruptedException {
    Completion c = completions.poll(nanos, TimeUnit.NANOSECONDS);
    if (c != null) {
      complete(c);
    }
  }

  private void invoke(Op op, Map<Integer, Worker> workers) {
    Integer thread = null;
    for (Map.Entry<Integer, Long> e : processes.entrySet()) {
      if (e.getValue() == op.process()) {
        thread = e.getKey();
      }
    }
    if (thread == null || !free.contains(thread)) {
      throw new IllegalStateException("the generator emitted " + op + " for a process that is not free");
    }
    Op inv = new Op(op.isNemesis() ? Op.Type.INFO : Op.Type.INVOKE, op.process(), op.f(), op.value(), now(),
        nextIndex++, op.extra());
    history.append(inv);
    free.remove(thread);
    outstanding.put(thread, inv);
    workers.get(thread).inbox.add(inv);
  }

  private void complete(Completion c) {
    Op inv = outstanding.remove(c.thread());
    Op r = c.op();
    Op.Type type = inv.isNemesis() ? Op.Type.INFO
        : r.type() == Op.Type.OK || r.type() == Op.Type.FAIL ? r.type() : Op.Type.INFO;
    Op done = new Op(type, inv.process(), inv.f(), r.value(), now(), nextIndex++, r.extra());
    history.append(done);
    free.add(c.thread());
    if (c.thread() >= 0 && type == Op.Type.INFO) {
      processes.put(c.thread(), processes.get(c.thread()) + concurrency);
    }
  }

  /** Performs the ops of one thread, one at a time. */
  private final class Worker implements Runnable {
    final int thread;
    final BlockingQueue<Op> inbox = new LinkedBlockingQueue<>();
    Client client;
    long clientProcess = Op.UNASSIGNED;

    Worker(int thread) {
      this.thread = thread;
    }

    @Override
    public void run() {
      try {
        while (true) {
          Op op = inbox.take();
          if (op == STOP) {
            return;
          }
          completions.add(new Completion(thread, perform(op)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeClient();
      }
    }

    private Op perform(Op op) {
      if (thread == Context.NEMESIS_THREAD) {
        try {
          return nemesis.invoke(op);
        } catch (RuntimeException e) {
          return op.with("error", e.toString());
        }
      }
      try {
        if (client == null || clientProcess != op.process()) {
          closeClient();
          client = clients.open(op.process());
          clientProcess = op.process();
        }
        Op done = client.invoke(op);
        if (done.type() == Op.Type.INFO) {
          closeClient(); // the process is retired; a fresh one opens its own client
        }
        return done;
      } catch (RuntimeException e) {
        closeClient();
        return op.info("client crashed: " + e);
      }
    }

    private void closeClient() {
      if (client != null) {
        try {
          client.close();
        } catch (RuntimeException e) {
          // closing a session that failed: nothing to keep
        }
        client = null;
      }
    }
  }
}
