package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.process.ProcessLiveness;
import io.shardkv.server.process.ServerMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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
  record Run(int exit, String out, String err) {
    List<String> outLines() {
      return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
  }

  /** Runs {@code shardkv ARGS} with stdin {@code input}, capturing System.out/err and picocli's writers. */
  private static synchronized Run shardkvWithStdin(String input, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    InputStream oldIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    StringWriter pOut = new StringWriter();
    StringWriter pErr = new StringWriter();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
      CommandLine cl = new CommandLine(new ShardKv());
      cl.setOut(new PrintWriter(pOut, true));
      cl.setErr(new PrintWriter(pErr, true));
      exit = cl.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      System.setIn(oldIn);
    }
    Run r = new Run(exit, pOut + out.toString(StandardCharsets.UTF_8), pErr + err.toString(StandardCharsets.UTF_8));
    oldOut.println("$ shardkv " + String.join(" ", args) + " -> exit " + exit);
    return r;
  }

  private static Run shardkv(String... args) {
    return shardkvWithStdin("", args);
  }

  @BeforeAll
  void startCluster() {
    started = shardkv("local-cluster", "start", "--groups", "1", "--replicas", "3", "--dir", dir.toString());
    List<String> lines = started.outLines();
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
    List<String> lines = started.outLines();
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
    assertTrue(r.outLines().get(r.outLines().size() - 1).equals("cluster=" + addrs()), r::toString);
  }

  @Test
  void clientPutThenGetPrintsOkThenTheValueAndExitsZero() {
    Run put = shardkv("client", "--cluster", addrs(), "put", "cli-k", "cli-v");
    assertEquals(0, put.exit(), put::toString);
    assertEquals(List.of("OK"), put.outLines(), put::toString);
    Run get = shardkv("client", "--cluster", addrs(), "get", "cli-k");
    assertEquals(0, get.exit(), get::toString);
    assertEquals(List.of("cli-v"), get.outLines(), get::toString);
  }

  @Test
  void clientGetOfAnAbsentKeyPrintsNotFoundAndExitsZero() {
    Run get = shardkv("client", "--cluster", addrs(), "get", "cli-never-written");
    assertEquals(0, get.exit(), get::toString);
    assertEquals(List.of("NOT_FOUND"), get.outLines(), get::toString);
  }

  @Test
  void clientWithoutOperationReadsStdinAndPrintsOneResultLinePerCommand() {
    Run r = shardkvWithStdin("put a 1\nget a\nappend a 2\nget a\n", "client", "--cluster", addrs());
    assertEquals(0, r.exit(), r::toString);
    assertEquals(List.of("OK", "1", "OK", "12"), r.outLines(), r::toString);
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
    assertEquals("cluster=" + addrs(), down.outLines().get(down.outLines().size() - 1), down::toString);

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
    for (String line : r.outLines()) {
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
