package io.shardkv.server.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Free ports on 127.0.0.1 for a cluster config written on the spot: the local clusters of the
 * harness ({@code io.shardkv.harness.LocalCluster}) and the tests that start servers in their JVM.
 * The server itself only binds the ports its config names.
 */
public final class FreePorts {
  private FreePorts() {}

  /**
   * {@code n} ports that were free on 127.0.0.1 a moment ago, all different: every probe socket stays
   * bound until all are chosen. They are taken from below the kernel's ephemeral range when it can be
   * read ({@code /proc/sys/net/ipv4/ip_local_port_range}): a port in that range that a node gives up
   * when it is killed may be handed to any outgoing connection meanwhile (a peer reconnecting, a
   * client), and the node restarted on it then cannot bind its listener. Below the range only an
   * explicit bind can take it.
   */
  public static int[] distinctFreePorts(int n) throws IOException {
    Optional<int[]> ephemeral = ephemeralRange();
    int low = 10_000;
    int high = ephemeral.map(r -> r[0] - 1).orElse(0);
    List<ServerSocket> probes = new ArrayList<>();
    try {
      int[] ports = new int[n];
      int span = high - low + 1;
      int next = span >= 4 * n ? low + java.util.concurrent.ThreadLocalRandom.current().nextInt(span) : -1;
      for (int i = 0, tried = 0; i < n; i++) {
        if (next < 0) { // no room below the ephemeral range: let the kernel choose
          ports[i] = bindProbe(probes, 0);
          continue;
        }
        int port = -1;
        while (port < 0) {
          if (++tried > span) throw new IOException("no " + n + " free ports on 127.0.0.1 in " + low + ".." + high);
          int candidate = next;
          next = next == high ? low : next + 1;
          try {
            port = bindProbe(probes, candidate);
          } catch (IOException taken) {
            // in use: try the next one
          }
        }
        ports[i] = port;
      }
      return ports;
    } finally {
      for (ServerSocket s : probes) s.close();
    }
  }

  /** Binds a probe socket to {@code port} (0: any), kept in {@code probes}; returns its port. */
  private static int bindProbe(List<ServerSocket> probes, int port) throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      s.close();
      throw e;
    }
    probes.add(s);
    return s.getLocalPort();
  }

  /**
   * The kernel's ephemeral port range {low, high}, if this is Linux and it can be read. Read as lines
   * (one buffered read): a sysctl file answers a read at a non-zero offset with end of file, so
   * {@code Files.readString}, which starts with a one-byte read when the size is 0, would see "3".
   */
  private static Optional<int[]> ephemeralRange() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
      return Optional.of(new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])});
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
