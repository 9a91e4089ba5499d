package io.shardkv.chaos.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.control.Remote;
import io.shardkv.chaos.control.Shell;
import io.shardkv.chaos.control.SshRemote;
import io.shardkv.chaos.lab.Lab;
import io.shardkv.chaos.lab.LabFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's clocks: a JVM started with a host's fake-clock environment (as the servers are) sees
 * bump, strobe and reset in both its wall clock and its monotonic clock; offsets are measured
 * against this machine; and the real clock of a lab host is never stepped.
 */
class FakeClocksLabTest {
  static Lab.Info lab;
  static final Map<String, Remote> remotes = new LinkedHashMap<>();
  static FakeClocks clocks;
  @TempDir static Path tmp;
  static final Duration T = Duration.ofSeconds(60);

  @BeforeAll
  static void start() {
    lab = LabFixture.up(2);
    SshRemote.Settings s = SshRemote.Settings.defaults(tmp.resolve("known_hosts"));
    for (Host h : lab.hosts()) remotes.put(h.name(), SshRemote.connect(h, s));
    Map<String, String> files = new LinkedHashMap<>();
    lab.hosts().forEach(h -> files.put(h.name(), lab.clockFile(h.name()).toString()));
    clocks = FakeClocks.prepare(remotes, files, true);
  }

  @AfterAll
  static void cleanUp() {
    remotes.values().forEach(Remote::close);
    LabFixture.down();
  }

  @AfterEach
  void reset() {
    if (clocks != null) clocks.reset(remotes.keySet());
  }

  /** One probe line: wall clock ms and monotonic ns, as a JVM on the host read them. */
  record Reading(long wallMs, long monoNs) {}

  /**
   * Runs {@link ClockProbe} on {@code node} under {@code env} (the servers' clock environment)
   * while {@code faults} runs here once the probe is going; returns what the probe saw.
   */
  static List<Reading> probe(String node, Map<String, String> env, int lines, Runnable faults) throws Exception {
    Path out = lab.hostDir(node).resolve("probe-" + System.nanoTime() + ".txt");
    StringBuilder cmd = new StringBuilder("exec env ");
    env.forEach((k, v) -> cmd.append(k).append('=').append(Shell.quote(v)).append(' '));
    cmd.append("java -Xshare:auto -XX:TieredStopAtLevel=1 -cp ").append(Shell.quote(System.getProperty("java.class.path")))
        .append(' ').append(ClockProbe.class.getName()).append(' ').append(lines).append(" > ").append(Shell.quote(out.toString()));
    CompletableFuture<Remote.Result> run = CompletableFuture.supplyAsync(() -> remotes.get(node).exec(cmd.toString(), T));
    try {
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (read(out).size() < 10 && System.nanoTime() < until && !run.isDone()) Thread.sleep(50);
      assertTrue(read(out).size() >= 10, "the probe is running: " + (run.isDone() ? run.get() : "still starting"));
      faults.run();
      Remote.Result r = run.get();
      assertEquals(0, r.exitStatus(), r.stderr());
      return read(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static List<Reading> read(Path f) throws Exception {
    List<Reading> l = new ArrayList<>();
    if (!Files.exists(f)) return l;
    for (String line : Files.readAllLines(f)) {
      String[] p = line.strip().split(" ");
      if (p.length == 2) l.add(new Reading(Long.parseLong(p[0]), Long.parseLong(p[1])));
    }
    return l;
  }

  /** The steps between consecutive readings, in ms: {wall step, monotonic step}. */
  static List<long[]> steps(List<Reading> r) {
    List<long[]> s = new ArrayList<>();
    for (int i = 1; i < r.size(); i++) {
      s.add(new long[] {r.get(i).wallMs() - r.get(i - 1).wallMs(), (r.get(i).monoNs() - r.get(i - 1).monoNs()) / 1_000_000});
    }
    return s;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void bumpAndReset_moveBothClocksOfARunningJvm_byTheOffset() throws Exception {
    List<Reading> r = probe("n1", clocks.environment("n1"), 100, () -> {
      clocks.bump("n1", 30_000);
      sleep(1000);
      clocks.reset(List.of("n1"));
      sleep(1000);
    });
    List<long[]> steps = steps(r);
    assertTrue(steps.stream().anyMatch(s -> s[0] >= 29_900 && s[0] <= 32_000 && s[1] >= 29_900 && s[1] <= 32_000),
        "one step forward by ~30 s in both clocks");
    assertTrue(steps.stream().anyMatch(s -> s[0] <= -29_000 && s[1] <= -29_000), "one step back by ~30 s in both clocks");
    assertEquals(2, steps.stream().filter(s -> Math.abs(s[0]) > 10_000).count(), "no other jumps");
  }

  @Test
  void withoutFakeMonotonic_onlyTheWallClockMoves() throws Exception {
    Map<String, String> env = new LinkedHashMap<>(clocks.environment("n2"));
    env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    List<Reading> r = probe("n2", env, 60, () -> {
      clocks.bump("n2", 20_000);
      sleep(1000);
    });
    List<long[]> steps = steps(r);
    assertTrue(steps.stream().anyMatch(s -> s[0] >= 19_900), "the wall clock jumps");
    assertTrue(steps.stream().allMatch(s -> s[1] >= 0 && s[1] < 10_000), "the monotonic clock does not");
  }

  @Test
  void strobe_flipsTheClockBackAndForth_thenLeavesItWhereItWas() throws Exception {
    clocks.bump("n1", 1000);
    List<Reading> r = probe("n1", clocks.environment("n1"), 100, () -> clocks.strobe("n1", 5000, 300, 2000));
    List<long[]> steps = steps(r);
    long forward = steps.stream().filter(s -> s[0] >= 4500 && s[1] >= 4500).count();
    long back = steps.stream().filter(s -> s[0] <= -4500 && s[1] <= -4500).count();
    assertTrue(forward >= 2 && back >= 2, "flips forward " + forward + ", back " + back);
    assertEquals(forward, back, "every flip forward is undone");
    assertEquals("+1.000", Files.readString(lab.clockFile("n1")).strip());
    assertEquals(1000, clocks.configuredOffset("n1"));
  }

  @Test
  void offsets_areMeasuredAgainstThisMachine() {
    clocks.bump("n1", 4000);
    clocks.bump("n2", -1500);
    clocks.bump("n2", -1000);
    Map<String, Long> o = clocks.offsets();
    assertTrue(Math.abs(o.get("n1") - 4000) <= 50, o.toString());
    assertTrue(Math.abs(o.get("n2") + 2500) <= 50, o.toString());
    clocks.reset(List.of("n1", "n2"));
    o = clocks.offsets();
    assertTrue(Math.abs(o.get("n1")) <= 50 && Math.abs(o.get("n2")) <= 50, o.toString());
    assertTrue(Math.abs(System.currentTimeMillis() - Long.parseLong(remotes.get("n1").execOk("date +%s%3N", T).strip())) < 5000,
        "the host's real clock (this machine's) was never moved");
  }

  @Test
  void realClocks_refuseLabHosts_whichShareThisMachinesKernel() {
    ChaosException e = assertThrows(ChaosException.class, () -> RealClocks.prepare(remotes, tmp));
    assertTrue(e.getMessage().startsWith("refusing to step the real clock of [n1, n2]: they share this machine's kernel"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("Use fake clocks (libfaketime) for them, as the lab does."), e.getMessage());
    assertTrue(remotes.get("n1").exec("test -e " + RealClocks.helper(), T).exitStatus() != 0, "nothing was installed");
  }
}
