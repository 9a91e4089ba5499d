package io.shardkv.chaos.net;

import java.util.Map;
import java.util.Set;

/**
 * Network faults between the hosts under test. The control node is never cut off.
 */
public interface Net {
  /**
   * Applies a grudge: for each host (key), drop every packet it receives from the hosts in the
   * value ({@code iptables -A INPUT -s SRC -j DROP -w} on the receiving host).
   */
  void drop(Map<String, Set<String>> grudge);

  /** Removes every partition on every host ({@code iptables -F -w}). */
  void heal();
}
