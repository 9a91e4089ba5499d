package io.shardkv.chaos.clock;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Remote;
import java.time.Duration;

/** Measuring a host's clock against the control node's, in milliseconds. */
final class ClockOffsets {
  private ClockOffsets() {}

  /**
   * The host's real clock minus the control node's. The host reads its clock at some instant
   * between sending the command and receiving its output, and most of that round trip (channel,
   * process start) comes before the reading: so {@code hostTime - receivedAt} is a lower bound of
   * the offset that is off by the short return trip only. The best (largest) of three is kept.
   */
  static long real(Remote r) {
    long best = Long.MIN_VALUE;
    for (int i = 0; i < 3; i++) {
      String out = r.execOk("date +%s%N", Duration.ofSeconds(30)).strip();
      long receivedNs = System.currentTimeMillis() * 1_000_000L;
      best = Math.max(best, parse(r, out) - receivedNs);
    }
    return Math.round(best / 1e6);
  }

  /**
   * How far the host's fake clock is from its real one: {@code real; fake; real} read back to back
   * on the host, the fake one compared with the middle of the two real ones. The error is at most
   * half the bracket {@code b - a}, which is a process start or two: a few ms on a quiet host, but
   * hundreds under load (a bracket of 400 ms once put a reset clock 205 ms off). So up to five
   * brackets are read and the narrowest is kept, stopping early at one of 20 ms or less.
   */
  static long fake(Remote r, String fakeEnv) {
    long bestBracket = Long.MAX_VALUE;
    long bestOffset = 0;
    for (int i = 0; i < 5 && bestBracket > 20_000_000L; i++) {
      String out = r.execOk("date +%s%N; " + fakeEnv + "date +%s%N; date +%s%N", Duration.ofSeconds(30)).strip();
      String[] l = out.split("\\s+");
      if (l.length != 3) throw new ChaosException("host " + r.host().name() + ": expected three clock readings, got '" + out + "'");
      long a = parse(r, l[0]);
      long f = parse(r, l[1]);
      long b = parse(r, l[2]);
      if (b - a < bestBracket) {
        bestBracket = b - a;
        bestOffset = f - (a + (b - a) / 2);
      }
    }
    return Math.round(bestOffset / 1e6);
  }

  private static long parse(Remote r, String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new ChaosException("host " + r.host().name() + ": expected epoch nanoseconds from 'date +%s%N', got '" + s + "'");
    }
  }
}
