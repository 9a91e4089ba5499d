package io.shardkv.cli;

import io.shardkv.cli.InProcessCli.Run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.harness.ProcessLiveness;
import io.shardkv.server.process.ServerMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Pins the outputs of {@code bin/shardkv} that issue 6 makes a contract for scripts: the last line of
 * {@code local-cluster start}, the one-result-line-per-command output of {@code client}, exit codes,
 * usage errors on stderr without stack traces, and {@code --help} everywhere. The commands run in this
 * JVM through picocli; the cluster's nodes are separate JVMs started from this JVM's class path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardKvCliContractTest {

  private static final Pattern CLUSTER_LINE = Pattern.compile("cluster=127\\.0\\.0\\.1:\\d+(,127\\.0\\.0\\.1:\\d+)*");
  /** A node row of {@code local-cluster status}: node, group, address, pid, role, ... */
  private static final Pattern STATUS_ROW = Pattern.compile("^(\\d+)\\s+(\\d+)\\s+(127\\.0\\.0\\.1:\\d+)\\s+(\\d+|-)\\s+(\\S+).*$");

  @TempDir static Path dir;

  private Run started;
  private String addrs;

  /** What one in-process invocation printed and returned. */

  private static Run shardkvWithStdin(String input, String... args) {
    return InProcessCli.runWithStdin(input, args);
  }

  private static Run shardkv(String... args) {
    return InProcessCli.run(args);
  }

  @BeforeAll
  void startCluster() {
    started = shardkv("local-cluster", "start", "--groups", "1", "--replicas", "3", "--dir", dir.toString());
    List<String> lines = started.lines();
    if (!lines.isEmpty() && CLUSTER_LINE.matcher(lines.get(lines.size() - 1)).matches()) {
      addrs = lines.get(lines.size() - 1).substring("cluster=".length());
    }
  }

  /** The config-center addresses {@code start} printed; fails clearly if the shared cluster did not start. */
  private String addrs() {
    assertTrue(addrs != null, () -> "local-cluster start gave no cluster= line\n" + started);
    return addrs;
  }

  @AfterAll
  void stopClusterEvenOnFailure() {
    // Idempotent: the stop test may already have run; this is the safety net if it did not or failed.
    shardkv("local-cluster", "stop", "--dir", dir.toString());
  }

  @Test
  void localClusterStartExitsZeroAndItsLastLineIsTheClusterAddresses() {
    assertEquals(0, started.exit(), started::toString);
    List<String> lines = started.lines();
    String last = lines.get(lines.size() - 1);
    assertTrue(CLUSTER_LINE.matcher(last).matches(), () -> "last line '" + last + "' in\n" + started);
  }

  @Test
  void localClusterStatusNamesEveryNodeWithALivePid() {
    Run r = shardkv("local-cluster", "status", "--dir", dir.toString());
    assertEquals(0, r.exit(), r::toString);
    List<Long> pids = statusPids(r);
    // 1 shard group x 3 plus the config center (3 replicas by default).
    assertEquals(6, pids.size(), r::toString);
    for (long pid : pids) {
      assertTrue(isNode(pid), () -> "pid " + pid + " is not a running node\n" + r);
    }
    assertTrue(r.lines().get(r.lines().size() - 1).equals("cluster=" + addrs()), r::toString);
  }

  @Test
  void clientPutThenGetPrintsOkThenTheValueAndExitsZero() {
    Run put = shardkv("client", "--cluster", addrs(), "put", "cli-k", "cli-v");
    assertEquals(0, put.exit(), put::toString);
    assertEquals(List.of("OK"), put.lines(), put::toString);
    Run get = shardkv("client", "--cluster", addrs(), "get", "cli-k");
    assertEquals(0, get.exit(), get::toString);
    assertEquals(List.of("cli-v"), get.lines(), get::toString);
  }

  @Test
  void clientGetOfAnAbsentKeyPrintsNotFoundAndExitsZero() {
    Run get = shardkv("client", "--cluster", addrs(), "get", "cli-never-written");
    assertEquals(0, get.exit(), get::toString);
    assertEquals(List.of("NOT_FOUND"), get.lines(), get::toString);
  }

  @Test
  void clientWithoutOperationReadsStdinAndPrintsOneResultLinePerCommand() {
    Run r = shardkvWithStdin("put a 1\nget a\nappend a 2\nget a\n", "client", "--cluster", addrs());
    assertEquals(0, r.exit(), r::toString);
    assertEquals(List.of("OK", "1", "OK", "12"), r.lines(), r::toString);
  }

  @Test
  void clientTakesAKeyWithSpacesAsGiven() {
    Run put = shardkv("client", "--cluster", addrs(), "put", "key with space", "v1");
    assertEquals(0, put.exit(), put::toString);
    Run get = shardkv("client", "--cluster", addrs(), "get", "key with space");
    assertEquals(List.of("v1"), get.lines(), get::toString);
    Run prefix = shardkv("client", "--cluster", addrs(), "get", "key");
    assertEquals(List.of("NOT_FOUND"), prefix.lines(), () -> "only the whole key was written\n" + prefix);
  }

  @Test
  void clientWithExtraArgumentsIsAUsageErrorAndWritesNothing() {
    Run put = shardkv("client", "--cluster", addrs(), "put", "cli-extra", "a", "b", "c");
    assertEquals(2, put.exit(), put::toString);
    assertTrue(put.err().contains("put KEY VALUE"), put::toString);
    assertTrue(put.out().isBlank(), put::toString);
    Run get = shardkv("client", "--cluster", addrs(), "get", "cli-extra");
    assertEquals(List.of("NOT_FOUND"), get.lines(), get::toString);
    Run get2 = shardkv("client", "--cluster", addrs(), "get", "a", "b");
    assertEquals(2, get2.exit(), get2::toString);
    assertNoStackTrace(get2);
  }

  @Test
  void clientStdinFollowsTheQuotingRuleAndNamesTheLineOfAnError() {
    Run r = shardkvWithStdin("put 'sp key' \"two words\"\nget 'sp key'\n\nget 'unterminated\nput plain rest of line\nget plain\n",
        "client", "--cluster", addrs());
    assertEquals(1, r.exit(), r::toString);
    List<String> lines = r.lines();
    assertEquals(5, lines.size(), r::toString);
    assertEquals(List.of("OK", "two words"), lines.subList(0, 2), r::toString);
    assertTrue(lines.get(2).startsWith("USAGE line 4: unterminated '"), r::toString);
    assertEquals(List.of("OK", "rest of line"), lines.subList(3, 5), r::toString);
  }

  @Test
  void clientJsonOutputTellsAMissingKeyFromTheStoredValueNotFound() {
    assertEquals(0, shardkv("client", "--cluster", addrs(), "put", "cli-nf", "NOT_FOUND").exit());
    Run stored = shardkv("client", "--cluster", addrs(), "--output", "json", "get", "cli-nf");
    assertEquals(0, stored.exit(), stored::toString);
    assertEquals(List.of("{\"status\":\"OK\",\"value\":\"NOT_FOUND\"}"), stored.lines(), stored::toString);
    Run missing = shardkv("client", "--cluster", addrs(), "--output", "json", "get", "cli-nf-never");
    assertEquals(0, missing.exit(), missing::toString);
    assertEquals(List.of("{\"status\":\"NOT_FOUND\"}"), missing.lines(), missing::toString);
    Run cas = shardkvWithStdin("cas cli-nf wrong x\n", "client", "--cluster", addrs(), "--output", "json");
    assertEquals(List.of("{\"status\":\"MISMATCH\",\"line\":1}"), cas.lines(), cas::toString);
  }

  @Test
  void clientScanPrintsEachKeyWithThePrefixOnceInTextAndJsonAndStopsAtTheLimit() {
    StringBuilder puts = new StringBuilder("put cli-scanx outside\n");
    java.util.TreeSet<String> want = new java.util.TreeSet<>();
    for (int i = 0; i < 12; i++) {
      puts.append("put cli-scan-").append(i).append(" 'v ").append(i).append("'\n");
      want.add("cli-scan-" + i + "\tv " + i);
    }
    Run put = shardkvWithStdin(puts.toString(), "client", "--cluster", addrs());
    assertEquals(0, put.exit(), put::toString);
    Run all = shardkv("client", "--cluster", addrs(), "scan", "cli-scan-");
    assertEquals(0, all.exit(), all::toString);
    assertEquals(12, all.lines().size(), "each key once, nothing else:\n" + all);
    assertEquals(want, new java.util.TreeSet<>(all.lines()), all::toString);

    Run limited = shardkv("client", "--cluster", addrs(), "scan", "cli-scan-", "--limit", "5");
    assertEquals(0, limited.exit(), limited::toString);
    assertEquals(5, limited.lines().size(), limited::toString);
    assertTrue(want.containsAll(limited.lines()), limited::toString);

    Run json = shardkv("client", "--cluster", addrs(), "--output", "json", "scan", "cli-scan-1");
    assertEquals(0, json.exit(), json::toString);
    // cli-scan-1, cli-scan-10, cli-scan-11: one object for the command, entries in key order per shard.
    assertEquals(1, json.lines().size(), json::toString);
    String line = json.lines().get(0);
    assertTrue(line.startsWith("{\"status\":\"OK\",\"count\":3,\"entries\":["), line);
    for (String k : List.of("cli-scan-1", "cli-scan-10", "cli-scan-11")) {
      assertTrue(line.contains("{\"key\":\"" + k + "\",\"value\":\"v " + k.substring(9) + "\"}"), line);
    }

    Run bad = shardkv("client", "--cluster", addrs(), "get", "k", "--limit", "3");
    assertEquals(2, bad.exit(), bad::toString);
    assertTrue(bad.err().contains("--limit goes with scan only"), bad::toString);
    Run stdin = shardkvWithStdin("scan cli-scan-1 --limit 2\nscan a b\n", "client", "--cluster", addrs());
    assertEquals(1, stdin.exit(), stdin::toString);
    assertEquals(3, stdin.lines().size(), stdin::toString);
    assertTrue(stdin.lines().get(2).startsWith("USAGE line 2: expected: scan [PREFIX] [--limit N]"), stdin::toString);
  }

  @Test
  void ctlMoveForceIsRefusedOntoTheShardsOwnerAndHelpNamesIt() {
    Run help = shardkv("ctl", "--help");
    assertTrue(help.out().contains("move --force SHARD GID") && help.out().contains("its data is lost"), help::toString);
    Run q = shardkv("ctl", "--cluster", addrs(), "query");
    assertEquals(0, q.exit(), q::toString);
    // One group: every shard is group 1's already, so forcing one onto it would only drop its data.
    Run r = shardkv("ctl", "--cluster", addrs(), "move", "--force", "0", "1");
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.out().startsWith("ERROR ") && r.out().contains("already belongs to gid 1"), r::toString);
    Run after = shardkv("ctl", "--cluster", addrs(), "query");
    assertEquals(q.out(), after.out(), "a refused forced move creates no configuration");
  }

  @Test
  void aRefusedConfigCenterAddressFailsAtOnceSayingSo() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    long t0 = System.nanoTime();
    Run r = shardkv("client", "--cluster", "127.0.0.1:" + closedPort, "--timeout", "10s", "put", "k", "v");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.out().startsWith("ERROR cannot connect to any config-center node"), r::toString);
    assertFalse(r.out().contains("0 attempt(s)"), r::toString);
    assertTrue(ms < 5_000, () -> "took " + ms + " ms of a 10 s timeout\n" + r);
    Run ctl = shardkv("ctl", "--cluster", "127.0.0.1:" + closedPort, "query");
    assertEquals(1, ctl.exit(), ctl::toString);
    assertTrue(ctl.out().contains("cannot connect to any config-center node"), ctl::toString);
  }

  @Test
  void aShardGroupAddressAsClusterIsAClearErrorAtOnce() {
    Run status = shardkv("local-cluster", "status", "--dir", dir.toString());
    String groupNode = null;
    for (String line : status.lines()) {
      Matcher m = STATUS_ROW.matcher(line);
      if (m.matches() && !m.group(2).equals("0")) groupNode = m.group(3);
    }
    assertTrue(groupNode != null, status::toString);
    long t0 = System.nanoTime();
    Run r = shardkv("client", "--cluster", groupNode, "--timeout", "10s", "get", "k");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.out().contains("not shard-group nodes"), r::toString);
    assertTrue(ms < 5_000, () -> "took " + ms + " ms\n" + r);
    assertNoStackTrace(r);
  }

  /** A config-center node that is not its leader, from local-cluster status. */
  private String configCenterFollower() {
    for (long until = System.nanoTime() + 20_000_000_000L; System.nanoTime() < until; sleep(200)) {
      for (String line : shardkv("local-cluster", "status", "--dir", dir.toString()).lines()) {
        Matcher m = STATUS_ROW.matcher(line);
        if (m.matches() && m.group(2).equals("0") && m.group(5).equals("follower")) return m.group(3);
      }
    }
    throw new AssertionError("no follower in the config center");
  }

  /** Issue 11 item 3: one follower address of the config center is enough for CLI, library and JDBC. */
  @Test
  void oneFollowerAddressIsEnoughForTheCliAndJdbc() throws Exception {
    String follower = configCenterFollower();
    Run put = shardkv("client", "--cluster", follower, "--timeout", "5s", "put", "one-addr", "v1");
    assertEquals(0, put.exit(), put::toString);
    Run get = shardkv("client", "--cluster", follower, "--timeout", "5s", "get", "one-addr");
    assertEquals(List.of("v1"), get.lines(), get::toString);
    Run q = shardkv("ctl", "--cluster", follower, "query");
    assertEquals(0, q.exit(), q::toString);
    // The client learns the other members from that one node: its STATUS names them all.
    try (io.shardkv.driver.client.ShardKvClient lib = io.shardkv.driver.client.ShardKvClient.connect(List.of(follower),
        io.shardkv.driver.client.ClientOptions.defaults())) {
      String members = lib.nodeStatus(follower, java.time.Duration.ofSeconds(5)).get("members");
      assertEquals(new java.util.TreeSet<>(List.of(addrs().split(","))), new java.util.TreeSet<>(List.of(members.split(","))),
          "STATUS members of " + follower);
    }
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:shardkv://" + follower + "?timeout=5s");
         java.sql.Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE kv SET v = 'v2' WHERE k = 'one-addr'");
      try (java.sql.ResultSet rs = st.executeQuery("SELECT v FROM kv WHERE k = 'one-addr'")) {
        assertTrue(rs.next());
        assertEquals("v2", rs.getString(1));
      }
    }
  }

  /** Issue 11 item 6: an over-size value is SQLState 22000 (definitely not applied), at once. */
  @Test
  void jdbcOverSizeValueIsDefinite22000AtOnce() throws Exception {
    String big = "x".repeat(io.shardkv.driver.protocol.Wire.DEFAULT_MAX_PAYLOAD_BYTES + 1);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:shardkv://" + addrs() + "?timeout=10s");
         java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
      ps.setString(1, "too-big");
      ps.setString(2, big);
      long t0 = System.nanoTime();
      java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, ps::executeUpdate);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals("22000", e.getSQLState(), e::toString);
      assertTrue(e.getMessage().contains("too large"), e::getMessage);
      assertTrue(ms < 5_000, "took " + ms + " ms");
    }
    Run get = shardkv("client", "--cluster", addrs(), "get", "too-big");
    assertEquals(List.of("NOT_FOUND"), get.lines(), get::toString);
  }

  /**
   * Issue 11 item 9: bench times only the load window (--duration 2 is 2.00 s), labels the load with
   * the cluster's real group count, and deletes its keys unless --keep.
   */
  @Test
  void benchTimesOnlyTheLoadWindowLabelsWhatRanAndCleansUp() {
    Run r = shardkv("bench", "--cluster", addrs(), "--clients", "2", "--duration", "2", "--keys", "30", "--json");
    assertEquals(0, r.exit(), r::toString);
    String line = r.lines().get(0);
    assertTrue(line.contains("\"seconds\":2.00,"), line);
    assertTrue(line.contains("\"load\":\"Custom (2 clients, 1 group)\""), line);
    assertTrue(line.contains("\"groups\":1,"), line);
    Matcher m = Pattern.compile("\"key_prefix\":\"([^\"]+)\"").matcher(line);
    assertTrue(m.find(), line);
    String prefix = m.group(1);
    assertTrue(prefix.startsWith("bench-"), prefix);
    assertTrue(r.err().contains("deleted"), r::toString);
    StringBuilder gets = new StringBuilder();
    for (int i = 0; i < 30; i++) gets.append("get ").append(prefix).append(i).append('\n');
    Run left = shardkvWithStdin(gets.toString(), "client", "--cluster", addrs());
    assertEquals(java.util.Collections.nCopies(30, "NOT_FOUND"), left.lines(), left::toString);

    Run kept = shardkv("bench", "--cluster", addrs(), "--clients", "1", "--ops", "40", "--keys", "5", "--read-ratio", "0",
        "--keep", "--json");
    assertEquals(0, kept.exit(), kept::toString);
    Matcher k = Pattern.compile("\"key_prefix\":\"([^\"]+)\"").matcher(kept.lines().get(0));
    assertTrue(k.find(), kept::toString);
    Run there = shardkv("client", "--cluster", addrs(), "get", k.group(1) + "0");
    assertEquals(List.of("x".repeat(16)), there.lines(), there::toString);
  }

  @Test
  void ctlQueryExitsZeroAndDescribesTheConfiguration() {
    Run r = shardkv("ctl", "--cluster", addrs(), "query");
    assertEquals(0, r.exit(), r::toString);
    assertFalse(r.out().isBlank(), r::toString);
    assertNoStackTrace(r);
  }

  @Test
  void ctlTakesATimeoutLikeClient() {
    Run r = shardkv("ctl", "--cluster", addrs(), "--timeout", "30s", "query");
    assertEquals(0, r.exit(), r::toString);
    assertFalse(r.out().isBlank(), r::toString);
  }

  @Test
  void ctlWithABadTimeoutExitsTwoNamingIt() {
    Run r = shardkv("ctl", "--cluster", addrs(), "--timeout", "soon", "query");
    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("not a duration: 'soon'"), r::toString);
    assertTrue(r.out().isBlank(), r::toString);
    assertNoStackTrace(r);
  }

  @Test
  void clientWithAnUnknownOperationExitsTwoWithAMessageOnStderr() {
    Run r = shardkv("client", "--cluster", addrs(), "frobnicate", "k");
    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("frobnicate"), r::toString);
    assertTrue(r.out().isBlank(), () -> "a usage error is not a result line\n" + r);
    assertNoStackTrace(r);
  }

  @Test
  void versionIsTheProjectVersionEverywhere() throws Exception {
    java.util.Properties p = new java.util.Properties();
    try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("pom.xml"))) {
      String pom = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(pom);
      assertTrue(m.find(), "no version in cli/pom.xml");
      p.setProperty("version", m.group(1));
    }
    for (String[] args : List.of(new String[] {"--version"}, new String[] {"client", "--version"})) {
      Run r = shardkv(args);
      assertEquals(0, r.exit(), r::toString);
      assertEquals(List.of("shardkv " + p.getProperty("version")), r.lines(), r::toString);
    }
  }

  @Test
  void aDirThatIsAFileIsAClearErrorWithoutAStackTrace() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("not-a-dir", ".txt");
    try {
      for (String cmd : List.of("local-cluster", "bench")) {
        Run r = cmd.equals("bench") ? shardkv("bench", "--local", "--dir", file.toString())
            : shardkv("local-cluster", "start", "--dir", file.toString());
        assertNotEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains(file.toString()) && r.err().contains("directory"), r::toString);
        assertNoStackTrace(r);
      }
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @Test
  void noSubcommandIsAUsageErrorListingTheSubcommands() {
    Run r = shardkv();
    assertNotEquals(0, r.exit(), r::toString);
    assertTrue(r.err().contains("Missing subcommand"), r::toString);
    assertTrue(r.err().contains("local-cluster"), r::toString);
    assertNoStackTrace(r);
  }

  @Test
  void unknownSubcommandIsAUsageErrorNamingIt() {
    Run r = shardkv("no-such-command");
    assertNotEquals(0, r.exit(), r::toString);
    assertTrue(r.err().contains("no-such-command"), r::toString);
    assertNoStackTrace(r);
  }

  @Test
  void helpWorksOnTheTopCommandAndEverySubcommand() {
    Run top = shardkv("--help");
    assertEquals(0, top.exit(), top::toString);
    assertTrue(top.out().contains("Usage: shardkv"), top::toString);
    List<String> names = new ArrayList<>(new CommandLine(new ShardKv()).getSubcommands().keySet());
    assertTrue(names.containsAll(List.of("local-cluster", "client", "ctl", "demo", "bench")), names::toString);
    for (String name : names) {
      Run r = shardkv(name, "--help");
      assertEquals(0, r.exit(), () -> name + ": " + r);
      assertTrue(r.out().contains("Usage: shardkv " + name), () -> name + ": " + r);
      assertNoStackTrace(r);
    }
  }

  /** Runs after every other test (they share the cluster); @AfterAll stops it again if this fails. */
  @Test
  @Order(Integer.MAX_VALUE)
  void localClusterStopExitsZeroAndLeavesNoNodeProcess() {
    Run status = shardkv("local-cluster", "status", "--dir", dir.toString());
    List<Long> pids = statusPids(status);
    assertFalse(pids.isEmpty(), status::toString);
    Run stop = shardkv("local-cluster", "stop", "--dir", dir.toString());
    assertEquals(0, stop.exit(), stop::toString);
    for (long pid : pids) {
      assertFalse(isNode(pid), () -> "node pid " + pid + " still running\n" + stop);
    }
  }

  /** What {@code local-cluster start} printed per node: node id → admin base URL (http://HOST:PORT). */
  private java.util.Map<Integer, String> adminUrls() {
    java.util.Map<Integer, String> m = new java.util.TreeMap<>();
    Pattern p = Pattern.compile("^\\s*node (\\d+) group \\d+ \\S+ pid \\S+ admin (http://[^/]+)/status$");
    for (String line : started.lines()) {
      Matcher x = p.matcher(line);
      if (x.matches()) m.put(Integer.parseInt(x.group(1)), x.group(2));
    }
    return m;
  }

  /** HTTP status code of GET url. */
  private static int httpGet(String url) {
    try {
      java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL(url).openConnection();
      c.setConnectTimeout(5000);
      c.setReadTimeout(5000);
      int code = c.getResponseCode();
      c.disconnect();
      return code;
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  @Test
  void everyNodeAnswersHealthAndReadyWith200AndCtlStatusExitsZero() {
    java.util.Map<Integer, String> admin = adminUrls();
    assertEquals(6, admin.size(), started::toString);
    for (var e : admin.entrySet()) {
      int health = httpGet(e.getValue() + "/health");
      for (long until = System.nanoTime() + 20_000_000_000L; health == -1 && System.nanoTime() < until; ) {
        sleep(200); // no answer in 5 s on a loaded machine: ask again; a wrong code is not retried
        health = httpGet(e.getValue() + "/health");
      }
      assertEquals(200, health, "health of node " + e.getKey());
      int ready = httpGet(e.getValue() + "/ready");
      for (long until = System.nanoTime() + 20_000_000_000L; ready != 200 && System.nanoTime() < until; ) {
        sleep(200); // a follower learns the leader from its first heartbeat
        ready = httpGet(e.getValue() + "/ready");
      }
      assertEquals(200, ready, "ready of node " + e.getKey());
    }
    Run st = shardkv("ctl", "--cluster", addrs(), "status");
    assertEquals(0, st.exit(), st::toString);
    String metrics = httpBody(admin.values().iterator().next() + "/metrics");
    for (String gauge : List.of("shardkv_config_num{", "shardkv_migrations_in_flight{", "shardkv_migrations_stalled{",
        "shardkv_leader_changes_total{", "shardkv_fsyncs_total{", "shardkv_fsync_max_nanoseconds{",
        "shardkv_jvm_heap_used_bytes{")) {
      assertTrue(metrics.contains(gauge), () -> gauge + " missing in\n" + metrics);
    }
    // Issue 11 item 8: shard states per state (shard-group nodes), fsync latency as a histogram.
    long serving = 0;
    for (String url : admin.values()) {
      String m = httpBody(url + "/metrics");
      Matcher inf = Pattern.compile("(?m)^shardkv_fsync_seconds_bucket\\{[^}]*le=\"\\+Inf\"\\} (\\d+)$").matcher(m);
      Matcher count = Pattern.compile("(?m)^shardkv_fsync_seconds_count\\{[^}]*\\} (\\d+)$").matcher(m);
      assertTrue(inf.find() && count.find(), () -> "no fsync histogram in\n" + m);
      assertTrue(m.contains("# TYPE shardkv_fsync_seconds histogram"), m);
      Matcher states = Pattern.compile("(?m)^shardkv_shard_states\\{node=\"\\d+\",group=\"\\d+\",state=\"SERVING\"\\} (\\d+)$")
          .matcher(m);
      while (states.find()) serving += Long.parseLong(states.group(1));
    }
    assertTrue(serving > 0, "no shard-group node reports SERVING shards in shardkv_shard_states");
  }

  private static String httpBody(String url) {
    try (var in = new java.net.URL(url).openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "unreadable: " + e;
    }
  }

  private static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void ctlJoinRefusesAGroupWhoseServersDoNotAnswerAsThatGroup() throws Exception {
    Run ghost = shardkv("ctl", "--cluster", addrs(), "join", "3=127.0.0.1:" + closedPort());
    assertEquals(1, ghost.exit(), ghost::toString);
    assertTrue(ghost.err().contains("refusing to join group 3: only 0 of 1 server(s) answer as group 3"), ghost::toString);
    String groupNode = null;
    for (String line : shardkv("local-cluster", "status", "--dir", dir.toString()).lines()) {
      Matcher m = STATUS_ROW.matcher(line);
      if (m.matches() && m.group(2).equals("1")) groupNode = m.group(3);
    }
    Run wrong = shardkv("ctl", "--cluster", addrs(), "join", "2=" + groupNode);
    assertEquals(1, wrong.exit(), wrong::toString);
    assertTrue(wrong.err().contains("of group 1, not of group 2"), wrong::toString);
    Run q = shardkv("ctl", "--cluster", addrs(), "query");
    assertFalse(q.out().contains("group 3") || q.out().contains("group 2"), q::toString);
  }

  @Test
  void ctlLeaveAndMoveRefuseGroupsNotInTheConfiguration() {
    Run leave = shardkv("ctl", "--cluster", addrs(), "leave", "7");
    assertEquals(1, leave.exit(), leave::toString);
    assertTrue(leave.err().contains("group(s) [7] not in configuration"), leave::toString);
    Run move = shardkv("ctl", "--cluster", addrs(), "move", "0", "7");
    assertEquals(1, move.exit(), move::toString);
    assertTrue(move.err().contains("group 7 is not in configuration"), move::toString);
    Run noShard = shardkv("ctl", "--cluster", addrs(), "move", "100000", "1");
    assertEquals(1, noShard.exit(), noShard::toString);
    assertTrue(noShard.err().contains("shard 100000 does not exist"), noShard::toString);
  }

  /**
   * A group forced in whose servers do not exist wedges the shards it was given: the other group's
   * leader logs a WARN, its /status lists the stalled migration and {@code ctl status} exits 1.
   * Leaves the shared cluster with those shards wedged, so it runs after the tests that write keys.
   */
  @Test
  @Order(Integer.MAX_VALUE - 3)
  void aMigrationThatCannotReachTheOtherGroupIsReported() throws Exception {
    Run join = shardkv("ctl", "--cluster", addrs(), "--force", "join", "3=127.0.0.1:" + closedPort());
    assertEquals(0, join.exit(), join::toString);
    Run leave = shardkv("ctl", "--cluster", addrs(), "leave", "3");
    assertEquals(0, leave.exit(), leave::toString);
    Run st = shardkv("ctl", "--cluster", addrs(), "status");
    for (long until = System.nanoTime() + 60_000_000_000L; !st.err().contains("waits for shard data")
        && System.nanoTime() < until; ) {
      sleep(1000);
      st = shardkv("ctl", "--cluster", addrs(), "status");
    }
    Run last = st;
    assertEquals(1, last.exit(), last::toString);
    assertTrue(last.err().contains("group 1 waits for shard data") && last.err().contains("waiting for group 3"),
        last::toString);
    String leaderLog = null;
    for (var e : adminUrls().entrySet()) {
      String json = new String(new java.net.URL(e.getValue() + "/status").openStream().readAllBytes(), StandardCharsets.UTF_8);
      if (json.contains("\"role\":\"leader\"") && json.contains("\"group\":1,")) {
        assertTrue(json.contains("\"migrations_stalled\":[{\"shard\":"), json);
        assertTrue(json.contains("\"other_group\":3"), json);
        leaderLog = java.nio.file.Files.readString(dir.resolve("node-" + e.getKey() + ".log"));
      }
    }
    assertTrue(leaderLog != null, "no leader of group 1 found");
    assertTrue(leaderLog.lines().anyMatch(l -> l.contains("WARN") && l.contains("waiting for group 3")), leaderLog);
    // Issue 11 item 4: the hand-off to group 3 started, at INFO, with the shard ids and their size.
    assertTrue(leaderLog.lines().anyMatch(l -> l.contains(" INFO ")
        && l.matches(".*shards \\[[0-9, ]+\\] move to group 3; keeping them frozen until it has them "
            + "\\(\\d+ key\\(s\\), \\d+ byte\\(s\\)\\)$")), leaderLog);
  }

  private String nodeLog(long node) throws java.io.IOException {
    return java.nio.file.Files.readString(dir.resolve("node-" + node + ".log"));
  }

  private static boolean hasInfo(String log, String text) {
    return log.lines().anyMatch(l -> l.contains(" INFO ") && l.contains(text));
  }

  /**
   * Issue 11 item 4: the node logs say at INFO what happened — storage recovered, configurations
   * learned, elections won, leaders seen; after the group's leader is killed -9, a new election is
   * logged and, restarted with {@code trace = true}, the node writes trace lines.
   */
  @Test
  @Order(Integer.MAX_VALUE - 4)
  void theNodeLogsTellElectionsConfigurationsAndRecoveryAndTraceTrueWorks() throws Exception {
    Run before = shardkv("local-cluster", "status", "--dir", dir.toString());
    long leaderNode = -1;
    long leaderPid = -1;
    List<Long> group1 = new ArrayList<>();
    for (String line : before.lines()) {
      Matcher m = STATUS_ROW.matcher(line);
      if (m.matches() && m.group(2).equals("1")) {
        group1.add(Long.parseLong(m.group(1)));
        if (m.group(5).equals("leader")) {
          leaderNode = Long.parseLong(m.group(1));
          leaderPid = Long.parseLong(m.group(4));
        }
      }
    }
    assertTrue(leaderPid > 0, before::toString);
    String l0 = nodeLog(leaderNode);
    assertTrue(hasInfo(l0, "recovered its storage in"), l0);
    assertTrue(l0.lines().anyMatch(l -> l.contains("recovered its storage in") && l.matches(".* \\d+ WAL record\\(s\\) read$")), l0);
    assertTrue(hasInfo(l0, "won the election for term"), l0);
    assertTrue(hasInfo(l0, "now at configuration"), l0);
    assertTrue(hasInfo(nodeLog(1), "config center: configuration 1 has groups [1]"), nodeLog(1));

    long victim = leaderPid;
    ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
    assertTrue(ProcessLiveness.awaitExit(victim, List.of(ServerMain.class.getName()), Duration.ofSeconds(10)));
    long newLeader = -1;
    for (long until = System.nanoTime() + 30_000_000_000L; newLeader < 0 && System.nanoTime() < until; sleep(300)) {
      for (long n : group1) {
        if (n != leaderNode && nodeLog(n).lines().anyMatch(l -> l.contains("won the election for term"))) newLeader = n;
      }
    }
    assertTrue(newLeader > 0, "no survivor logged an election won");
    for (long n : group1) {
      if (n != leaderNode && n != newLeader) {
        String f = nodeLog(n);
        for (long until = System.nanoTime() + 10_000_000_000L; !hasInfo(f, "leader is node " + newLeader)
            && System.nanoTime() < until; sleep(300)) {
          f = nodeLog(n);
        }
        assertTrue(hasInfo(f, "leader is node " + newLeader), f);
      }
    }

    java.nio.file.Path conf = dir.resolve("cluster.conf");
    String text = java.nio.file.Files.readString(conf);
    assertTrue(text.contains("trace = false"), text);
    java.nio.file.Files.writeString(conf, text.replace("trace = false", "trace = true"));
    try {
      Run restart = shardkv("local-cluster", "start", "--dir", dir.toString());
      assertEquals(0, restart.exit(), restart::toString);
      String restarted = nodeLog(leaderNode);
      for (long until = System.nanoTime() + 10_000_000_000L; !restarted.contains(" TRACE ") && System.nanoTime() < until;
          sleep(300)) {
        restarted = nodeLog(leaderNode);
      }
      String r = restarted;
      assertTrue(r.lines().filter(l -> l.contains("recovered its storage in")).count() >= 2, r);
      assertTrue(r.contains(" TRACE "), () -> "trace = true gave no trace line\n" + r);
    } finally {
      java.nio.file.Files.writeString(conf, text);
    }
  }

  /**
   * A group with only one of its three nodes running has no leader: both status commands exit 1 and
   * say which group, the survivor's /ready answers 503 while its /health stays 200; start restores it.
   */
  @Test
  @Order(Integer.MAX_VALUE - 2)
  void statusExitsOneWhenAGroupHasNoLeader() {
    Run before = shardkv("local-cluster", "status", "--dir", dir.toString());
    List<long[]> group1 = new ArrayList<>(); // {node, pid, isLeader}
    for (String line : before.lines()) {
      Matcher m = STATUS_ROW.matcher(line);
      if (m.matches() && m.group(2).equals("1") && !m.group(4).equals("-")) {
        group1.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(4)), m.group(5).equals("leader") ? 1 : 0});
      }
    }
    assertEquals(3, group1.size(), before::toString);
    group1.sort((a, b) -> Long.compare(b[2], a[2])); // the leader first
    for (long[] victim : group1.subList(0, 2)) {
      ProcessHandle.of(victim[1]).ifPresent(ProcessHandle::destroyForcibly);
      assertTrue(ProcessLiveness.awaitExit(victim[1], List.of(ServerMain.class.getName()), Duration.ofSeconds(10)));
    }
    Run down = shardkv("local-cluster", "status", "--dir", dir.toString());
    assertEquals(1, down.exit(), down::toString);
    assertTrue(down.err().contains("group 1 has no leader"), down::toString);
    Run ctl = shardkv("ctl", "--cluster", addrs(), "status");
    assertEquals(1, ctl.exit(), ctl::toString);
    assertTrue(ctl.err().contains("group 1 has no leader"), ctl::toString);
    assertTrue(ctl.err().contains("does not answer"), ctl::toString);

    String survivor = adminUrls().get((int) group1.get(2)[0]);
    assertEquals(200, httpGet(survivor + "/health"));
    int ready = httpGet(survivor + "/ready");
    for (long until = System.nanoTime() + 30_000_000_000L; ready != 503 && System.nanoTime() < until; ) {
      sleep(200); // until the survivor's election timeout passes without a leader
      ready = httpGet(survivor + "/ready");
    }
    assertEquals(503, ready, "a node whose group has no leader is not ready");

    Run restart = shardkv("local-cluster", "start", "--dir", dir.toString());
    assertEquals(0, restart.exit(), restart::toString);
    // The next test starts from a cluster whose every node answers: wait for the restarted ones.
    Run after = shardkv("local-cluster", "status", "--dir", dir.toString());
    for (long until = System.nanoTime() + 60_000_000_000L; after.exit() != 0 && System.nanoTime() < until; ) {
      sleep(300);
      after = shardkv("local-cluster", "status", "--dir", dir.toString());
    }
    assertEquals(0, after.exit(), after::toString);
  }

  /** A node killed -9 is down: status exits 1 and shows no pid for it; start brings it back. */
  @Test
  @Order(Integer.MAX_VALUE - 1)
  void statusExitsOneWithANodeDownAndStartRestartsIt() {
    Run before = shardkv("local-cluster", "status", "--dir", dir.toString());
    List<Long> pids = statusPids(before);
    assertEquals(6, pids.size(), before::toString);
    long victim = pids.get(pids.size() - 1);
    ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
    assertTrue(ProcessLiveness.awaitExit(victim, List.of(ServerMain.class.getName()), Duration.ofSeconds(10)));

    Run down = shardkv("local-cluster", "status", "--dir", dir.toString());
    assertEquals(1, down.exit(), down::toString);
    assertEquals(5, statusPids(down).size(), down::toString);
    assertTrue(down.err().contains("1 of 6 node(s) down"), down::toString);
    assertEquals("cluster=" + addrs(), down.lines().get(down.lines().size() - 1), down::toString);

    Run restart = shardkv("local-cluster", "start", "--dir", dir.toString());
    assertEquals(0, restart.exit(), restart::toString);
    // start waits for a leader in every group; the restarted follower may need a moment to answer.
    Run after = shardkv("local-cluster", "status", "--dir", dir.toString());
    for (long until = System.nanoTime() + 60_000_000_000L; after.exit() != 0 && System.nanoTime() < until; ) {
      sleep(200);
      after = shardkv("local-cluster", "status", "--dir", dir.toString());
    }
    Run last = after;
    assertEquals(0, last.exit(), last::toString);
    assertEquals(6, statusPids(last).size(), last::toString);
    assertTrue(statusPids(last).containsAll(pids.subList(0, 5)), () -> "only the dead node is started again\n" + last);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean isNode(long pid) {
    return ProcessLiveness.isRunning(pid, List.of(ServerMain.class.getName()));
  }

  private static List<Long> statusPids(Run r) {
    List<Long> pids = new ArrayList<>();
    for (String line : r.lines()) {
      Matcher m = STATUS_ROW.matcher(line);
      if (m.matches() && !m.group(4).equals("-")) pids.add(Long.parseLong(m.group(4)));
    }
    return pids;
  }

  private static void assertNoStackTrace(Run r) {
    String all = r.out() + r.err();
    assertFalse(all.contains("\tat ") || all.contains("Exception in thread"), () -> "stack trace printed\n" + r);
  }
}
