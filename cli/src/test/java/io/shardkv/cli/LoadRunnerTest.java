package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The closed-loop load of 'shardkv bench' and 'scripts/bench-etcd' (LoadRunner), against an
 * in-memory store: what is counted, what is in flight, which keys are written.
 */
class LoadRunnerTest {
  private static final String PREFIX = "bench-test-";

  /** An in-memory store whose sessions count their calls. */
  static class Store {
    final Map<String, String> data = new ConcurrentHashMap<>();
    final AtomicLong gets = new AtomicLong();
    final AtomicLong puts = new AtomicLong();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    LoadRunner.Session session() {
      opened.incrementAndGet();
      return new LoadRunner.Session() {
        @Override
        public void get(String key) {
          gets.incrementAndGet();
          data.get(key);
        }

        @Override
        public void put(String key, String value) {
          puts.incrementAndGet();
          data.put(key, value);
        }

        @Override
        public void close() {
          closed.incrementAndGet();
        }
      };
    }
  }

  /** Load options; without a timed warm-up unless {@code args} ask for one (the counts below are exact). */
  private static LoadOptions options(String... args) {
    LoadOptions o = new LoadOptions();
    if (!java.util.Arrays.asList(args).contains("--warmup")) {
      String[] withWarmup = java.util.Arrays.copyOf(args, args.length + 2);
      withWarmup[args.length] = "--warmup";
      withWarmup[args.length + 1] = "0";
      args = withWarmup;
    }
    new CommandLine(o).parseArgs(args);
    assertTrue(o.valid(), String.join(" ", args));
    return o;
  }

  @Test
  void withOpsExactlyThatManyOperationsRunAndEveryOneIsCountedAndRecorded() throws Exception {
    Store store = new Store();
    LoadRunner runner = new LoadRunner("test", options("--ops", "500", "--keys", "50", "--read-ratio", "0.5"), PREFIX);
    BenchFigures f = runner.run("Custom (4 clients)", 4, store::session);
    assertEquals(500, f.ops());
    assertEquals(0, f.errors());
    assertEquals(500, f.h().getTotalCount());
    assertEquals(4, f.clients());
    assertEquals(20 + 500, store.gets.get() + store.puts.get(), "20 warm-up puts, then the load");
    assertTrue(store.gets.get() > 150 && store.gets.get() < 350, "about half gets: " + store.gets.get());
    assertEquals(5, store.opened.get(), "one session per client and one for the warm-up");
    assertEquals(5, store.closed.get(), "every session is closed");
  }

  @Test
  void theTimedWarmUpRunsTheSameLoadFirstAndIsNotCounted() throws Exception {
    Store store = new Store();
    LoadRunner runner = new LoadRunner("test", options("--ops", "300", "--warmup", "1", "--keys", "50"), PREFIX);
    BenchFigures f = runner.run("Custom (2 clients)", 2, store::session);
    assertEquals(300, f.ops(), "only the window's operations are counted");
    assertEquals(300, f.h().getTotalCount(), "and recorded");
    assertTrue(store.gets.get() + store.puts.get() > 20 + 300 + 100,
        "the store also served a second of the same load before the window: " + (store.gets.get() + store.puts.get()));
    assertEquals(1 + 2 + 2, store.opened.get(), "one warm-up session, then two clients for the warm-up and two for the window");
    assertEquals(2, defaultWarmup(), "the default warm-up is 2 s");
  }

  private static int defaultWarmup() {
    LoadOptions o = new LoadOptions();
    new CommandLine(o).parseArgs();
    return o.warmup();
  }

  @Test
  void theKeysWrittenAreTheWarmUpKeysAndEveryKeyAPutWasSentFor() throws Exception {
    Store store = new Store();
    LoadRunner runner = new LoadRunner("test", options("--ops", "300", "--keys", "1000", "--read-ratio", "0.3",
        "--value-size", "7"), PREFIX);
    runner.run("Custom (3 clients)", 3, store::session);
    TreeSet<Integer> inStore = new TreeSet<>();
    for (String k : store.data.keySet()) {
      assertTrue(k.startsWith(PREFIX), k);
      inStore.add(Integer.parseInt(k.substring(PREFIX.length())));
    }
    assertArrayEquals(inStore.stream().mapToInt(Integer::intValue).toArray(), runner.writtenKeys());
    for (int i = 0; i < 20; i++) assertTrue(inStore.contains(i), "warm-up key " + i);
    assertTrue(store.data.values().stream().allMatch("xxxxxxx"::equals), "values of --value-size bytes");
  }

