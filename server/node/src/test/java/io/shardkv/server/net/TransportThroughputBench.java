package io.shardkv.server.net;

import io.shardkv.driver.protocol.ClientConnection;
import io.shardkv.driver.protocol.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Figures for the transport alone (in-memory handler, no Raft, no disk): closed-loop clients over
 * loopback. Prints; asserts nothing. Not part of the test suite (its name does not match surefire's
 * patterns); run with {@code mvn -B -o -pl server/node -am test -Dtest=TransportThroughputBench
 * -Dshardkv.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "shardkv.bench", matches = "true")
class TransportThroughputBench {
  private static final Duration RUN = Duration.ofSeconds(Integer.getInteger("shardkv.bench.seconds", 5));

  @Test
  void closedLoopClientsOverLoopback() throws Exception {
    try (TestServer server = new TestServer(ConnectionOptions.DEFAULT)) {
      for (int clients : new int[] {1, 16, 100}) run(server, clients);
    }
  }

  /**
   * {@code clients} closed-loop clients, each an asynchronous chain (the next request is sent from
   * the completion of the previous one), so 100 clients need no 100 threads competing with the
   * server for this machine's cores.
   */
  private static void run(TestServer server, int clients) throws Exception {
    List<ClientConnection> conns = new ArrayList<>();
    int connections = Math.min(clients, 8); // clients share connections, as a client library would
    for (int i = 0; i < connections; i++) conns.add(new ClientConnection(server.address()));
    AtomicLong ops = new AtomicLong();
    long[][] lat = new long[clients][];
    int[] counts = new int[clients];
    long end = System.nanoTime() + RUN.toNanos();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(clients);
    String value = "v".repeat(100);
    for (int c = 0; c < clients; c++) {
      lat[c] = new long[2_000_000];
      next(conns.get(c % connections), c, 0, value, end, lat, counts, ops, done);
    }
    done.await();
    int total = 0;
    for (int n : counts) total += n;
    long[] all = new long[total];
    int k = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(lat[c], 0, all, k, counts[c]);
      k += counts[c];
    }
    Arrays.sort(all);
    System.out.printf("transport bench: %3d clients on %d connections: %,8.0f ops/s  p50 %.3f ms  p99 %.3f ms  p999 %.3f ms%n",
        clients, connections, ops.get() / (RUN.toNanos() / 1e9), pct(all, 0.50), pct(all, 0.99), pct(all, 0.999));
    conns.forEach(ClientConnection::close);
  }

  private static void next(ClientConnection conn, int id, long seq, String value, long end, long[][] lat,
      int[] counts, AtomicLong ops, java.util.concurrent.CountDownLatch done) {
    long t0 = System.nanoTime();
    if (t0 >= end) {
      done.countDown();
      return;
    }
    conn.sendAsync(new Request.Put(id, seq, "key-" + id + "-" + (seq % 1000), value), Duration.ofSeconds(10))
        .whenComplete((r, e) -> {
          if (e != null) {
            System.out.println("bench call failed: " + e);
            done.countDown();
            return;
          }
          if (counts[id] < lat[id].length) lat[id][counts[id]++] = System.nanoTime() - t0;
          ops.incrementAndGet();
          next(conn, id, seq + 1, value, end, lat, counts, ops, done);
        });
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
  }
}
