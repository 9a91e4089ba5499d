package io.shardkv.chaos.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hosts' process control script ({@code shardkv-host}, installed by {@link ShardKvDb}) against a
 * fake {@code /proc} ({@code SHARDKV_HOST_PROC}), so that each moment of a server's death can be
 * staged and held: a killed server counts as dead only once it has finished exiting (a zombie, or
 * gone) — not while it is on its way out, having given up its memory (its command line reads empty)
 * but not yet its files, its listening port among them. A restart in that window fails to bind.
 * The staged pid is above the kernel's largest ({@code PID_MAX_LIMIT}, 2^22), so the script's
 * {@code kill -9} reaches no real process.
 */
class ShardKvHostScriptTest {
  private static final long PID = 2_000_000_000L;
  private static final int PF_EXITING = 0x4;
  private static final int FLAGS = 0x400000; // PF_RANDOMIZE, as a plain user process has

  @TempDir Path tmp;
  private Path home;
  private Path proc;

  @BeforeEach
  void install() throws IOException {
    home = tmp.toRealPath().resolve("home");
    proc = tmp.toRealPath().resolve("proc");
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("run"));
    Files.createDirectories(proc.resolve(Long.toString(PID)));
    try (InputStream in = ShardKvDb.class.getResourceAsStream("shardkv-host.sh")) {
      Files.write(home.resolve("bin/shardkv-host"), in.readAllBytes());
    }
    Files.writeString(home.resolve("run/node-3.pid"), PID + "\n");
  }

  /** The staged process: its state letter, flags and command line (written atomically: the script may read any moment). */
  private void stage(char state, int flags, String cmdline) throws IOException {
    write("stat", PID + " (java) " + state + " 1 1 1 0 -1 " + flags + " 100 0 0 0 0 0 0 0 20 0 30 0 5106887\n");
    write("cmdline", cmdline);
  }

  private void write(String name, String text) throws IOException {
    Path tmpFile = proc.resolve(PID + "." + name + ".tmp");
    Files.writeString(tmpFile, text, StandardCharsets.UTF_8);
    Files.move(tmpFile, proc.resolve(Long.toString(PID)).resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  private String serverCmdline(int id) {
    return String.join("\0", "java", "-Xmx256m", "-cp", home + "/dist/x/lib/*", "io.shardkv.server.process.ServerMain", "--config",
        home + "/cluster.conf", "--node", Integer.toString(id), "--log", home + "/logs/node-" + id + ".log") + "\0";
  }

  private Process script(String... args) throws IOException {
    return script(null, args);
  }

  /** Runs the script; with {@code xtrace} not null, under {@code sh -x} with the trace (stderr) into that file. */
  private Process script(Path xtrace, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("sh"));
    if (xtrace != null) cmd.add("-x");
    cmd.add(home.resolve("bin/shardkv-host").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (xtrace != null) {
      pb.redirectError(xtrace.toFile());
    } else {
      pb.redirectErrorStream(true);
    }
    pb.environment().put("SHARDKV_HOST_PROC", proc.toString());
    return pb.start();
  }

  /** Waits until the script's trace shows it ran {@code command}. */
  private static void awaitTraced(Path xtrace, String command, Process p) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!(Files.exists(xtrace) && Files.readString(xtrace).contains("+ " + command + "\n"))) {
      assertTrue(p.isAlive(), "the script ended before running " + command + ": " + Files.readString(xtrace));
      assertTrue(System.nanoTime() < until, "the script did not run " + command + " within 20 s");
      Thread.sleep(10);
    }
  }

  private static String finish(Process p) throws Exception {
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the script ends");
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  @Test
  void kill_waitsUntilTheServerHasFinishedExiting_notOnlyUntilItsCommandLineIsGone() throws Exception {
    stage('S', FLAGS, serverCmdline(3));
    assertEquals("3 running " + PID, finish(script("status", "3")));

    Path xtrace = tmp.resolve("kill.xtrace");
    Process kill = script(xtrace, "kill", "3");
    awaitTraced(xtrace, "kill -9 " + PID, kill); // it found its server and signalled it
    Thread.sleep(300);
    assertTrue(kill.isAlive(), "a server that has not begun to die is waited for");

    stage('R', FLAGS | PF_EXITING, ""); // exiting: memory released (no command line), files still open
    assertEquals("3 stopped -", finish(script("status", "3")), "an exiting server no longer counts as running");
    Thread.sleep(800);
    assertTrue(kill.isAlive(), "kill returns only once its server has finished exiting: its port may still be held");
    assertTrue(Files.exists(home.resolve("run/node-3.pid")));

    stage('Z', FLAGS | PF_EXITING, ""); // a zombie: exited, files closed, only the reaping left
    assertEquals("3 killed " + PID, finish(kill));
    assertFalse(Files.exists(home.resolve("run/node-3.pid")), "the pid file goes with the process");
  }

  @Test
  void aPidFileNamingAZombieOrAnotherLiveProcess_isStopped_andKillDoesNotWaitForIt() throws Exception {
    stage('Z', FLAGS, "");
    assertEquals("3 stopped -", finish(script("status", "3")));
    assertEquals("3 stopped -", finish(script("kill", "3")));

    Files.writeString(home.resolve("run/node-3.pid"), PID + "\n");
    stage('S', FLAGS, "sleep\0" + "300\0"); // the pid reused by a stranger: alive, not exiting, not ours
    long t0 = System.nanoTime();
    assertEquals("3 stopped -", finish(script("kill", "3")));
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 5_000, "a stranger is neither signalled nor waited for");
  }
}
