package io.shardkv.chaos.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Processes of this machine, read from /proc. A zombie (state Z) is dead: PID 1 here may reap late,
 * so "the pid exists" is not "the process runs".
 */
public final class Procs {
  private Procs() {}

  /** The state letter of /proc/PID/stat (R, S, D, T, Z, ...), or 0 if there is no such process. */
  public static char state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = stat.lastIndexOf(')'); // the command name may hold spaces and parentheses
      return close < 0 || close + 2 >= stat.length() ? 0 : stat.charAt(close + 2);
    } catch (IOException e) {
      return 0;
    }
  }

  /** True unless gone or a zombie (or dead: X). */
  public static boolean alive(long pid) {
    char s = state(pid);
    return s != 0 && s != 'Z' && s != 'X';
  }

  /** The command line with arguments separated by spaces ("" if gone). */
  public static String cmdline(long pid) {
    try {
      byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(b, StandardCharsets.UTF_8).replace('\0', ' ').strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** kill -9 of each pid, then waits (up to {@code timeout}) until none is alive. */
  public static void kill9AndWait(List<Long> pids, Duration timeout) {
    for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    long until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until && pids.stream().anyMatch(Procs::alive)) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
