package io.shardkv.chaos.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shardkv.chaos.control.LocalCommand;
import io.shardkv.chaos.control.Remote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clock helper shipped to hosts with their own kernel, compiled here. It is never allowed to
 * step this machine's clock: only {@code now}, {@code bump --dry-run}, usage errors, and a real
 * bump as an unprivileged user without CAP_SYS_TIME (which the kernel must refuse) are run.
 */
class SkvClockHelperTest {
  @TempDir static Path dir;
  static Path helper;

  @BeforeAll
  static void compile() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed: the clock helper cannot be compiled here");
    Path src = dir.resolve("skv-clock.c");
    try (InputStream in = RealClocks.class.getResourceAsStream("skv-clock.c")) {
      Files.write(src, in.readAllBytes());
    }
    helper = dir.resolve("skv-clock");
    Remote.Result r = LocalCommand.run(List.of("gcc", "-O2", "-Wall", "-Werror", "-o", helper.toString(), src.toString()),
        Duration.ofSeconds(120));
    assertEquals(0, r.exitStatus(), "gcc: " + r.stderr());
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Remote.Result run(String... args) {
    List<String> argv = new ArrayList<>(List.of(helper.toString()));
    argv.addAll(List.of(args));
    return LocalCommand.run(argv, Duration.ofSeconds(30));
  }

  private static double seconds(Remote.Result r) {
    return Double.parseDouble(r.stdout().strip());
  }

  @Test
  void now_printsTheWallClockWithNanoseconds() {
    double before = System.currentTimeMillis() / 1000.0;
    Remote.Result r = run("now");
    double after = System.currentTimeMillis() / 1000.0;
    assertEquals(0, r.exitStatus());
    assertTrue(r.stdout().strip().matches("\\d+\\.\\d{9}"), r.stdout());
    assertTrue(seconds(r) >= before - 0.01 && seconds(r) <= after + 0.01, r.stdout());
  }

  @Test
  void bumpDryRun_printsNowPlusTheDelta_inEitherDirection_withoutSettingAnything() {
    for (long delta : new long[] {1500, -2750, 86_400_000}) {
      double before = System.currentTimeMillis() / 1000.0;
      Remote.Result r = run("bump", "--dry-run", Long.toString(delta));
      double after = System.currentTimeMillis() / 1000.0;
      assertEquals(0, r.exitStatus(), r.stderr());
      assertTrue(r.stdout().strip().matches("\\d+\\.\\d{9}"), "normalised nanoseconds: " + r.stdout());
      double target = seconds(r) - delta / 1000.0;
      assertTrue(target >= before - 0.01 && target <= after + 0.01, delta + ": " + r.stdout());
      double now = System.currentTimeMillis() / 1000.0;
      assertTrue(Math.abs(now - after) < 5, "the machine's clock did not move");
    }
  }

  @Test
  void badArguments_exitTwoWithUsage() {
    for (String[] args : List.of(new String[] {}, new String[] {"bump"}, new String[] {"bump", "1x"},
        new String[] {"strobe", "10", "0", "100"}, new String[] {"jump", "5"}, new String[] {"bump", "--now", "5"})) {
      Remote.Result r = run(args);
      assertEquals(2, r.exitStatus(), String.join(" ", args));
      assertTrue(r.stderr().startsWith("usage: skv-clock"), r.stderr());
    }
  }

  @Test
  void bump_withoutThePrivilegeToSetTheClock_failsWithTheKernelsReason() {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is missing: cannot drop privileges");
    // uid/gid nobody, no capabilities at all (CAP_SYS_TIME removed from every set, bounding set too)
    Remote.Result r = LocalCommand.run(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", helper.toString(), "bump", "1000"), Duration.ofSeconds(30));
    assertEquals(1, r.exitStatus(), r.stdout() + r.stderr());
    assertEquals("skv-clock: clock_settime: Operation not permitted", r.stderr().strip());
    assertEquals("", r.stdout());
  }
}
