package io.shardkv.server.process;

import io.shardkv.server.net.EventLoop;
import io.shardkv.server.raft.RaftStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The one flusher thread of a server process. Replicas hand it a sealed {@link RaftStorage.FlushBatch}
 * on the loop thread ({@link #request}); every replica that asks during one loop turn joins the same
 * pass, which runs on the flusher thread and syncs each of their batches, then reports back on the loop: each
 * replica's host gets exactly one {@code onStorageFlushed} (or {@code onStorageFailed}) per request,
 * as the host's flush API promises (docs/replica-host.md). So several groups written in the same turn
 * cost one hand-off to the flusher and one back, not one per group.
 *
 * <p>Invariant (persist before you speak): a replica hears {@code onStorageFlushed} only after its own
 * storage's flush returned; a failing storage fails only its own replica.
 */
final class GroupFlusher implements AutoCloseable {
  private final EventLoop loop;
  private final BooleanSupplier closed;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "flusher");
    t.setDaemon(true);
    return t;
  });
  /** A replica and the batch it sealed. */
  private record Request(HostedReplica replica, RaftStorage.FlushBatch batch) {}

  /** Replicas that asked since the last pass was submitted (loop thread only). */
  private final List<Request> waiting = new ArrayList<>();
  private boolean submitScheduled;

  /** Storage fsyncs, their total and longest duration (nanoseconds), and flush passes. */
  final AtomicLong fsyncs = new AtomicLong();
  final AtomicLong fsyncNanos = new AtomicLong();
  final AtomicLong fsyncMaxNanos = new AtomicLong();
  /** Each fsync's duration, as a Prometheus histogram ({@code shardkv_fsync_seconds} on /metrics). */
  final LatencyHistogram fsyncLatency = new LatencyHistogram();
  final AtomicLong passes = new AtomicLong();

  GroupFlusher(EventLoop loop, BooleanSupplier closed) {
    this.loop = loop;
    this.closed = closed;
  }

  /**
   * Loop thread: {@code replica} wants {@code batch} (the storage calls it sealed) made durable. The
   * pass is submitted by a task queued behind this turn's input, so the other replicas that ask in the
   * same turn join it. A replica has at most one batch outstanding (the Ready driver's rule).
   */
  void request(HostedReplica replica, RaftStorage.FlushBatch batch) {
    waiting.add(new Request(replica, batch));
    if (!submitScheduled) {
      submitScheduled = true;
      loop.execute(this::submit);
    }
  }

  private void submit() {
    submitScheduled = false;
    if (waiting.isEmpty()) return;
    List<Request> batch = List.copyOf(waiting);
    waiting.clear();
    try {
      thread.execute(() -> pass(batch));
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      // The process is closing: nothing more is flushed, so nothing more is acknowledged.
    }
  }

  /** Flusher thread: sync each replica's batch, then report every outcome on the loop. */
  private void pass(List<Request> batch) {
    Throwable[] failed = new Throwable[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      try {
        long t0 = System.nanoTime();
        batch.get(i).batch().sync();
        long took = System.nanoTime() - t0;
        fsyncs.incrementAndGet();
        fsyncNanos.addAndGet(took);
        fsyncMaxNanos.accumulateAndGet(took, Math::max);
        fsyncLatency.observeNanos(took);
      } catch (Throwable t) {
        failed[i] = t;
      }
    }
    passes.incrementAndGet();
    loop.execute(() -> {
      for (int i = 0; i < batch.size(); i++) {
        HostedReplica r = batch.get(i).replica();
        if (failed[i] != null) {
          r.host().onStorageFailed(failed[i]);
        } else if (!closed.getAsBoolean()) {
          r.host().onStorageFlushed();
        }
      }
    });
  }

  /**
   * Loop thread: runs {@code task} on the flusher thread after every pass already asked for in this
   * loop turn (a retired replica's storage closes only when no pass still syncs it).
   */
  java.util.concurrent.CompletableFuture<Void> afterPasses(Runnable task) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    loop.execute(() -> {
      try {
        thread.execute(() -> {
          try {
            task.run();
            done.complete(null);
          } catch (Throwable t) {
            done.completeExceptionally(t);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        done.completeExceptionally(stopping);
      }
    });
    return done;
  }

  /** Lets the pass in progress finish (up to 5 s); later requests are not flushed. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
