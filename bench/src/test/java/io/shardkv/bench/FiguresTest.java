package io.shardkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The etcd figures print in the lines of 'bin/shardkv bench' (cli/BenchCommand), so they line up. */
class FiguresTest {
  @Test
  void theTableHasTheShardKvBenchColumnsAndOneRowPerLoad() {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 100; i++) h.recordValue(i * 1_000_000L); // 1..100 ms
    Figures f = new Figures("Serial Read Write (1 client, etcd 3 members)", 1, 500, 2, 10.0, h);
    String[] lines = Figures.table(List.of(f)).split("\n");
    assertEquals(String.format("%-55s %8s %10s %10s %10s %10s %8s", "load", "clients", "ops/s", "p50 ms", "p99 ms",
        "p999 ms", "errors"), lines[0]);
    assertEquals(String.format("%-55s %8d %10.0f %10.2f %10.2f %10.2f %8d", f.name(), 1, 50.0, f.ms(50), f.ms(99),
        f.ms(99.9), 2), lines[1]);
    assertEquals(50.0, f.ms(50), 0.1);
  }

  @Test
  void theJsonObjectHasTheShardKvBenchFieldsAndTheTarget() {
    Histogram h = new Histogram(3);
    h.recordValue(2_000_000L);
    String json = new Figures("Custom (4 clients, etcd 3 members)", 4, 10, 0, 1.0, h).json("etcd", 1, "bench-x-", 16, 0.5);
    assertTrue(json.startsWith("{\"target\":\"etcd\",\"load\":\"Custom (4 clients, etcd 3 members)\",\"groups\":1,"), json);
    for (String field : List.of("key_prefix", "clients", "ops", "ops_per_sec", "p50_ms", "p99_ms", "p999_ms", "errors",
        "seconds", "value_size", "read_ratio")) {
      assertTrue(json.contains("\"" + field + "\":"), field + " in " + json);
    }
  }
}
