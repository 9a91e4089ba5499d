package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A local cluster's ports are chosen so that a killed node can always bind its port again: they lie
 * below the kernel's ephemeral range, from which every outgoing connection (a reconnecting peer, a
 * client) takes its local port — a node's port taken that way while the node is down would keep it
 * from restarting.
 */
class FreePortsTest {
  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  @Test
  void portsAreDistinctAndBelowTheEphemeralRange() throws Exception {
    assumeTrue(Files.isReadable(RANGE), "the ephemeral range is read from " + RANGE);
    int ephemeralLow = Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]);
    assumeTrue(ephemeralLow > 10_000 + 4 * 40, "this kernel leaves no room below its ephemeral range (it starts at " + ephemeralLow + ")");

    int[] ports = FreePorts.distinctFreePorts(40);

    assertEquals(40, Arrays.stream(ports).distinct().count(), "distinct: " + Arrays.toString(ports));
    for (int p : ports) {
      assertTrue(p >= 10_000 && p < ephemeralLow, "port " + p + " lies outside 10000.." + (ephemeralLow - 1));
    }
  }
}
