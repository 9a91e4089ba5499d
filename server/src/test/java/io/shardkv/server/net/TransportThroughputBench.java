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
 * loopback. Prints; asserts nothing. Run with {@code -Dshardkv.bench=true}.
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

  private static void run(TestServer server, int clients) throws Exception {
    List<ClientConnection> conns = new ArrayList<>();
    int connections = Math.min(clients, 8); // clients share connections, as a client library would
    for (int i = 0; i < connections; i++) conns.add(new ClientConnection(server.address()));
    AtomicLong ops = new AtomicLong();
    long[][] lat = new long[clients][];
    int[] counts = new int[clients];
    long end = System.nanoTime() + RUN.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int id = c;
      lat[c] = new long[2_000_000];
      Thread t = new Thread(() -> {
        ClientConnection conn = conns.get(id % connections);
        String value = "v".repeat(100);
        try {
          for (long seq = 0; System.nanoTime() < end; seq++) {
            long t0 = System.nanoTime();
            conn.call(new Request.Put(id, seq, "key-" + id + "-" + (seq % 1000), value), Duration.ofSeconds(10));
            if (counts[id] < lat[id].length) lat[id][counts[id]++] = System.nanoTime() - t0;
            ops.incrementAndGet();
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) t.join();
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

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
  }
}
