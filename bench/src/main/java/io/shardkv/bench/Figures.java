package io.shardkv.bench;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * One load's result, printed in exactly the lines {@code bin/shardkv bench} prints (its table and
 * its {@code --json} objects; cli/BenchCommand), so the two outputs can be put side by side. The JSON
 * object adds {@code "target"} first.
 */
record Figures(String name, int clients, long ops, long errors, double seconds, Histogram h) {
  double opsPerSec() {
    return ops / seconds;
  }

  double ms(double pct) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(pct) / 1e6;
  }

  String json(String target, int groups, String prefix, int valueSize, double readRatio) {
    return String.format(Locale.ROOT, "{\"target\":\"%s\",\"load\":\"%s\",\"groups\":%d,\"key_prefix\":\"%s\",\"clients\":%d,"
            + "\"ops\":%d,\"ops_per_sec\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"errors\":%d,"
            + "\"seconds\":%.2f,\"value_size\":%d,\"read_ratio\":%.2f}",
        target, name, groups, prefix, clients, ops, opsPerSec(), ms(50), ms(99), ms(99.9), errors, seconds, valueSize,
        readRatio);
  }

  static String table(List<Figures> all) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-55s %8s %10s %10s %10s %10s %8s%n", "load",
        "clients", "ops/s", "p50 ms", "p99 ms", "p999 ms", "errors"));
    for (Figures f : all) {
      b.append(String.format(Locale.ROOT, "%-55s %8d %10.0f %10.2f %10.2f %10.2f %8d%n", f.name(), f.clients(),
          f.opsPerSec(), f.ms(50), f.ms(99), f.ms(99.9), f.errors()));
    }
    return b.toString();
  }
}
