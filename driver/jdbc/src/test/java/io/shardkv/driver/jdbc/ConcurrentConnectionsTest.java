package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Several connections used from several threads at once against one store. */
class ConcurrentConnectionsTest {

  private static final int THREADS = 8;
  private static final int OPS = 200;

  @Test
  void concurrentConnectionsAppendingAndCasIncrementingLoseNoUpdate() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.fresh();
    try (Connection setup = DriverManager.getConnection(cluster.url())) {
      setup.createStatement().executeUpdate("INSERT INTO kv VALUES ('counter', '0')");
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String mark = Character.toString('a' + t);
      results.add(
          pool.submit(
              () -> {
                start.await();
                int casRetries = 0;
                try (Connection c = DriverManager.getConnection(cluster.url());
                    PreparedStatement append =
                        c.prepareStatement("UPDATE kv SET v = v || ? WHERE k = ?");
                    PreparedStatement read = c.prepareStatement("SELECT v FROM kv WHERE k = ?");
                    PreparedStatement cas =
                        c.prepareStatement("UPDATE kv SET v = ? WHERE k = ? AND v = ?")) {
                  for (int i = 0; i < OPS; i++) {
                    append.setString(1, mark);
                    append.setString(2, "log");
                    assertEquals(1, append.executeUpdate());
                    // read-modify-write with compare-and-set: retries until no one raced us
                    while (true) {
                      read.setString(1, "counter");
                      String current;
                      try (ResultSet rs = read.executeQuery()) {
                        assertTrue(rs.next());
                        current = rs.getString(1);
                      }
                      cas.setString(1, Integer.toString(Integer.parseInt(current) + 1));
                      cas.setString(2, "counter");
                      cas.setString(3, current);
                      if (cas.executeUpdate() == 1) {
                        break;
                      }
                      casRetries++;
                    }
                  }
                }
                return casRetries;
              }));
    }
    start.countDown();
    for (Future<Integer> f : results) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));

    try (Connection c = DriverManager.getConnection(cluster.url());
        ResultSet rs =
            c.createStatement().executeQuery("SELECT k, v FROM kv WHERE k IN ('counter', 'log')")) {
      assertTrue(rs.next());
      assertEquals(
          Integer.toString(THREADS * OPS), rs.getString("v"), "every CAS increment counted once");
      assertTrue(rs.next());
      String log = rs.getString("v");
      assertEquals(THREADS * OPS, log.length(), "every append applied once");
      for (int t = 0; t < THREADS; t++) {
        char mark = (char) ('a' + t);
        assertEquals(
            OPS, log.chars().filter(ch -> ch == mark).count(), "appends of thread " + mark);
      }
    }
    assertEquals(0, cluster.openBackends.get(), "every connection closed its backend");
  }

  @Test
  void oneConnectionIsUsableFromSeveralThreadsWithTheirOwnStatements() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.fresh();
    try (Connection c = DriverManager.getConnection(cluster.url())) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  try (PreparedStatement ps =
                      c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
                    for (int i = 0; i < OPS; i++) {
                      ps.setString(1, thread + "-" + i);
                      ps.setString(2, Integer.toString(i));
                      ps.executeUpdate();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    assertEquals(4 * OPS, cluster.data.size());
  }
}
