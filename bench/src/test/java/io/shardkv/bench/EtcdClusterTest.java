package io.shardkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * scripts/bench-etcd against real etcd members (Debian's etcd-server; .ci/run installs it): both
 * clients run the load, the writes they acknowledge are in etcd, and the members it started are
 * stopped by pid and their directory deleted.
 */
@Timeout(180)
class EtcdClusterTest {
  private static final Base64.Encoder B64 = Base64.getEncoder();

  private static boolean etcdInstalled() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, "etcd"))) return true;
    }
    return false;
  }

  /** A process is alive while /proc/PID/stat exists and its state is not Z (zombie). */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  /** The value of a field of a flat JSON object: a string's text, or a number as written. */
  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(?:\"([^\"]*)\"|([^,}]*))").matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return m.group(1) != null ? m.group(1) : m.group(2);
  }

  @Test
  void withoutEndpointsItStartsThreeMembersUsesGrpcAndStopsThemByPidAfter() {
    assumeTrue(etcdInstalled(), "etcd is not on PATH (apt-get install etcd-server)");
    BenchRun r = BenchRun.of("--clients", "4", "--ops", "100", "--keys", "50", "--read-ratio", "0.5", "--json");
    assertEquals(0, r.exit(), r::toString);
    assertEquals(1, r.lines().size(), r::toString);
    String line = r.lines().get(0);
    assertTrue(line.startsWith("{\"target\":\"etcd\",\"client\":\"grpc\",\"load\":\"Custom (4 clients, etcd 3 members)\""),
        line);
    assertEquals("100", field(line, "ops"));
    assertEquals("0", field(line, "errors"));
    Matcher started = Pattern.compile("started 3 etcd member\\(s\\) in (\\S+) \\(pids \\[([0-9, ]+)\\]\\)").matcher(r.err());
    assertTrue(started.find(), r::toString);
    List<Long> pids = new ArrayList<>();
    for (String p : started.group(2).split(",\\s*")) pids.add(Long.parseLong(p));
    assertEquals(3, pids.size());
    for (long pid : pids) assertFalse(alive(pid), "etcd member " + pid + " still running");
    assertFalse(Files.exists(Path.of(started.group(1))), "the members' directory is deleted");
    assertTrue(r.err().contains("stopped the etcd members and deleted their directory"), r::toString);
  }

  @Test
  void bothClientsWriteWhatTheyAcknowledgeToTheGivenEndpoints() throws Exception {
    assumeTrue(etcdInstalled(), "etcd is not on PATH (apt-get install etcd-server)");
    EtcdCluster cluster = EtcdCluster.start("etcd", null, 3, Duration.ofSeconds(60));
    Path dir = cluster.dir();
    List<Long> pids = cluster.pids();
    try {
      String endpoints = String.join(",", cluster.endpoints());
      HttpClient http = EtcdJsonClient.httpClient();
      for (String client : List.of("grpc", "json")) {
        BenchRun r = BenchRun.of("--endpoints", endpoints, "--client", client, "--clients", "8", "--ops", "200",
            "--keys", "30", "--read-ratio", "0", "--value-size", "5", "--json");
        assertEquals(0, r.exit(), r::toString);
        String line = r.lines().get(0);
        assertEquals(client, field(line, "client"), line);
        assertEquals("200", field(line, "ops"));
        assertEquals("0", field(line, "errors"));
        assertEquals("Custom (8 clients, etcd 3 members)", field(line, "load"));
        String prefix = field(line, "key_prefix");
        // The warm-up alone writes keys 0..19 before the load's 200 puts; read some back, each from
        // another member in turn, with etcd's linearizable range.
        for (int k = 0; k < 20; k += 3) {
          String body = http.send(HttpRequest.newBuilder(URI.create(cluster.endpoints().get(k % 3) + "/v3/kv/range"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + b64(prefix + k) + "\"}")).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          assertTrue(body.contains("\"value\":\"" + b64("xxxxx") + "\""), client + " key " + prefix + k + ": " + body);
        }
      }
    } finally {
      cluster.close();
    }
    for (long pid : pids) assertFalse(alive(pid), "etcd member " + pid + " still running");
    assertFalse(Files.exists(dir), "the members' directory is deleted");
  }

  @Test
  void anEtcdThatCannotRunIsAClearErrorNotAStackTrace() {
    BenchRun r = BenchRun.of("--etcd", "/nonexistent/etcd", "--clients", "1", "--ops", "1");
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.err().contains("apt-get install etcd-server") && r.err().contains("--etcd PATH"), r::toString);
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
