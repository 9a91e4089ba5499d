package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fsync latency histogram on /metrics (issue 11, item 8), in Prometheus' text exposition form. */
class LatencyHistogramMetricsTest {

  private static long sample(List<String> lines, String prefix) {
    String line = lines.stream().filter(l -> l.startsWith(prefix + " ")).findFirst()
        .orElseThrow(() -> new AssertionError(prefix + " missing in " + lines));
    return Long.parseLong(line.substring(prefix.length() + 1));
  }

  @Test
  void bucketsAreCumulativeAndTheInfBucketEqualsTheCount() {
    LatencyHistogram h = new LatencyHistogram();
    h.observeNanos(30_000);        // 30 µs: le=0.00005 and every bound above
    h.observeNanos(50_000);        // exactly on a bound: counted in it (le is "less or equal")
    h.observeNanos(2_000_000);     // 2 ms: le=0.0025
    h.observeNanos(9_000_000_000L); // 9 s: only +Inf
    StringBuilder b = new StringBuilder();
    h.render(b, "shardkv_fsync_seconds", "storage fsync latency", "{node=\"1\",group=\"2\"}");
    List<String> lines = b.toString().lines().toList();
    assertEquals("# TYPE shardkv_fsync_seconds histogram", lines.get(1));
    String p = "shardkv_fsync_seconds_bucket{node=\"1\",group=\"2\",le=";
    assertEquals(2, sample(lines, p + "\"0.00005\"}"));
    assertEquals(2, sample(lines, p + "\"0.001\"}"));
    assertEquals(3, sample(lines, p + "\"0.0025\"}"));
    assertEquals(3, sample(lines, p + "\"5\"}"));
    assertEquals(4, sample(lines, p + "\"+Inf\"}"));
    assertEquals(4, sample(lines, "shardkv_fsync_seconds_count{node=\"1\",group=\"2\"}"));
    String sum = lines.stream().filter(l -> l.startsWith("shardkv_fsync_seconds_sum{node=\"1\",group=\"2\"} ")).findFirst()
        .orElseThrow();
    assertEquals(9.00208, Double.parseDouble(sum.substring(sum.indexOf("} ") + 2)), 1e-9);
    long previous = -1;
    for (String l : lines) {
      if (!l.startsWith(p)) continue;
      long n = Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
      assertTrue(n >= previous, "cumulative: " + lines);
      previous = n;
    }
    assertEquals(LatencyHistogram.BOUNDS_SECONDS.length + 1, lines.stream().filter(l -> l.startsWith(p)).count());
  }

  @Test
  void anEmptyHistogramRendersZerosAndWithoutLabelsOnlyLe() {
    StringBuilder b = new StringBuilder();
    new LatencyHistogram().render(b, "x_seconds", "h", "");
    assertTrue(b.toString().contains("x_seconds_bucket{le=\"+Inf\"} 0\n"), b::toString);
    assertTrue(b.toString().contains("x_seconds_count 0\n"), b::toString);
    assertTrue(b.toString().contains("x_seconds_sum 0.0\n"), b::toString);
  }
}
