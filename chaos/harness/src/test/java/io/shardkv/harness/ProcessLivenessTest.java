package io.shardkv.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Is the process behind this pid running?" — a zombie is not, a reused pid running something else
 * is not, a stopped (SIGSTOP) process is. The process tests need Linux's /proc.
 */
class ProcessLivenessTest {
  @TempDir Path dir;
  private final NonReapingParents parents = new NonReapingParents();

  @AfterEach
  void killEverythingStarted() {
    parents.close();
  }

  @Test
  void theStateIsTheFieldAfterTheLastParenthesisOfTheCommandName() {
    assertEquals('S', ProcessLiveness.linuxState("4242 (java) S 1 4242 4242 0 -1"));
    assertEquals('Z', ProcessLiveness.linuxState("4242 (java) Z 1 4242"));
    assertEquals('R', ProcessLiveness.linuxState("7 (odd) name) Z (x) R 1 7 7"));
    assertEquals('?', ProcessLiveness.linuxState("not a stat line"));
    assertEquals('?', ProcessLiveness.linuxState("7 (cut)"));
  }

  @Test
  void zombiesAndDeadProcessesHaveExitedEverythingElseRuns() {
    for (char c : "ZXx?".toCharArray()) assertTrue(ProcessLiveness.exited(c), "state " + c);
    for (char c : "RSDTtIW".toCharArray()) assertFalse(ProcessLiveness.exited(c), "state " + c);
  }

  @Test
  void aCommandLineIsItsNulTerminatedArguments() {
    assertEquals(List.of("java", "-cp", "a b", "Main"), ProcessLiveness.splitNul("java\0-cp\0a b\0Main\0"));
    assertEquals(List.of(), ProcessLiveness.splitNul(""));
  }

  @Test
  void aRunningProcessCountsOnlyIfItsCommandLineHasTheWordsInARow() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc")), "needs /proc");
    long pid = parents.startChild("sleep", "300");
    assertTrue(ProcessLiveness.isRunning(pid, List.of("sleep", "300")));
    assertTrue(ProcessLiveness.isRunning(pid, List.of("300")));
    assertFalse(ProcessLiveness.isRunning(pid, List.of("sleep", "301")), "another command under a reused pid");
    assertFalse(ProcessLiveness.isRunning(pid, List.of("300", "sleep")), "the words must be in order");
  }

  @Test
  void aKilledProcessWhoseParentNeverReapsItIsAZombieAndNotRunning() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc")), "needs /proc");
    long pid = parents.startChild("sleep", "300");
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    assertTrue(ProcessLiveness.awaitExit(pid, List.of("sleep", "300"), Duration.ofSeconds(10)));
    assertEquals('Z', NonReapingParents.state(pid), "the parent does not reap: the child stays a zombie");
    // The trap this class exists for: the JDK's own check calls a zombie alive.
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertFalse(ProcessLiveness.isRunning(pid, List.of("sleep", "300")));
  }

  @Test
  void aStoppedProcessStillRuns() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc")), "needs /proc");
    long pid = parents.startChild("sleep", "300");
    signal("-STOP", pid);
    try {
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (NonReapingParents.state(pid) != 'T' && System.nanoTime() < until) Thread.sleep(10);
      assertEquals('T', NonReapingParents.state(pid));
      assertTrue(ProcessLiveness.isRunning(pid, List.of("sleep", "300")), "a paused node is still a running node");
    } finally {
      signal("-CONT", pid);
    }
  }

  @Test
  void aPidFileCountsOnlyWhileItsProcessRuns() throws Exception {
    Path f = dir.resolve("x.pid");
    assertEquals(Optional.empty(), ProcessLiveness.runningPid(f, List.of("x")), "no pid file");
    Files.writeString(f, "not a pid\n");
    assertEquals(Optional.empty(), ProcessLiveness.runningPid(f, List.of("x")), "garbage");
    Files.writeString(f, "0\n");
    assertEquals(Optional.empty(), ProcessLiveness.runningPid(f, List.of("x")), "pid 0");
    assumeTrue(Files.isDirectory(Path.of("/proc")), "the rest needs /proc");
    long pid = parents.startChild("sleep", "300");
    Files.writeString(f, pid + "\n");
    assertEquals(Optional.of(pid), ProcessLiveness.runningPid(f, List.of("sleep", "300")));
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    assertTrue(ProcessLiveness.awaitExit(pid, List.of("sleep", "300"), Duration.ofSeconds(10)));
    assertEquals(Optional.empty(), ProcessLiveness.runningPid(f, List.of("sleep", "300")));
  }

  private static void signal(String sig, long pid) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", sig, Long.toString(pid)).inheritIO().start();
    assertEquals(0, k.waitFor(), "kill " + sig + " " + pid);
  }
}