  @Test
  void readRatioZeroSendsOnlyPutsAndOneOnlyGets() throws Exception {
    Store writes = new Store();
    new LoadRunner("test", options("--ops", "200", "--read-ratio", "0"), PREFIX).run("w", 2, writes::session);
    assertEquals(0, writes.gets.get());
    assertEquals(220, writes.puts.get());
    Store reads = new Store();
    new LoadRunner("test", options("--ops", "200", "--read-ratio", "1"), PREFIX).run("r", 2, reads::session);
    assertEquals(200, reads.gets.get());
    assertEquals(20, reads.puts.get(), "only the warm-up puts");
  }

  @Test
  void everyClientHasExactlyOneOperationInFlight() throws Exception {
    int clients = 8;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    CyclicBarrier allIn = new CyclicBarrier(clients);
    AtomicInteger sessions = new AtomicInteger();
    LoadRunner.Sessions opener = () -> {
      boolean warmUp = sessions.getAndIncrement() == 0;
      boolean[] first = {true};
      return new LoadRunner.Session() {
        @Override
        public void get(String key) throws Exception {
          op();
        }

        @Override
        public void put(String key, String value) throws Exception {
          op();
        }

        private void op() throws Exception {
          if (warmUp) return;
          int now = inFlight.incrementAndGet();
          maxInFlight.accumulateAndGet(now, Math::max);
          // Each client's first operation waits until all are in flight together.
          if (first[0]) {
            first[0] = false;
            allIn.await(10, TimeUnit.SECONDS);
          }
          Thread.sleep(1);
          inFlight.decrementAndGet();
        }
      };
    };
    BenchFigures f = new LoadRunner("test", options("--ops", "400"), PREFIX).run("c", clients, opener);
    assertEquals(400, f.ops());
    assertEquals(0, f.errors(), "the barrier was reached by all clients at once");
    assertEquals(clients, maxInFlight.get(), "never more operations in flight than clients");
  }

  @Test
  void aFailedOperationIsAnErrorAndTheClientGoesOn() throws Exception {
    AtomicLong calls = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    LoadRunner.Sessions failingEveryThird = () -> new LoadRunner.Session() {
      @Override
      public void get(String key) throws IOException {
        put(key, "");
      }

      @Override
      public void put(String key, String value) throws IOException {
        if (calls.incrementAndGet() % 3 == 0) {
          failed.incrementAndGet();
          throw new IOException("refused");
        }
      }
    };
    BenchFigures f = new LoadRunner("test", options("--ops", "300"), PREFIX).run("e", 2, failingEveryThird);
    assertTrue(failed.get() > 90, "failures " + failed.get());
    assertEquals(300, f.ops() + f.errors(), "every operation is either done or an error");
    assertEquals(f.ops(), f.h().getTotalCount(), "only completed operations are recorded");
  }

  @Test
  void withDurationAnOperationStillRunningAtTheEndOfTheWindowIsNotCounted() throws Exception {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger sessions = new AtomicInteger();
    LoadRunner.Sessions slow = () -> {
      boolean warmUp = sessions.getAndIncrement() == 0;
      return new LoadRunner.Session() {
        @Override
        public void get(String key) throws InterruptedException {
          put(key, "");
        }

        @Override
        public void put(String key, String value) throws InterruptedException {
          if (warmUp) return;
          started.incrementAndGet();
          Thread.sleep(1_500);
        }
      };
    };
    LoadOptions o = options("--duration", "1", "--keys", "1");
    long t0 = System.nanoTime();
    BenchFigures f = new LoadRunner("test", o, PREFIX).run("d", 1, slow);
    assertEquals(0, f.ops(), "the one operation of the window ended after it");
    assertEquals(0, f.h().getTotalCount());
    assertEquals(1.0, f.seconds());
    assertEquals(1, started.get(), "one operation in the window");
    assertTrue(System.nanoTime() - t0 >= 1_500_000_000L, "the runner waits for the operation in flight");
  }

  @Test
  void aSessionThatCannotBeOpenedRunsNoOperations() throws Exception {
    AtomicInteger opens = new AtomicInteger();
    LoadRunner.Sessions refusing = () -> {
      opens.incrementAndGet();
      throw new IOException("connection refused");
    };
    BenchFigures f = new LoadRunner("test", options("--ops", "10"), PREFIX).run("x", 3, refusing);
    assertEquals(0, f.ops());
    assertEquals(4, opens.get(), "the warm-up and each client tried once");
  }

  @Test
  void outOfRangeOptionsAreInvalid() {
    for (String[] args : new String[][] {{"--read-ratio", "1.5"}, {"--read-ratio", "-0.1"}, {"--read-ratio", "NaN"},
        {"--clients", "0"}, {"--keys", "0"}, {"--ops", "0"}, {"--duration", "0"}, {"--value-size", "-1"}}) {
      LoadOptions o = new LoadOptions();
      new CommandLine(o).parseArgs(args);
      assertTrue(!o.valid(), String.join(" ", args));
    }
  }
}
