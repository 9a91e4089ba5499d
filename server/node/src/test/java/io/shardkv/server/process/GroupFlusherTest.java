package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.net.EventLoop;
import io.shardkv.server.raft.RaftStorage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The process's one flusher (issue 13): the requests of one loop turn share one pass, every waiter
 * hears exactly one outcome on the loop, and a failing batch fails only its own waiter.
 */
class GroupFlusherTest {
  private final EventLoop loop = startLoop();
  private final GroupFlusher flusher = new GroupFlusher(loop, () -> false);

  private static EventLoop startLoop() {
    try {
      return EventLoop.start("flusher-test");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void close() {
    flusher.close();
    loop.close();
  }

  /** Records its outcomes and the thread they arrived on. */
  private final class Recorder implements GroupFlusher.Waiter {
    final List<String> outcomes = new CopyOnWriteArrayList<>();
    final CountDownLatch done = new CountDownLatch(1);

    @Override
    public void flushed() {
      outcomes.add(loop.inLoop() ? "flushed" : "flushed off the loop");
      done.countDown();
    }

    @Override
    public void failed(Throwable cause) {
      outcomes.add((loop.inLoop() ? "failed: " : "failed off the loop: ") + cause.getMessage());
      done.countDown();
    }
  }

  /** Runs {@code r} as its own loop turn and waits for it. */
  private void onLoop(Runnable r) throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    loop.execute(() -> {
      r.run();
      ran.countDown();
    });
    assertTrue(ran.await(5, TimeUnit.SECONDS));
    // let the turn's submit task (queued behind this one) hand the request over before the next turn
    CountDownLatch next = new CountDownLatch(1);
    loop.execute(next::countDown);
    assertTrue(next.await(5, TimeUnit.SECONDS));
  }

  @Test
  void aFailingBatchFailsOnlyItsWaiterAndTheOthersOfThePassAreFlushed() throws Exception {
    RuntimeException disk = new RuntimeException("EIO on group 2");
    Recorder ok1 = new Recorder();
    Recorder bad = new Recorder();
    Recorder ok2 = new Recorder();
    onLoop(() -> { // one turn: one pass of three batches
      flusher.request(ok1, () -> { });
      flusher.request(bad, () -> {
        throw disk;
      });
      flusher.request(ok2, () -> { });
    });
    for (Recorder r : List.of(ok1, bad, ok2)) assertTrue(r.done.await(5, TimeUnit.SECONDS));
    assertEquals(List.of("flushed"), ok1.outcomes);
    assertEquals(List.of("failed: EIO on group 2"), bad.outcomes);
    assertEquals(List.of("flushed"), ok2.outcomes);
    awaitPasses(1);
    assertEquals(1, flusher.passes.get(), "one pass covered the three batches");
  }

  private void awaitPasses(long n) throws InterruptedException {
    for (int i = 0; i < 250 && flusher.passes.get() < n; i++) Thread.sleep(20);
  }
}
