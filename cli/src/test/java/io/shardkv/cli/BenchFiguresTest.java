package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The lines 'bin/shardkv bench' prints (a contract: the table's columns and the JSON fields), which
 * scripts/bench-etcd prints too so that the two line up.
 */
class BenchFiguresTest {
  @Test
  void theTableHasAHeaderAndOneRowPerLoad() {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 100; i++) h.recordValue(i * 1_000_000L); // 1..100 ms
    BenchFigures f = new BenchFigures("Serial Read Write (1 client, 1 group)", 1, 500, 2, 10.0, h);
    String[] lines = BenchFigures.table(List.of(f, f)).split("\n");
    assertEquals(3, lines.length);
    assertEquals(String.format("%-55s %8s %10s %10s %10s %10s %8s", "load", "clients", "ops/s", "p50 ms", "p99 ms",
        "p999 ms", "errors"), lines[0]);
    assertEquals(String.format("%-55s %8d %10.0f %10.2f %10.2f %10.2f %8d", f.name(), 1, 50.0, f.ms(50), f.ms(99),
        f.ms(99.9), 2), lines[1]);
    assertEquals(50.0, f.ms(50), 0.1);
    assertEquals(99.0, f.ms(99), 0.1);
    assertEquals(50.0, f.opsPerSec(), 1e-9);
  }

  @Test
  void theJsonObjectHasTheBenchFieldsInOrderAfterTheLeadingFields() {
    Histogram h = new Histogram(3);
    h.recordValue(2_000_000L);
    BenchFigures f = new BenchFigures("Custom (4 clients, 1 group)", 4, 10, 0, 1.0, h);
    String plain = f.json("", 1, "bench-x-", 16, 0.5, 2);
    String ms = String.format(java.util.Locale.ROOT, "%.3f", f.ms(50)); // 2 ms as the histogram holds it
    assertEquals(2.0, f.ms(50), 0.002);
    assertEquals("{\"load\":\"Custom (4 clients, 1 group)\",\"groups\":1,\"key_prefix\":\"bench-x-\",\"clients\":4,"
        + "\"ops\":10,\"ops_per_sec\":10.0,\"p50_ms\":" + ms + ",\"p99_ms\":" + ms + ",\"p999_ms\":" + ms + ",\"errors\":0,"
        + "\"seconds\":1.00,\"value_size\":16,\"read_ratio\":0.50,\"warmup_seconds\":2}", plain);
    String led = f.json("\"target\":\"etcd\",", 1, "bench-x-", 16, 0.5, 2);
    assertTrue(led.startsWith("{\"target\":\"etcd\",\"load\":"), led);
    assertEquals(plain, led.replace("\"target\":\"etcd\",", ""));
  }

  @Test
  void aLoadWithNothingCompletedPrintsNaNLatenciesNotAnError() {
    BenchFigures f = new BenchFigures("Custom (1 client, 1 group)", 1, 0, 3, 1.0, new Histogram(3));
    assertTrue(Double.isNaN(f.ms(50)));
    assertTrue(BenchFigures.table(List.of(f)).contains("NaN"));
  }
}
