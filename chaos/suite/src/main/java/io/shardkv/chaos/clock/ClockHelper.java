package io.shardkv.chaos.clock;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.LocalCommand;
import io.shardkv.chaos.control.Remote;
import io.shardkv.chaos.control.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Puts the clock helper {@code skv-clock} (C, shipped as source with the suite) on a host with a kernel
 * of its own, for {@link RealClocks}:
 * <ul>
 *   <li>the host has a binary of the same source already: nothing to do ({@code ready});
 *   <li>the host has gcc: compiled there, as the suite always did ({@code compiled});
 *   <li>it has none — most production hosts have no compiler, nor has the Vagrant box — and its
 *       machine ({@code uname -m}) is the control node's: a binary built here, statically linked so
 *       it needs no library on the host, is uploaded and run once there ({@code skv-clock now}) before
 *       it takes the helper's place ({@code uploaded});
 *   <li>otherwise no helper ({@code none}: another machine, or nothing can build it here), and why;
 *       bumps then go through {@code date -s} and strobes are refused with that reason.
 * </ul>
 * Invariant: {@code DIR/skv-clock} is only ever replaced by a binary of {@code DIR/skv-clock.c}
 * that has run on that host (compiled there, or the upload's trial run), so {@code ready} is sound.
 */
final class ClockHelper {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Whether a host has the helper, and how it got it or why it has none (for messages and reports). */
  record Installed(boolean ok, String how) {}

  private ClockHelper() {}

  /** What to do after the host's install script ran. */
  enum Step { READY, COMPILED, UPLOAD, NONE }

  /** The step and, for NONE, why. */
  record Decision(Step step, String reason) {}

  /** What the host's install script printed, and what follows from it (pure: the decision alone). */
  static Decision decide(String report, String controlMachine, String localBuildProblem) {
    String r = report.strip();
    if (r.equals("ready")) return new Decision(Step.READY, "");
    if (r.equals("compiled")) return new Decision(Step.COMPILED, "");
    if (r.startsWith("no-compiler ")) {
      String machine = r.substring("no-compiler ".length()).strip();
      if (!machine.equals(controlMachine)) {
        return new Decision(Step.NONE, "no gcc on the host, and its machine (" + machine + ") is not the control node's ("
            + controlMachine + "), so no binary built here runs there: install gcc on the host");
      }
      if (localBuildProblem != null) {
        return new Decision(Step.NONE, "no gcc on the host, and the control node cannot build a static binary for it: "
            + localBuildProblem);
      }
      return new Decision(Step.UPLOAD, "");
    }
    throw new ChaosException("unexpected answer from the clock helper's install script: '" + r + "'");
  }

  /**
   * Installs the helper in {@code dir} on the host ({@code compiler}: the compiler looked for there,
   * {@code gcc}; tests name a missing one to take the upload path on a host that has gcc).
   */
  static Installed install(Remote r, String dir, Path source, LocalBuild build, String compiler) {
    String d = Shell.quote(dir);
    r.execOk("mkdir -p " + d, TIMEOUT);
    r.upload(source, dir + "/skv-clock.c.new");
    String cc = Shell.quote(compiler);
    String script = "cd " + d + " && if [ -x skv-clock ] && cmp -s skv-clock.c skv-clock.c.new; then rm -f skv-clock.c.new; echo ready;"
        + " elif command -v " + cc + " >/dev/null 2>&1; then mv -f skv-clock.c.new skv-clock.c && " + cc
        + " -O2 -o skv-clock.tmp skv-clock.c && mv -f skv-clock.tmp skv-clock && echo compiled;"
        + " else echo \"no-compiler $(uname -m)\"; fi";
    String report = r.execOk(script, TIMEOUT);
    boolean needsUpload = report.strip().startsWith("no-compiler ");
    Decision decided = decide(report, build.machine(), needsUpload ? build.problem() : null);
    switch (decided.step()) {
      case READY -> { return new Installed(true, "ready"); }
      case COMPILED -> { return new Installed(true, "compiled on the host"); }
      case NONE -> { return new Installed(false, decided.reason()); }
      case UPLOAD -> { } // below
    }
    r.upload(build.binary(), dir + "/skv-clock.tmp");
    Remote.Result trial = r.exec("cd " + d + " && chmod 0755 skv-clock.tmp && ./skv-clock.tmp now >/dev/null"
        + " && mv -f skv-clock.tmp skv-clock && mv -f skv-clock.c.new skv-clock.c", TIMEOUT);
    if (!trial.ok()) {
      r.exec("rm -f " + d + "/skv-clock.tmp", TIMEOUT);
      return new Installed(false, "no gcc on the host, and the binary built on the control node does not run there (exit "
          + trial.exitStatus() + ": " + trial.stderr().strip() + "): install gcc on the host");
    }
    return new Installed(true, "built on the control node (static, " + build.machine() + ") and uploaded");
  }

  /**
   * The control node's side: its machine and, built once on first need, a statically linked helper
   * in {@code workDir}, or why none could be built. Safe to share between the hosts' parallel installs.
   */
  static class LocalBuild {
    private final Path workDir;
    private final String machine;
    private Path binary;
    private String problem;

    LocalBuild(Path workDir) {
      this.workDir = workDir;
      this.machine = LocalCommand.ok("uname", "-m").strip();
    }

    String machine() {
      return machine;
    }

    /** Null when the binary is built (building it first if needed), else why it cannot be. */
    synchronized String problem() {
      if (binary == null && problem == null) build();
      return problem;
    }

    synchronized Path binary() {
      if (problem() != null) throw new IllegalStateException(problem);
      return binary;
    }

    private void build() {
      try (InputStream in = ClockHelper.class.getResourceAsStream("skv-clock.c")) {
        if (in == null) throw new ChaosException("resource skv-clock.c missing from the chaos suite's jar");
        Path dir = workDir.resolve("skv-clock-static");
        Files.createDirectories(dir);
        Path src = dir.resolve("skv-clock.c");
        Files.write(src, in.readAllBytes());
        Path out = dir.resolve("skv-clock");
        Remote.Result r;
        try {
          r = LocalCommand.run(List.of("gcc", "-O2", "-static", "-o", out.toString(), src.toString()), Duration.ofSeconds(120));
        } catch (ChaosException e) {
          problem = "gcc -static did not run here (" + e.getMessage() + "): apt-get install gcc libc6-dev";
          return;
        }
        if (!r.ok()) {
          problem = "gcc -static failed here (exit " + r.exitStatus() + ": " + r.stderr().strip() + "): apt-get install gcc libc6-dev";
          return;
        }
        binary = out;
      } catch (IOException e) {
        problem = "cannot write the helper's source under " + workDir + ": " + e.getMessage();
      }
    }
  }
}
