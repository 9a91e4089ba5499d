package io.shardkv.cli;

import java.time.Duration;

/** Parses durations like {@code 500ms}, {@code 10s}, {@code 2m} (a bare number is seconds). */
final class Durations {
  private Durations() {}

  static Duration parse(String s) {
    String t = s.trim().toLowerCase();
    try {
      if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      if (t.endsWith("s")) return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      if (t.endsWith("m")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
      return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: '" + s + "' (examples: 500ms, 10s, 2m)");
    }
  }
}
