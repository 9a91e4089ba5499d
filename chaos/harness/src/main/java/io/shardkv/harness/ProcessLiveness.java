package io.shardkv.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The one rule for "is the process behind this pid file still running": every pid ShardKV keeps
 * ({@code local-cluster}'s {@code node-ID.pid}, the chaos suite's pid files) is checked here.
 *
 * <p>A pid counts as running only if both hold:
 * <ul>
 *   <li>The process has not exited. A process that exited but whose parent has not reaped it yet is
 *       a <em>zombie</em>: its pid and {@code /proc} entry remain and {@link ProcessHandle#isAlive()}
 *       is true, yet it runs nothing and never will. Where PID 1 does not reap orphans promptly
 *       (containers without an init), every killed node stays a zombie for a while. On Linux the
 *       state field of {@code /proc/PID/stat} tells: {@code Z} (zombie) or {@code X} (dead) is not
 *       running; a stopped process ({@code T}, SIGSTOP) is still running.</li>
 *   <li>Its command line holds the expected words in a row (e.g. the main class, then
 *       {@code --node 3}): a pid can be reused by an unrelated process, and a zombie's command line is
 *       empty — so where there is no {@code /proc}, the command line from {@link ProcessHandle.Info}
 *       still rules zombies out. A command line that cannot be read does not count as ours.</li>
 * </ul>
 */
public final class ProcessLiveness {
  private static final Path PROC = Path.of("/proc");
  private static final long POLL_MILLIS = 10;

  private ProcessLiveness() {}

  /** True if {@code pid} is a running process whose arguments contain {@code words} in a row. */
  public static boolean isRunning(long pid, List<String> words) {
    if (pid <= 0) return false;
    Optional<List<String>> args = Files.isDirectory(PROC) ? linuxArguments(pid) : portableArguments(pid);
    return args.map(a -> !a.isEmpty() && Collections.indexOfSubList(a, words) >= 0).orElse(false);
  }

  /** The pid read from {@code pidFile} if that process is running (as {@link #isRunning}). */
  public static Optional<Long> runningPid(Path pidFile, List<String> words) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
      return isRunning(pid, words) ? Optional.of(pid) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty(); // no pid file, or not a number: nothing runs
    }
  }

  /**
   * Waits until {@code pid} no longer runs {@code words} and has finished exiting (a zombie, or gone),
   * polling; true if it did within {@code timeout}. Unlike {@link ProcessHandle#onExit()} of a process
   * that is not our child, this does not wait for someone to reap a zombie.
   *
   * <p>A killed process first gives up its memory (its command line then reads empty, so it no longer
   * counts as running) and only afterwards closes its files — its listening sockets among them —
   * and becomes a zombie. Returning in between would let a caller restart a node on a port the dying
   * one still holds; so this also waits for the state to leave "exiting".
   */
  public static boolean awaitExit(long pid, List<String> words, Duration timeout) {
    long until = System.nanoTime() + timeout.toNanos();
    while (isRunning(pid, words) || exiting(pid)) {
      if (System.nanoTime() - until >= 0) return false;
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !isRunning(pid, words) && !exiting(pid);
      }
    }
    return true;
  }

  /**
   * Linux: {@code pid} is a process on its way out — not yet a zombie, but with no command line left
   * (its memory is released). False where there is no /proc, and for a pid that is gone or a zombie.
   */
  static boolean exiting(long pid) {
    if (pid <= 0 || !Files.isDirectory(PROC)) return false;
    return linuxArguments(pid).map(List::isEmpty).orElse(false); // empty Optional: a zombie, or gone
  }

  /**
   * The process state letter from a {@code /proc/PID/stat} line: the first field after the command
   * name, which is in parentheses and may itself contain spaces and parentheses (so the last
   * {@code ')'} ends it). {@code '?'} if the line is not of that shape.
   */
  static char linuxState(String statLine) {
    int close = statLine.lastIndexOf(')');
    if (close < 0 || close + 2 >= statLine.length() || statLine.charAt(close + 1) != ' ') return '?';
    return statLine.charAt(close + 2);
  }

  /** A stat state that is not a running process. */
  static boolean exited(char state) {
    return state == 'Z' || state == 'X' || state == 'x' || state == '?';
  }

  /** Linux: the arguments of a process that has not exited, from /proc; empty if exited or gone. */
  private static Optional<List<String>> linuxArguments(long pid) {
    Path dir = PROC.resolve(Long.toString(pid));
    try {
      if (exited(linuxState(Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8)))) {
        return Optional.empty();
      }
      byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
      return Optional.of(splitNul(new String(raw, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // gone meanwhile, or not ours to read
    }
  }

  /** Elsewhere: whatever {@link ProcessHandle.Info} can tell (a zombie has no command line there). */
  private static Optional<List<String>> portableArguments(long pid) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).flatMap(h -> {
      ProcessHandle.Info info = h.info();
      Optional<String[]> a = info.arguments();
      if (a.isPresent()) {
        List<String> l = new ArrayList<>();
        info.command().ifPresent(l::add);
        l.addAll(Arrays.asList(a.get()));
        return Optional.of(l);
      }
      // Some platforms only give the whole line: split it on spaces (words with spaces won't match).
      return info.commandLine().map(c -> List.of(c.trim().split(" +")));
    });
  }

  /** {@code /proc/PID/cmdline}: arguments each ended by a NUL byte. */
  static List<String> splitNul(String cmdline) {
    if (cmdline.isEmpty()) return List.of();
    String s = cmdline.endsWith("\0") ? cmdline.substring(0, cmdline.length() - 1) : cmdline;
    return List.of(s.split("\0", -1));
  }
}
