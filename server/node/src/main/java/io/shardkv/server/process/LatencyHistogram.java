package io.shardkv.server.process;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A latency histogram in Prometheus' form (issue 11, item 8: fsync latency besides the totals):
 * fixed upper bounds in seconds, each observation counted in the first bucket whose bound it does
 * not exceed (or only in {@code +Inf}). Rendered cumulative, as the text exposition format requires:
 * {@code NAME_bucket{...,le="B"}} counts observations ≤ B, the {@code +Inf} bucket equals
 * {@code NAME_count}, and {@code NAME_sum} is the total in seconds. Any thread may observe or render.
 */
final class LatencyHistogram {
  /** Upper bounds in seconds: 50 µs (a page-cache fsync) up to 5 s (a stalled disk). */
  static final String[] BOUNDS_SECONDS = {"0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01",
      "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5"};

  private final long[] boundsNanos = new long[BOUNDS_SECONDS.length];
  /** Non-cumulative counts; the last slot is the overflow (above every bound). */
  private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_SECONDS.length + 1);
  private final AtomicLong sumNanos = new AtomicLong();

  LatencyHistogram() {
    for (int i = 0; i < boundsNanos.length; i++) boundsNanos[i] = new java.math.BigDecimal(BOUNDS_SECONDS[i]).movePointRight(9).longValueExact();
  }

  void observeNanos(long nanos) {
    int i = 0;
    while (i < boundsNanos.length && nanos > boundsNanos[i]) i++;
    counts.incrementAndGet(i);
    sumNanos.addAndGet(nanos);
  }

  /**
   * Appends the histogram's HELP, TYPE and samples; {@code labels} is {@code {k="v",...}} (or empty),
   * to which {@code le} is added.
   */
  void render(StringBuilder b, String name, String help, String labels) {
    String inner = labels.isEmpty() ? "" : labels.substring(1, labels.length() - 1) + ",";
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i <= boundsNanos.length; i++) {
      cumulative += counts.get(i);
      String le = i < boundsNanos.length ? BOUNDS_SECONDS[i] : "+Inf";
      b.append(name).append("_bucket{").append(inner).append("le=\"").append(le).append("\"} ").append(cumulative)
          .append('\n');
    }
    b.append(name).append("_sum").append(labels).append(' ').append(sumNanos.get() / 1e9).append('\n');
    b.append(name).append("_count").append(labels).append(' ').append(cumulative).append('\n');
  }
}
