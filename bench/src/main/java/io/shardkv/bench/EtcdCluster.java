package io.shardkv.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A throwaway etcd cluster for benchmarks: N members of the installed {@code etcd} (Debian's
 * {@code etcd-server}, 3.4) on 127.0.0.1 ports, data and logs in one directory. {@link #close} stops
 * exactly the processes it started — each by its own pid (SIGTERM, then SIGKILL after 10 s), never by
 * name — and deletes the directory if this class created it. A JVM shutdown hook does the same if the
 * benchmark is interrupted.
 */
final class EtcdCluster implements AutoCloseable {
  record Member(String name, int clientPort, int peerPort, Process process, Path log) {
    String clientUrl() {
      return "http://127.0.0.1:" + clientPort;
    }
  }

  private final Path dir;
  private final boolean ownsDir;
  private final List<Member> members;
  private final Thread hook;

  private EtcdCluster(Path dir, boolean ownsDir, List<Member> members) {
    this.dir = dir;
    this.ownsDir = ownsDir;
    this.members = members;
    this.hook = new Thread(this::stopProcesses, "etcd-cluster-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts {@code n} members with {@code etcd} (a path or a name on PATH) in {@code dir} (null: a
   * fresh temporary directory) and waits until each answers {@code /health} with true.
   *
   * @throws IOException naming the member, its log file and the log's last lines if a member exits
   *     or is not healthy within {@code timeout}
   */
  static EtcdCluster start(String etcd, Path dir, int n, Duration timeout) throws IOException, InterruptedException {
    boolean owns = dir == null;
    Path d = owns ? Files.createTempDirectory("shardkv-bench-etcd-") : Files.createDirectories(dir);
    int[] ports = freePorts(2 * n);
    String initial = java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> "m" + (i + 1) + "=http://127.0.0.1:" + ports[2 * i + 1]).collect(Collectors.joining(","));
    String token = "shardkv-bench-" + Long.toString(System.currentTimeMillis(), 36);
    List<Member> started = new ArrayList<>();
    EtcdCluster cluster = new EtcdCluster(d, owns, started);
    try {
      for (int i = 0; i < n; i++) {
        String name = "m" + (i + 1);
        int client = ports[2 * i];
        int peer = ports[2 * i + 1];
        Path log = d.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(etcd, "--name", name, "--data-dir", d.resolve(name).toString(),
            "--listen-client-urls", "http://127.0.0.1:" + client, "--advertise-client-urls", "http://127.0.0.1:" + client,
            "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
            "--initial-cluster", initial, "--initial-cluster-state", "new", "--initial-cluster-token", token)
            .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p;
        try {
          p = pb.start();
        } catch (IOException e) {
          throw new IOException("cannot run '" + etcd + "' (" + e.getMessage() + "); install Debian's etcd-server "
              + "(apt-get install etcd-server) or give its path with --etcd PATH", e);
        }
        started.add(new Member(name, client, peer, p, log));
      }
      cluster.awaitHealthy(timeout);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  List<String> endpoints() {
    return members.stream().map(Member::clientUrl).toList();
  }

  Path dir() {
    return dir;
  }

  /** The pids of the members (for the record on stderr). */
  List<Long> pids() {
    return members.stream().map(m -> m.process().pid()).toList();
  }

  private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Member m : members) {
      while (true) {
        if (!m.process().isAlive()) {
          throw new IOException("etcd member " + m.name() + " exited with status " + m.process().exitValue()
              + "; its log " + m.log() + " ends with:\n" + tail(m.log(), 10));
        }
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.clientUrl() + "/health"))
              .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
            break;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("etcd member " + m.name() + " at " + m.clientUrl() + " not healthy within "
              + timeout.toSeconds() + " s; its log " + m.log() + " ends with:\n" + tail(m.log(), 10));
        }
        Thread.sleep(100);
      }
    }
  }

  private static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read it: " + e.getMessage() + ")";
    }
  }

  /** Loopback ports free right now (each from a socket bound to port 0, then closed). */
  private static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) s.close();
    }
    return ports;
  }

  /** SIGTERM to each started member by its pid, SIGKILL after 10 s; waits until each has exited. */
  private void stopProcesses() {
    for (Member m : members) {
      m.process().destroy();
    }
    for (Member m : members) {
      try {
        if (!m.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          m.process().destroyForcibly();
          m.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        m.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stopProcesses();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running this
    }
    if (ownsDir) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("bench-etcd: could not delete " + dir + ": " + e.getMessage());
      }
    }
  }
}
