package io.shardkv.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts commands under a parent that never reaps its children, the way PID 1 of a container
 * without an init may not: {@code sh} starts the command in the background, prints its pid, then
 * becomes {@code cat} on a pipe from this JVM — a parent that never calls wait(). A child killed
 * meanwhile stays a zombie (state Z) until that parent exits. {@link #launch} returns once the
 * parent is {@code cat} and the child runs its command.
 *
 * <p>{@link #close()} cleans up by pid, also after a failed test: it kills every child that still
 * runs its own command line, then ends every parent (their zombies go to PID 1). If this JVM dies
 * first, the parents see end of input and exit.
 */
final class NonReapingParents implements LocalCluster.Launcher, AutoCloseable {
  private record Child(long pid, List<String> command) {}

  private final List<Process> parents = new ArrayList<>();
  private final List<Child> children = new ArrayList<>();

  /** Starts {@code command} under a new non-reaping parent; returns the command's pid. */
  synchronized long startChild(String... command) throws IOException {
    return launch(List.of(command), Path.of("/dev/null"));
  }

  @Override
  public synchronized long launch(List<String> command, Path output) throws IOException {
    List<String> sh = new ArrayList<>(List.of("sh", "-c",
        "\"$@\" >>\"$NODE_OUTPUT\" 2>&1 </dev/null & echo $!; exec cat", "sh"));
    sh.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(sh);
    pb.environment().put("NODE_OUTPUT", output.toString());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process parent = pb.start();
    parents.add(parent);
    BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (line == null) throw new IOException("sh exited before starting " + command);
    long pid = Long.parseLong(line.trim());
    children.add(new Child(pid, List.copyOf(command)));
    // Until sh has become cat it may still reap a child that dies (dash does, between commands),
    // and until the child has exec'd its command it is a copy of sh: wait for both. The copy of sh
    // has the command's words in its own command line ("sh -c SCRIPT sh WORDS…"), so "contains the
    // words" is not proof of the exec: only a command line that IS the command is. (Taking the copy
    // for the command let a caller look at the child while it was inside execve, where its command
    // line reads empty, and see a node that "does not run": the CI failure of 2026-12-07.)
    awaitArguments(parent.pid(), List.of("cat"), command);
    awaitExactCommandLine(pid, command);
    return pid;
  }

  /** Waits until {@code pid}'s /proc command line is exactly {@code command} (it has exec'd it). */
  private static void awaitExactCommandLine(long pid, List<String> command) throws IOException {
    long until = System.nanoTime() + 10_000_000_000L;
    while (!commandLine(pid).equals(command) || !ProcessLiveness.isRunning(pid, command)) {
      if (System.nanoTime() - until >= 0) {
        throw new IOException("pid " + pid + " did not come to run " + command + " (its command line: "
            + commandLine(pid) + ", state " + state(pid) + ")");
      }
      sleepBriefly(command);
    }
  }

  /** {@code /proc/PID/cmdline} as a list of arguments; empty if unreadable. */
  static List<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return ProcessLiveness.splitNul(new String(raw, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void sleepBriefly(List<String> what) throws IOException {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + what, e);
    }
  }

  private static void awaitArguments(long pid, List<String> words, List<String> what) throws IOException {
    long until = System.nanoTime() + 10_000_000_000L;
    while (!ProcessLiveness.isRunning(pid, words)) {
      if (System.nanoTime() - until >= 0) {
        throw new IOException("pid " + pid + " did not come to run " + words + " while starting " + what);
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting " + what, e);
      }
    }
  }

  /** The /proc state letter of {@code pid}, or '-' if it is gone. */
  static char state(long pid) {
    try {
      return ProcessLiveness.linuxState(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException e) {
      return '-';
    }
  }

  @Override
  public synchronized void close() {
    for (Child c : children) {
      if (ProcessLiveness.isRunning(c.pid(), c.command())) {
        ProcessHandle.of(c.pid()).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    for (Process p : parents) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    parents.clear();
    children.clear();
  }
}
