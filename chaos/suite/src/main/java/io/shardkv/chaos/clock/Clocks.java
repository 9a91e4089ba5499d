package io.shardkv.chaos.clock;

import java.util.Collection;
import java.util.Map;

/**
 * Clock faults on the hosts under test. On hosts with a kernel of their own the real clock moves;
 * on hosts sharing the control node's kernel (the lab) each server runs under libfaketime and only
 * its fake offset moves: the real clock of such a host is never stepped.
 */
public interface Clocks {
  /** Jumps the host's clock by {@code deltaMs} (either sign). */
  void bump(String node, long deltaMs);

  /**
   * Flips the host's clock between its normal time and normal + {@code deltaMs} every
   * {@code periodMs}, for {@code durationMs}; returns when done, with the clock back to normal.
   */
  void strobe(String node, long deltaMs, long periodMs, long durationMs);

  /** Sets the hosts' clocks back to the control node's time. */
  void reset(Collection<String> nodes);

  /** Each host's clock minus the control node's clock, in milliseconds. */
  Map<String, Long> offsets();
}
