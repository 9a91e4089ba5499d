package io.shardkv.server.process;

import io.shardkv.server.net.EventLoop;
import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.storage.CommitJournal;
import io.shardkv.server.storage.FileRaftStorage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one flusher thread of a server process. Replicas hand it a sealed {@link RaftStorage.FlushBatch}
 * on the loop thread ({@link #request}); every replica that asks during one loop turn joins the same
 * pass, which runs on the flusher thread and syncs each of their batches, then reports back on the loop: each
 * replica's host gets exactly one {@code onStorageFlushed} (or {@code onStorageFailed}) per request,
 * as the host's flush API promises (docs/replica-host.md). So several groups written in the same turn
 * cost one hand-off to the flusher and one back, not one per group.
 *
 * <p>Without a journal (node format, or {@code -Dshardkv.commitJournal=false}): each group's batch
 * is synced by its own fdatasync, the batches of one pass <em>in parallel</em> (the flusher syncs
 * one, helper threads the others), so concurrent fsyncs share the file system's journal commit.
 *
 * <p>With a {@link CommitJournal} (servers of a server-format config, issue 13): the batches of a
 * pass are written one after the other on the flusher thread, each recorded in the process's
 * journal, and <em>one</em> journal fdatasync makes all of them durable — one fsync and no helper
 * threads per pass, however many groups it covers ({@code scripts/cpu-per-op} measured the parallel
 * per-group fsyncs at about a fifth of the servers' CPU per operation with 3 groups, and the helper
 * hand-offs at a third of their context switches). When the journal outgrows
 * {@link CommitJournal#CHECKPOINT_BYTES}, a pass forces every hosted group's open segment and
 * empties it. A pass of a single batch skips the journal: that batch forces its own segment.
 *
 * <p>Invariant (persist before you speak): a replica hears {@code onStorageFlushed} only after its own
 * storage's flush returned (journaled: after its batch was written and the journal forced); a failing
 * storage fails only its own replica; a failing journal fails every replica of the pass.
 */
final class GroupFlusher implements AutoCloseable {
  private final EventLoop loop;
  private final BooleanSupplier closed;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "flusher");
    t.setDaemon(true);
    return t;
  });
  /** Syncs the second and later batches of a pass, in parallel with the flusher's own. */
  private final ExecutorService helpers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "flusher-helper");
    t.setDaemon(true);
    return t;
  });
  /**
   * Who waits for a batch: told exactly once, on the loop thread, that it is durable or that its
   * sync failed. A hosted replica's host ({@code HostedReplica}'s one waiter, made once, not per batch).
   */
  interface Waiter {
    void flushed();

    void failed(Throwable cause);
  }

  /** A waiter and the batch it sealed. */
  private record Request(Waiter waiter, RaftStorage.FlushBatch batch) {}

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
  /** Replicas' batches the passes covered (batches / passes: groups per pass). */
  final AtomicLong batches = new AtomicLong();

  /** The process's commit journal, or null (each batch forces its own log, in parallel). */
  private final CommitJournal journal;
  /** The journaled storages a checkpoint forces (the hosted replicas'; read on the flusher thread). */
  private final Supplier<Collection<FileRaftStorage>> journaled;

  GroupFlusher(EventLoop loop, BooleanSupplier closed) {
    this(loop, closed, null, List::of);
  }

  GroupFlusher(EventLoop loop, BooleanSupplier closed, CommitJournal journal,
      Supplier<Collection<FileRaftStorage>> journaled) {
    this.loop = loop;
    this.closed = closed;
    this.journal = journal;
    this.journaled = journaled;
  }

  /** The process's commit journal, or null. */
  CommitJournal journal() {
    return journal;
  }

  /**
   * Loop thread: {@code waiter} wants {@code batch} (the storage calls it sealed) made durable. The
   * pass is submitted by a task queued behind this turn's input, so the other replicas that ask in the
   * same turn join it. A replica has at most one batch outstanding (the Ready driver's rule).
   */
  void request(Waiter waiter, RaftStorage.FlushBatch batch) {
    waiting.add(new Request(waiter, batch));
    if (!submitScheduled) {
      submitScheduled = true;
      loop.execute(this::submit);
    }
  }

  /*
   * One pass per loop turn. Tried (branch perf3, issue 13): letting every turn's requests made while a
   * pass syncs share the next pass (fewer, larger journaled passes: 0.110 vs 0.118 fsyncs per op with
   * 3 groups); throughput with 3 groups came out lower in 2 of 2 alternated runs (4,275 / 4,965 vs
   * 7,799 / 6,963 ops/s at load ~14), so it was not kept.
   */
  private void submit() {
    submitScheduled = false;
    if (waiting.isEmpty()) return;
    List<Request> batch = List.copyOf(waiting);
    waiting.clear();
    try {
      thread.execute(() -> pass(batch));
    } catch (RejectedExecutionException stopping) {
      // The process is closing: nothing more is flushed, so nothing more is acknowledged.
    }
  }

  /** Flusher thread: sync every replica's batch (in parallel), then report every outcome on the loop. */
  private void pass(List<Request> batch) {
    Throwable[] failed = new Throwable[batch.size()];
    if (journal != null) {
      journaledPass(batch, failed);
      return;
    }
    List<Future<?>> others = new ArrayList<>();
    for (int i = 1; i < batch.size(); i++) {
      int k = i;
      try {
        others.add(helpers.submit(() -> sync(batch.get(k), k, failed)));
      } catch (RejectedExecutionException stopping) {
        sync(batch.get(k), k, failed); // closing: sync here rather than lose the batch
      }
    }
    sync(batch.get(0), 0, failed);
    for (Future<?> f : others) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // closing: report nothing (no acknowledgement without a completed sync)
      } catch (ExecutionException e) {
        throw new IllegalStateException("sync helper failed outside a batch's sync", e.getCause());
      }
    }
    report(batch, failed);
  }

  /**
   * Flusher thread, journaled: write every batch (recorded in the journal), then one journal
   * fdatasync covers them all; a failed journal force fails every replica whose batch it was to cover.
   */
  private void journaledPass(List<Request> batch, Throwable[] failed) {
    // One batch: it forces its own segment (one fsync either way, without the journal's second write).
    boolean direct = batch.size() == 1;
    journal.directPass(direct);
    if (direct) {
      sync(batch.get(0), 0, failed);
    } else {
      for (int i = 0; i < batch.size(); i++) {
        try {
          batch.get(i).batch().sync();
        } catch (Throwable t) {
          failed[i] = t;
        }
      }
    }
    try {
      long t0 = System.nanoTime();
      if (!direct) {
        journal.force();
        observe(System.nanoTime() - t0);
      }
      if (journal.wantsCheckpoint()) checkpoint();
    } catch (Throwable t) {
      for (int i = 0; i < failed.length; i++) {
        if (failed[i] == null) failed[i] = t;
      }
    }
    report(batch, failed);
  }

  /**
   * Flusher thread: forces every journaled storage's open segment, then empties the journal. A
   * storage that cannot force is failed (its replica stops at its next batch) and the journal kept.
   */
  private void checkpoint() throws java.io.IOException {
    boolean all = true;
    for (FileRaftStorage s : journaled.get()) {
      try {
        s.forceForCheckpoint();
      } catch (RuntimeException e) {
        all = false;
      }
    }
    if (all) journal.checkpoint();
  }

  /** Every outcome of a pass, on the loop: each replica hears exactly one of flushed / failed. */
  private void report(List<Request> batch, Throwable[] failed) {
    passes.incrementAndGet();
    batches.addAndGet(batch.size());
    loop.execute(() -> {
      for (int i = 0; i < batch.size(); i++) {
        Waiter w = batch.get(i).waiter();
        if (failed[i] != null) {
          w.failed(failed[i]);
        } else if (!closed.getAsBoolean()) {
          w.flushed();
        }
      }
    });
  }

  /** One batch's sync, timed; a failure is recorded for its replica only (thread-confined slot). */
  private void sync(Request r, int slot, Throwable[] failed) {
    try {
      long t0 = System.nanoTime();
      r.batch().sync();
      observe(System.nanoTime() - t0);
    } catch (Throwable t) {
      failed[slot] = t;
    }
  }

  private void observe(long took) {
    fsyncs.incrementAndGet();
    fsyncNanos.addAndGet(took);
    fsyncMaxNanos.accumulateAndGet(took, Math::max);
    fsyncLatency.observeNanos(took);
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
    helpers.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
