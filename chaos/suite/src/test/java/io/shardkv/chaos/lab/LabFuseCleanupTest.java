package io.shardkv.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.db.LazyFsAvailability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lab down} leaves no FUSE mount behind: killing the namespaces' processes kills the
 * power-loss file system's daemons, and a FUSE mount whose daemon died stays mounted ("Transport
 * endpoint is not connected") until someone unmounts it. Skipped, with the reason, without FUSE.
 */
class LabFuseCleanupTest {
  @TempDir Path tmp;

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    return out.strip();
  }

  private static boolean mounted(Path p) throws Exception {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.split(" ")[4].equals(p.toString()));
  }

  @Test
  void aMountWhoseDaemonWasKilledIsUnmountedAndNothingElse() throws Exception {
    Path script = LazyFsAvailability.assume();
    Path dir = tmp.toRealPath();
    Path mount = Files.createDirectories(dir.resolve("n1/shardkv/data"));
    Path state = Files.createDirectories(dir.resolve("n1/shardkv/lazyfs"));
    run("/usr/bin/python3", script.toString(), "mount", mount.toString(), state.toString());
    assertTrue(mounted(mount));
    long daemon = Long.parseLong(Files.readString(state.resolve("daemon.pid")).strip());
    ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly); // as lab down's kill -9 does
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ProcessHandle.of(daemon).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertTrue(mounted(mount), "a killed FUSE daemon leaves its mount behind");
    assertEquals(0, Lab.unmountFuse(dir.resolve("n2")), "nothing outside the directory given");
    assertEquals(1, Lab.unmountFuse(dir));
    assertFalse(mounted(mount));
    assertEquals(0, Lab.unmountFuse(dir));
  }
}
