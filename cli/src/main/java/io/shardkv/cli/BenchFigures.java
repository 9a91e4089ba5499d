package io.shardkv.cli;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * One load's result and the two ways {@code shardkv bench} prints it: a table row, or one JSON
 * object per load ({@code --json}). The benchmark-only harnesses ({@code scripts/bench-etcd}) print
 * the same lines, their JSON objects with fields of their own in front, so the outputs line up.
 *
 * @param ops operations completed within the load window
 * @param errors operations that failed within the load window
 * @param seconds the load window (with {@code --ops}: until the last operation completed)
 * @param h latencies in nanoseconds of the completed operations
 */
public record BenchFigures(String name, int clients, long ops, long errors, double seconds, Histogram h) {
  public double opsPerSec() {
    return ops / seconds;
  }

  /** The latency at percentile {@code pct} in milliseconds; NaN if nothing completed. */
  public double ms(double pct) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(pct) / 1e6;
  }

  /**
   * The {@code --json} object of this load: {@code leadingFields} (empty, or fields such as
   * {@code "target":"etcd",} each followed by a comma) and then the fields of {@code shardkv bench}.
   */
  public String json(String leadingFields, int groups, String prefix, int valueSize, double readRatio, int warmupSeconds) {
    return String.format(Locale.ROOT, "{%s\"load\":\"%s\",\"groups\":%d,\"key_prefix\":\"%s\",\"clients\":%d,"
            + "\"ops\":%d,\"ops_per_sec\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"errors\":%d,"
            + "\"seconds\":%.2f,\"value_size\":%d,\"read_ratio\":%.2f,\"warmup_seconds\":%d}",
        leadingFields, name, groups, prefix, clients, ops, opsPerSec(), ms(50), ms(99), ms(99.9), errors, seconds,
        valueSize, readRatio, warmupSeconds);
  }

  /** The table of {@code shardkv bench}: a header line and one line per load, each ending in a newline. */
  public static String table(List<BenchFigures> all) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-55s %8s %10s %10s %10s %10s %8s%n", "load",
        "clients", "ops/s", "p50 ms", "p99 ms", "p999 ms", "errors"));
    for (BenchFigures f : all) {
      b.append(String.format(Locale.ROOT, "%-55s %8d %10.0f %10.2f %10.2f %10.2f %8d%n", f.name(), f.clients(),
          f.opsPerSec(), f.ms(50), f.ms(99), f.ms(99.9), f.errors()));
    }
    return b.toString();
  }
}
